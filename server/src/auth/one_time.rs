//! The tokens mailed links carry: 256 random bits from the OS generator, URL-safe base64 in
//! the link, and only their SHA-256 in the database (OWASP Forgot Password Cheat Sheet: "the
//! token should be ... stored securely"), so a leaked table grants nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// A fresh token: what goes into the link, and what is stored.
pub struct OneTimeToken {
    pub token: String,
    pub hash: String,
}

impl OneTimeToken {
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash(&token);
        Self { token, hash }
    }
}

/// The stored form of a token as presented (trimmed: a link pasted with a stray space works).
pub fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    hex::encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_url_safe_and_stored_only_hashed() {
        let one = OneTimeToken::generate();
        let two = OneTimeToken::generate();
        assert_ne!(one.token, two.token);
        assert_eq!(URL_SAFE_NO_PAD.decode(&one.token).unwrap().len(), 32);
        assert!(
            one.token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(one.hash.len(), 64);
        assert_ne!(one.hash, one.token);
        assert_eq!(hash(&format!(" {} ", one.token)), one.hash);
    }
}
