//! Token sign and verify with the production `TokenService` (HS256, a 64-byte secret as
//! `generate-secret` makes, one previous key in the ring): the per-request cost of every
//! authenticated call and of every rotation. Budget: verify ≤ 5 µs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test and benchmark code: a failure is the finding"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse::tokens::{Amr, Subject, TokenService, TokenType};
use secrecy::SecretString;

fn service() -> TokenService {
    let current = SecretString::from(gatehouse::config::secret::generate());
    let previous = [SecretString::from(gatehouse::config::secret::generate())];
    TokenService::new(
        &current,
        &previous,
        Duration::from_secs(3_600),
        Duration::from_secs(7 * 86_400),
    )
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

fn tokens(c: &mut Criterion) {
    let tokens = service();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let expires_at = now + tokens.refresh_lifetime_secs();
    // A rotation signs a pair; per token that is half of this.
    c.bench_function("sign_pair", |b| {
        b.iter(|| tokens.issue_pair(black_box(subject()), expires_at, now))
    });
    let pair = tokens.issue_pair(subject(), expires_at, now);
    c.bench_function("verify_access", |b| {
        b.iter(|| tokens.verify(black_box(&pair.access), TokenType::Access))
    });
}

criterion_group!(benches, tokens);
criterion_main!(benches);
