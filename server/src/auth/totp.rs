//! Time-based one-time passwords as authenticator apps compute them (RFC 6238 over RFC 4226's
//! HOTP): HMAC-SHA-1, 6 digits, 30-second steps, with the step before and after the current
//! one accepted for clock drift (RFC 6238 §5.2 recommends at most one). The arithmetic is
//! `totp-rs`'s; which steps to try, and that a step is accepted only once, are decided here.

use rand::RngCore;
use rand::rngs::OsRng;
use totp_rs::{Algorithm, TOTP};

/// The name authenticator apps show for the account (the otpauth URL's issuer).
pub const ISSUER: &str = "Gatehouse";

/// RFC 6238 §5.2: 30 seconds "as a default value", which every app uses.
const STEP_SECS: i64 = 30;
const DIGITS: usize = 6;
/// Steps accepted either side of the current one (RFC 6238 §5.2).
const DRIFT_STEPS: i64 = 1;
/// RFC 4226 §4 R6: the shared secret should be 160 bits.
const SECRET_BYTES: usize = 20;

/// A fresh shared secret from the OS generator.
pub fn generate_secret() -> Vec<u8> {
    let mut secret = vec![0_u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    secret
}

/// The TOTP of `secret` with `account` as the label.
fn totp(secret: &[u8], account: &str) -> TOTP {
    // Unchecked: the secret is ours (160 bits, above the 128 `new` asks for) and the label is
    // URL-encoded by `get_url`, so an unusual address cannot make setup fail.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECS as u64,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
}

/// The secret as people type it into an app: base32 (RFC 4648) without padding.
pub fn base32(secret: &[u8]) -> String {
    totp(secret, "").get_secret_base32()
}

/// The `otpauth://totp/Gatehouse:<account>?secret=...&issuer=Gatehouse` URL apps read from the
/// QR code (the Key Uri Format; SHA-1, 6 digits and 30 s are its defaults, so left out).
pub fn otpauth_url(secret: &[u8], account: &str) -> String {
    totp(secret, account).get_url()
}

/// The time step `unix_secs` falls in.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The code of `secret` at time step `step` (the server only checks codes).
#[cfg(test)]
fn code_at_step(secret: &[u8], step: i64) -> String {
    totp(secret, "").generate((step * STEP_SECS).max(0) as u64)
}

/// The time step of `code` among the current step of `now` and its neighbours, if it is one
/// of theirs and later than `after` (the last step accepted): a code works at most once, and
/// after a code of step N no code of step N or before works either (RFC 6238 §5.2). The code
/// may be typed with spaces ("123 456"); comparisons are constant-time (totp-rs).
pub fn matching_step(secret: &[u8], code: &str, now: i64, after: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "");
    let current = step_at(now);
    (current - DRIFT_STEPS..=current + DRIFT_STEPS)
        .filter(|&step| step > after && step >= 0)
        .find(|&step| totp.check(&code, (step * STEP_SECS) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 key.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_rfc_6238s_test_vectors() {
        // Appendix B lists 8 digits; the last 6 are the 6-digit code (RFC 4226 §5.3).
        for (time, eight_digits) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (20_000_000_000, "65353130"),
        ] {
            let step = step_at(time);
            assert_eq!(
                code_at_step(RFC_SECRET, step),
                eight_digits[2..],
                "T = {time}"
            );
            assert_eq!(
                matching_step(RFC_SECRET, &eight_digits[2..], time, 0),
                Some(step)
            );
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_and_two_are_not() {
        let secret = generate_secret();
        let now = 1_700_000_015;
        let current = step_at(now);
        for offset in [-1, 0, 1] {
            let code = code_at_step(&secret, current + offset);
            assert_eq!(
                matching_step(&secret, &code, now, 0),
                Some(current + offset)
            );
        }
        for offset in [-2, 2] {
            let code = code_at_step(&secret, current + offset);
            assert_eq!(matching_step(&secret, &code, now, 0), None, "{offset}");
        }
    }

    #[test]
    fn a_step_is_accepted_once_and_never_an_earlier_one() {
        let secret = generate_secret();
        let now = 1_700_000_015;
        let current = step_at(now);
        let code = code_at_step(&secret, current);
        assert_eq!(matching_step(&secret, &code, now, current), None);
        let earlier = code_at_step(&secret, current - 1);
        assert_eq!(matching_step(&secret, &earlier, now, current), None);
        let later = code_at_step(&secret, current + 1);
        assert_eq!(
            matching_step(&secret, &later, now, current),
            Some(current + 1)
        );
    }

    #[test]
    fn codes_may_have_spaces_but_nothing_else() {
        let secret = generate_secret();
        let now = 1_700_000_015;
        let code = code_at_step(&secret, step_at(now));
        let spaced = format!(" {} {} ", &code[..3], &code[3..]);
        assert!(matching_step(&secret, &spaced, now, 0).is_some());
        for wrong in ["", "12345", "1234567", "abcdef", &format!("{code}0")] {
            assert_eq!(matching_step(&secret, wrong, now, 0), None, "{wrong}");
        }
    }

    #[test]
    fn the_url_is_the_key_uri_format() {
        let url = otpauth_url(RFC_SECRET, "ada@example.com");
        assert_eq!(
            url,
            format!(
                "otpauth://totp/Gatehouse:ada%40example.com?secret={}&issuer=Gatehouse",
                base32(RFC_SECRET)
            )
        );
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }
}
