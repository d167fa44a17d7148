//! Input becomes domain types here, at the edge: `Email`, `Username`, `Password`, `PersonName`.
//! Each `parse` returns the message a user sees next to the field (Django's wording).

use secrecy::{ExposeSecret, SecretString};

/// An email address, trimmed and lower-cased so one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// RFC 5321 §4.5.3.1.3 caps a path at 256 octets, so 254 for the address itself.
    pub fn parse(raw: &str) -> Result<Self, String> {
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
            Ok(Self(email))
        } else {
            Err("Enter a valid email address.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A username with Django's rules: 1–150 characters, letters, digits and `@ . + - _`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        if name.is_empty() {
            Err("This field may not be blank.".into())
        } else if name.chars().count() > 150 {
            Err("Ensure this field has no more than 150 characters.".into())
        } else if !name
            .chars()
            .all(|c| c.is_alphanumeric() || "@.+-_".contains(c))
        {
            Err("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.".into())
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A first or last name: optional, trimmed, at most 150 characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        let name = raw.unwrap_or_default().trim();
        if name.chars().count() > 150 {
            Err("Ensure this field has no more than 150 characters.".into())
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy. Never `Debug`-printed or logged.
pub struct Password(SecretString);

/// OWASP ASVS 2.1.1/2.1.2: at least 8 characters, and long passphrases allowed (128) but
/// never truncated.
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

impl Password {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            Err(format!(
                "This password is too short. It must contain at least {PASSWORD_MIN_CHARS} characters."
            ))
        } else if chars > PASSWORD_MAX_CHARS {
            Err(format!(
                "Ensure this field has no more than {PASSWORD_MAX_CHARS} characters."
            ))
        } else if raw.chars().all(|c| c.is_ascii_digit()) {
            Err("This password is entirely numeric.".into())
        } else {
            Ok(Self(SecretString::from(raw.to_owned())))
        }
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
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
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn usernames_follow_djangos_rules() {
        assert!(Username::parse("ada.lovelace+1@x").is_ok());
        assert!(Username::parse("").is_err());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse(&"a".repeat(151)).is_err());
    }

    #[test]
    fn passwords_need_eight_to_128_characters_and_not_only_digits() {
        assert!(Password::parse("correct horse").is_ok());
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("12345678901").is_err());
        assert!(Password::parse(&"x".repeat(129)).is_err());
        assert!(Password::parse(&"é".repeat(128)).is_ok());
    }
}
