//! Secrets the server must read back, kept sealed at rest: the TOTP shared secrets (OWASP
//! Multifactor Authentication Cheat Sheet: store them encrypted). XChaCha20-Poly1305 (RFC 8439
//! with a 192-bit nonce, drawn at random for each seal) under a key derived by HKDF-SHA256
//! (RFC 5869) from the JWT signing secret, so a copy of the database alone yields nothing.
//! Each sealed value is bound to what it belongs to (the associated data), so it cannot be
//! moved to another user's row. Previous signing secrets (`JWT_PREVIOUS_SECRET_KEYS`) still
//! open what they sealed; `Opened::stale` says when to seal again under the current one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::SecretString;

use super::derived_key;

/// The version prefix of a sealed value, so the scheme can change later.
const PREFIX: &str = "v1.";
/// HKDF's `info` (RFC 5869 §3.2): keys for other purposes from the same secret differ.
const INFO: &[u8] = b"gatehouse sealed secrets v1";
const NONCE_BYTES: usize = 24;

/// Seals with the key of the current signing secret; opens with it or a previous one's.
pub struct Sealer {
    /// The current key first.
    ciphers: Vec<XChaCha20Poly1305>,
}

/// A sealed value that could not be opened: altered, bound to something else, or sealed under
/// a signing secret no longer configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a sealed secret could not be opened with the current or previous signing secrets")]
pub struct Unopenable;

/// An opened value.
pub struct Opened {
    pub plaintext: Vec<u8>,
    /// Opened with a previous signing secret's key: seal it again under the current one.
    pub stale: bool,
}

fn cipher(secret: &SecretString) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&Key::from(derived_key::derive(secret, INFO)))
}

impl Sealer {
    pub fn new(current: &SecretString, previous: &[SecretString]) -> Self {
        Self {
            ciphers: std::iter::once(current)
                .chain(previous)
                .map(cipher)
                .collect(),
        }
    }

    /// Seals `plaintext` for `bound_to`: `v1.` and URL-safe base64 of nonce and ciphertext.
    #[allow(
        clippy::expect_used,
        reason = "`new` always makes the current key; encryption fails only past 256 GiB"
    )]
    pub fn seal(&self, plaintext: &[u8], bound_to: &[u8]) -> String {
        let mut nonce = XNonce::default();
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: bound_to,
        };
        let ciphertext = self
            .ciphers
            .first()
            .expect("the current key is always first")
            .encrypt(&nonce, payload)
            .expect("ChaCha20 encrypts up to 256 GiB; these secrets are bytes");
        let mut sealed = nonce.to_vec();
        sealed.extend(ciphertext);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Opens what `seal` made for `bound_to`, with the current key or a previous one.
    pub fn open(&self, sealed: &str, bound_to: &[u8]) -> Result<Opened, Unopenable> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|encoded| URL_SAFE_NO_PAD.decode(encoded).ok())
            .filter(|bytes| bytes.len() > NONCE_BYTES)
            .ok_or(Unopenable)?;
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| Unopenable)?;
        let nonce = XNonce::from(nonce);
        self.ciphers
            .iter()
            .enumerate()
            .find_map(|(index, cipher)| {
                let payload = Payload {
                    msg: ciphertext,
                    aad: bound_to,
                };
                cipher
                    .decrypt(&nonce, payload)
                    .ok()
                    .map(|plaintext| Opened {
                        plaintext,
                        stale: index > 0,
                    })
            })
            .ok_or(Unopenable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> SecretString {
        SecretString::from(value.to_owned())
    }

    #[test]
    fn a_sealed_value_opens_only_for_what_it_is_bound_to() {
        let sealer = Sealer::new(&secret(&"k".repeat(40)), &[]);
        let sealed = sealer.seal(b"twenty bytes secret!", b"totp:7");
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("twenty"));
        let opened = sealer.open(&sealed, b"totp:7").unwrap();
        assert_eq!(opened.plaintext, b"twenty bytes secret!");
        assert!(!opened.stale);
        assert!(sealer.open(&sealed, b"totp:8").is_err());
        // A fresh nonce each time: the same value never seals the same way twice.
        assert_ne!(sealer.seal(b"x", b"a"), sealer.seal(b"x", b"a"));
    }

    #[test]
    fn altered_or_foreign_values_do_not_open() {
        let sealer = Sealer::new(&secret(&"k".repeat(40)), &[]);
        let sealed = sealer.seal(b"secret", b"totp:7");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(sealer.open(&altered, b"totp:7").err(), Some(Unopenable));
        for garbage in ["", "v1.", "v2.abc", "plain text", "v1.!!"] {
            assert!(sealer.open(garbage, b"totp:7").is_err(), "{garbage}");
        }
        let other = Sealer::new(&secret(&"o".repeat(40)), &[]);
        assert!(other.open(&sealed, b"totp:7").is_err());
    }

    #[test]
    fn previous_signing_secrets_open_what_they_sealed_as_stale() {
        let old = Sealer::new(&secret(&"old-".repeat(10)), &[]);
        let sealed = old.seal(b"secret", b"totp:7");
        let rotated = Sealer::new(&secret(&"new-".repeat(10)), &[secret(&"old-".repeat(10))]);
        let opened = rotated.open(&sealed, b"totp:7").unwrap();
        assert_eq!(opened.plaintext, b"secret");
        assert!(opened.stale);
        let resealed = rotated.seal(&opened.plaintext, b"totp:7");
        assert!(!rotated.open(&resealed, b"totp:7").unwrap().stale);
    }
}
