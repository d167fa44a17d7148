//! The input rules, written once and used on both sides: the server's domain types parse with
//! them, and the browser checks forms with them before sending, so the two never disagree.
//! Messages follow Django's wording.

/// Django's limit for usernames and names.
pub const NAME_MAX_CHARS: usize = 150;
/// OWASP ASVS 2.1.1/2.1.2: at least 8 characters; long passphrases allowed, never truncated.
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// An email address, trimmed and lower-cased; RFC 5321 §4.5.3.1.3 caps it at 254 octets.
pub fn email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && (domain == "localhost"
                        || domain.split('.').count() >= 2
                            && domain.split('.').all(|label| {
                                !label.is_empty()
                                    && !label.starts_with('-')
                                    && !label.ends_with('-')
                            }))
            }
            None => false,
        };
    if valid {
        Ok(email)
    } else {
        Err("Enter a valid email address.".into())
    }
}

/// A username: 1–150 characters, letters, digits and `@ . + - _`; trimmed.
pub fn username(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        Err("This field may not be blank.".into())
    } else if name.chars().count() > NAME_MAX_CHARS {
        Err(format!(
            "Ensure this field has no more than {NAME_MAX_CHARS} characters."
        ))
    } else if !name
        .chars()
        .all(|c| c.is_alphanumeric() || "@.+-_".contains(c))
    {
        Err("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
            .into())
    } else {
        Ok(name.to_owned())
    }
}

/// A first or last name: optional, trimmed, at most 150 characters.
pub fn person_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.chars().count() > NAME_MAX_CHARS {
        Err(format!(
            "Ensure this field has no more than {NAME_MAX_CHARS} characters."
        ))
    } else {
        Ok(name.to_owned())
    }
}

/// A new password: 8–128 characters, not only digits. Checked as typed, never trimmed.
pub fn password(raw: &str) -> Result<(), String> {
    password_of_at_least(raw, PASSWORD_MIN_CHARS)
}

/// A new password of `min_chars` (the server's configured minimum, never below 8) to 128
/// characters, not only digits. Never truncated: a longer one is refused, not cut.
pub fn password_of_at_least(raw: &str, min_chars: usize) -> Result<(), String> {
    let min_chars = min_chars.max(PASSWORD_MIN_CHARS);
    let chars = raw.chars().count();
    if chars < min_chars {
        Err(format!(
            "This password is too short. It must contain at least {min_chars} characters."
        ))
    } else if chars > PASSWORD_MAX_CHARS {
        Err(format!(
            "Ensure this field has no more than {PASSWORD_MAX_CHARS} characters."
        ))
    } else if raw.chars().all(|c| c.is_ascii_digit()) {
        Err("This password is entirely numeric.".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_malformed_ones_refused() {
        assert_eq!(
            email("  Ada@Example.COM ").as_deref(),
            Ok("ada@example.com")
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "a b@example.com",
            "ada@example",
            "a@@b.com",
            "a@-x.com",
        ] {
            assert!(email(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn usernames_follow_djangos_rules() {
        assert!(username("ada.lovelace+1@x").is_ok());
        assert!(username("").is_err());
        assert!(username("has space").is_err());
        assert!(username(&"a".repeat(151)).is_err());
    }

    #[test]
    fn passwords_need_eight_to_128_characters_and_not_only_digits() {
        assert!(password("correct horse").is_ok());
        assert!(password("short").is_err());
        assert!(password("12345678901").is_err());
        assert!(password(&"x".repeat(129)).is_err());
        assert!(password(&"é".repeat(128)).is_ok());
    }
}
