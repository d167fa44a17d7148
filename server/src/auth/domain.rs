//! Input becomes domain types here, at the edge: `Email`, `Username`, `Password`, `PersonName`.
//! The rules themselves live in `app::rules`, shared with the browser's form checks.

use app::rules;
use secrecy::{ExposeSecret, SecretString};

use super::password_policy::{Attributes, PasswordPolicy};

/// An email address, trimmed and lower-cased so one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        rules::email(raw).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A username with Django's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        rules::username(raw).map(Self)
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
        rules::person_name(raw.unwrap_or_default()).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy. Never `Debug`-printed or logged.
pub struct Password(SecretString);

impl Password {
    /// A password `policy` accepts for the account `attributes` describe, or every reason
    /// it does not.
    pub fn parse(
        raw: &str,
        policy: &PasswordPolicy,
        attributes: &Attributes<'_>,
    ) -> Result<Self, Vec<String>> {
        let problems = policy.check(raw, attributes);
        if problems.is_empty() {
            Ok(Self(SecretString::from(raw.to_owned())))
        } else {
            Err(problems)
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
    fn parsed_values_are_the_normalised_input() {
        assert_eq!(
            Email::parse(" Ada@Example.com").unwrap().as_str(),
            "ada@example.com"
        );
        assert_eq!(Username::parse(" ada ").unwrap().as_str(), "ada");
        assert_eq!(PersonName::parse(None).unwrap().as_str(), "");
        let policy = PasswordPolicy { min_chars: 8 };
        let attributes = Attributes {
            email: "ada@example.com",
            username: "ada",
            first_name: "",
            last_name: "",
        };
        assert_eq!(
            Password::parse(" spaced out ", &policy, &attributes)
                .unwrap()
                .expose(),
            " spaced out "
        );
        assert!(Password::parse("1234567890", &policy, &attributes).is_err());
    }
}
