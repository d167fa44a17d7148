//! Recovery codes: ten single-use codes that stand in for a lost authenticator. Each is 50
//! random bits written as `xxxxx-xxxxx` in lower-case base32 (RFC 4648's alphabet has no 0, 1
//! or 8, so nothing reads as O, l or B), shown once and stored only hashed (OWASP
//! Multifactor Authentication Cheat Sheet). Random codes need no slow hash; the user id salts
//! it, so equal codes of two users do not hash alike.

use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// How many codes a set has.
pub const COUNT: usize = 10;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Characters in each half of a code.
const HALF: usize = 5;

/// A fresh set: the codes to show once, and the hashes to store.
pub struct RecoveryCodes {
    pub codes: Vec<String>,
    pub hashes: Vec<String>,
}

impl RecoveryCodes {
    /// Ten new codes for `user_id`.
    pub fn generate(user_id: i64) -> Self {
        let codes: Vec<String> = (0..COUNT).map(|_| code()).collect();
        let hashes = codes.iter().map(|code| hash(user_id, code)).collect();
        Self { codes, hashes }
    }
}

/// One code: ten characters of 5 bits each (a byte's low 5 bits are uniform, as 256 is a
/// multiple of 32), with a dash in the middle.
fn code() -> String {
    let mut bytes = [0_u8; 2 * HALF];
    OsRng.fill_bytes(&mut bytes);
    let letters: Vec<char> = bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(byte & 31)]))
        .collect();
    let (first, second) = letters.split_at(HALF);
    format!(
        "{}-{}",
        first.iter().collect::<String>(),
        second.iter().collect::<String>()
    )
}

/// The stored form of a code as typed by `user_id`: upper case, spaces and dashes do not
/// matter.
pub fn hash(user_id: i64, typed: &str) -> String {
    let normalized: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    let digest = Sha256::new()
        .chain_update(format!("gatehouse-recovery-code:{user_id}:"))
        .chain_update(normalized.as_bytes())
        .finalize();
    hex::encode(digest)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn a_set_is_ten_distinct_typable_codes_stored_only_hashed() {
        let set = RecoveryCodes::generate(7);
        assert_eq!(set.codes.len(), COUNT);
        assert_eq!(set.codes.iter().collect::<HashSet<_>>().len(), COUNT);
        for (code, stored) in set.codes.iter().zip(&set.hashes) {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(code.as_bytes()[5], b'-', "{code}");
            assert!(code.bytes().all(|b| b == b'-' || ALPHABET.contains(&b)));
            assert_eq!(stored.len(), 64);
            assert_eq!(&hash(7, code), stored);
        }
    }

    #[test]
    fn codes_are_read_as_people_type_them_and_salted_by_user() {
        let stored = hash(7, "abcde-fgh23");
        assert_eq!(hash(7, " ABCDE FGH23 "), stored);
        assert_eq!(hash(7, "abcdefgh23"), stored);
        assert_ne!(hash(8, "abcde-fgh23"), stored);
        assert_ne!(hash(7, "abcde-fgh24"), stored);
    }
}
