//! Token verify and sign cost in CPU time (the thread's own, `CLOCK_THREAD_CPUTIME_ID`), which
//! other processes on a busy machine do not inflate as they do criterion's wall-clock figures:
//! `cargo run --release -p microbench --example verify_cpu`. Budget: EdDSA and ES256 verify
//! ≤ 50 µs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test and benchmark code: a failure is the finding"
)]

use std::hint::black_box;
use std::time::Duration;

use gatehouse::keys::{PrivateKey, SigningAlgorithm};
use gatehouse::tokens::{Amr, Issuer, KeyRing, Subject, TokenService, TokenType};
use secrecy::SecretString;

/// This thread's CPU time so far, in nanoseconds.
fn cpu_nanos() -> i128 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant Linux defines.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut now) };
    assert_eq!(status, 0, "clock_gettime");
    i128::from(now.tv_sec) * 1_000_000_000 + i128::from(now.tv_nsec)
}

/// Mean CPU µs of `run`, over enough rounds to take about half a second of CPU.
fn cpu_micros(mut run: impl FnMut()) -> f64 {
    for _ in 0..50 {
        run();
    }
    let (mut rounds, started) = (0u32, cpu_nanos());
    while cpu_nanos() - started < 500_000_000 {
        run();
        rounds += 1;
    }
    (cpu_nanos() - started) as f64 / 1_000.0 / f64::from(rounds)
}

fn main() {
    let subject = Subject {
        user_id: 42,
        email: "ada.lovelace@example.com",
        email_verified: true,
        session_id: "0b6a3c1e-5a43-4c1f-9f0e-2d7f4b3c9a10",
        amr: Amr::PasswordAndOtp,
    };
    let issuer = Issuer {
        issuer: "https://auth.example.com".into(),
        audience: None,
    };
    let secret = SecretString::from(gatehouse::config::secret::generate());
    let rings = [
        ("HS256", KeyRing::hmac(&secret, &[])),
        ("EdDSA", ring_of(SigningAlgorithm::EdDsa)),
        ("ES256", ring_of(SigningAlgorithm::Es256)),
        ("RS256", ring_of(SigningAlgorithm::Rs256)),
    ];
    println!("| algorithm | verify, CPU µs | sign a pair, CPU µs |");
    println!("|---|---|---|");
    for (name, keys) in rings {
        let tokens = TokenService::new(
            keys,
            issuer.clone(),
            Duration::from_secs(3_600),
            Duration::from_secs(7 * 86_400),
        );
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let pair = tokens.issue_pair(subject, now + 3_600, now);
        let verify = cpu_micros(|| {
            black_box(tokens.verify(black_box(&pair.access), TokenType::Access)).unwrap();
        });
        let sign = cpu_micros(|| {
            black_box(tokens.issue_pair(black_box(subject), now + 3_600, now));
        });
        println!("| {name} | {verify:.1} | {sign:.1} |");
    }
}

fn ring_of(algorithm: SigningAlgorithm) -> KeyRing {
    KeyRing::asymmetric(&PrivateKey::generate(algorithm).unwrap(), &[], &[])
}
