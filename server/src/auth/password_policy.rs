//! What a new password must be (OWASP ASVS 2.1): long enough (configurable, at least 8), at
//! most 128 characters and never truncated, not only digits, not one of the commonly used
//! passwords, and not too similar to the account's own names. The rules and messages are
//! Django's validators', so the seeds' forms show the same errors.

use std::collections::HashSet;
use std::sync::LazyLock;

use app::rules;

use crate::store::UserRow;

/// Django's `CommonPasswordValidator` list (django/contrib/auth/common-passwords.txt.gz,
/// BSD-3-Clause, from Royce Williams' compilation of breached passwords), keeping only the
/// entries long enough to pass the length rule: shorter ones can never get this far.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// Django's `UserAttributeSimilarityValidator` threshold.
const MAX_SIMILARITY: f64 = 0.7;

/// The account's own values a password must not resemble, with the name shown in the error.
pub struct Attributes<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
}

impl<'a> Attributes<'a> {
    /// The attributes of a stored account.
    pub fn of(user: &'a UserRow) -> Self {
        Self {
            email: &user.email,
            username: &user.username,
            first_name: &user.first_name,
            last_name: &user.last_name,
        }
    }
}

/// The policy, with the configured minimum length.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    pub min_chars: usize,
}

impl PasswordPolicy {
    /// Every reason `password` is refused (empty if it is fine), as Django lists them all.
    pub fn check(&self, password: &str, attributes: &Attributes<'_>) -> Vec<String> {
        if let Err(message) = rules::password_of_at_least(password, self.min_chars) {
            return vec![message];
        }
        let mut problems = Vec::new();
        if let Some(name) = too_similar(password, attributes) {
            problems.push(format!("The password is too similar to the {name}."));
        }
        if COMMON_PASSWORDS.contains(password.trim().to_lowercase().as_str()) {
            problems.push("This password is too common.".to_owned());
        }
        problems
    }
}

/// The first attribute `password` resembles, judged as Django does: against the whole value
/// and each of its word-separated parts (so `ada.lovelace@example.com` also checks `ada` and
/// `lovelace`).
fn too_similar(password: &str, attributes: &Attributes<'_>) -> Option<&'static str> {
    let password = password.to_lowercase();
    let named = [
        ("username", attributes.username),
        ("first name", attributes.first_name),
        ("last name", attributes.last_name),
        ("email address", attributes.email),
    ];
    named.into_iter().find_map(|(name, value)| {
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return None;
        }
        let parts = value
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|part| !part.is_empty());
        std::iter::once(value.as_str())
            .chain(parts)
            .filter(|part| !much_longer_than(&password, part))
            .any(|part| quick_ratio(&password, part) >= MAX_SIMILARITY)
            .then_some(name)
    })
}

/// Django's `exceeds_maximum_length_ratio`: a password ten times longer than a short value
/// cannot be "similar" to it, however the characters overlap.
fn much_longer_than(password: &str, value: &str) -> bool {
    let password_len = password.chars().count() as f64;
    let value_len = value.chars().count() as f64;
    password_len >= 10.0 * value_len && value_len < MAX_SIMILARITY / 2.0 * password_len
}

/// Python's `SequenceMatcher.quick_ratio`: twice the characters the two strings have in
/// common (as multisets), over their total length.
fn quick_ratio(a: &str, b: &str) -> f64 {
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        return 1.0;
    }
    let mut available: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    for c in b.chars() {
        *available.entry(c).or_default() += 1;
    }
    let common = a
        .chars()
        .filter(|c| match available.get_mut(c) {
            Some(count) if *count > 0 => {
                *count -= 1;
                true
            }
            _ => false,
        })
        .count();
    2.0 * common as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: Attributes<'static> = Attributes {
        email: "ada.lovelace@example.com",
        username: "countess",
        first_name: "Ada",
        last_name: "Lovelace",
    };

    fn policy() -> PasswordPolicy {
        PasswordPolicy { min_chars: 8 }
    }

    #[test]
    fn a_strong_password_passes() {
        assert!(policy().check("correct horse battery", &ADA).is_empty());
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        for common in ["password123", "PASSWORD123", "qwertyuiop", "iloveyou123"] {
            assert_eq!(
                policy().check(common, &ADA),
                ["This password is too common."],
                "{common}"
            );
        }
    }

    #[test]
    fn passwords_like_the_account_names_are_refused() {
        assert_eq!(
            policy().check("countess1", &ADA),
            ["The password is too similar to the username."]
        );
        assert_eq!(
            policy().check("Lovelace99", &ADA),
            ["The password is too similar to the last name."]
        );
        assert_eq!(
            policy().check("ada.lovelace@example", &ADA),
            ["The password is too similar to the email address."]
        );
    }

    #[test]
    fn the_minimum_length_is_configurable_but_never_below_eight() {
        let strict = PasswordPolicy { min_chars: 12 };
        assert_eq!(
            strict.check("horse staple", &ADA).len(),
            0,
            "12 characters pass"
        );
        assert_eq!(
            strict.check("horse stapl", &ADA),
            ["This password is too short. It must contain at least 12 characters."]
        );
        let lax = PasswordPolicy { min_chars: 4 };
        assert!(!lax.check("abc12", &ADA).is_empty());
    }

    #[test]
    fn long_passwords_are_refused_not_truncated() {
        let long = "x".repeat(129);
        assert_eq!(
            policy().check(&long, &ADA),
            ["Ensure this field has no more than 128 characters."]
        );
    }

    #[test]
    fn quick_ratio_matches_python() {
        // difflib.SequenceMatcher(None, "countess1", "countess").quick_ratio() == 16/17
        assert!((quick_ratio("countess1", "countess") - 16.0 / 17.0).abs() < 1e-9);
        assert_eq!(quick_ratio("abc", "xyz"), 0.0);
    }
}
