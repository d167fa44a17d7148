//! Keys taken from the signing secret for other purposes (sealing TOTP secrets, naming rate-limit
//! budgets): HKDF-SHA256 (RFC 5869) with a distinct `info` per purpose, so no two uses share a
//! key and none reveals the secret.

use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// The 32-byte key for the purpose `info`, taken from `secret`.
#[allow(
    clippy::expect_used,
    reason = "HKDF-SHA256 expands to at most 255 × 32 bytes; a key is 32"
)]
pub fn derive(secret: &SecretString, info: &[u8]) -> [u8; 32] {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(None, secret.expose_secret().as_bytes())
        .expand(info, &mut key)
        .expect("32 bytes is within HKDF-SHA256's output limit");
    key
}
