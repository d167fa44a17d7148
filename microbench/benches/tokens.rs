//! Token sign and verify with the production `TokenService`: HS256 (a 64-byte secret as
//! `generate-secret` makes, one previous key in the ring), and EdDSA, ES256 and RS256 (a key as
//! `generate-key` makes, one previous public key in the ring): the per-request cost of every
//! authenticated call and of every rotation. Budget: HS256 verify ≤ 5 µs; EdDSA and ES256
//! verify ≤ 50 µs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test and benchmark code: a failure is the finding"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse::keys::{PrivateKey, SigningAlgorithm};
use gatehouse::tokens::{Amr, Issuer, KeyRing, Subject, TokenService, TokenType};
use secrecy::SecretString;

fn service(keys: KeyRing) -> TokenService {
    TokenService::new(
        keys,
        Issuer {
            issuer: "https://auth.example.com".into(),
            audience: None,
        },
        Duration::from_secs(3_600),
        Duration::from_secs(7 * 86_400),
    )
}

fn hmac() -> KeyRing {
    let current = SecretString::from(gatehouse::config::secret::generate());
    let previous = [SecretString::from(gatehouse::config::secret::generate())];
    KeyRing::hmac(&current, &previous)
}

fn key_pair(algorithm: SigningAlgorithm) -> KeyRing {
    let current = PrivateKey::generate(algorithm).unwrap();
    let previous = [PrivateKey::generate(algorithm).unwrap().public()];
    KeyRing::asymmetric(&current, &previous, &[])
}

fn subject() -> Subject<'static> {
    Subject {
        user_id: 42,
        email: "ada.lovelace@example.com",
        email_verified: true,
        session_id: "0b6a3c1e-5a43-4c1f-9f0e-2d7f4b3c9a10",
        amr: Amr::PasswordAndOtp,
    }
}

/// `sign_pair` and `verify_access` under `name` (the HS256 ones keep their historical names).
fn bench(c: &mut Criterion, name: &str, tokens: &TokenService) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expires_at = now + tokens.refresh_lifetime_secs();
    // A rotation signs a pair; per token that is half of this.
    c.bench_function(&format!("sign_pair{name}"), |b| {
        b.iter(|| tokens.issue_pair(black_box(subject()), expires_at, now))
    });
    let pair = tokens.issue_pair(subject(), expires_at, now);
    c.bench_function(&format!("verify_access{name}"), |b| {
        b.iter(|| tokens.verify(black_box(&pair.access), TokenType::Access))
    });
}

fn tokens(c: &mut Criterion) {
    bench(c, "", &service(hmac()));
    for (name, algorithm) in [
        ("_eddsa", SigningAlgorithm::EdDsa),
        ("_es256", SigningAlgorithm::Es256),
        ("_rs256", SigningAlgorithm::Rs256),
    ] {
        bench(c, name, &service(key_pair(algorithm)));
    }
}

criterion_group!(benches, tokens);
criterion_main!(benches);
