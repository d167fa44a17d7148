//! Form validation in Django REST framework's terms: a submitted form is checked field by
//! field and every problem is reported at once, as `{"field": ["message"]}`. The messages are
//! DRF's, so the seeds' forms show them unchanged.

use std::collections::BTreeMap;

use super::domain::Password;
use super::password_policy::{Attributes, PasswordPolicy};

/// Field name → messages, DRF's validation error body (`non_field_errors` for the whole form).
pub type FieldErrors = BTreeMap<&'static str, Vec<String>>;

/// Errors naming one field.
pub fn one(field: &'static str, message: impl Into<String>) -> FieldErrors {
    BTreeMap::from([(field, vec![message.into()])])
}

/// DRF's message for a missing or blank required field, or the value as sent (not trimmed:
/// a password's spaces are part of it).
pub fn presence(value: Option<&str>) -> Result<&str, String> {
    match value {
        None => Err("This field is required.".into()),
        Some(raw) if raw.trim().is_empty() => Err("This field may not be blank.".into()),
        Some(raw) => Ok(raw),
    }
}

/// Parses a required field, collecting its message in `errors` so a form reports every
/// problem at once, as DRF does.
pub fn parse_field<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    presence(value)
        .and_then(parse)
        .map_err(|message| errors.entry(field).or_default().push(message))
        .ok()
}

/// A required field's value as sent, or its message in `errors`.
pub fn text(errors: &mut FieldErrors, field: &'static str, value: Option<&str>) -> Option<String> {
    parse_field(errors, field, value, |raw| Ok(raw.to_owned()))
}

/// Parses a required new password against the policy, collecting every reason it is refused
/// in `errors` under `field`.
pub fn new_password(
    errors: &mut FieldErrors,
    field: &'static str,
    value: Option<&str>,
    policy: &PasswordPolicy,
    attributes: &Attributes<'_>,
) -> Option<Password> {
    let raw = text(errors, field, value)?;
    Password::parse(&raw, policy, attributes)
        .map_err(|problems| errors.entry(field).or_default().extend(problems))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_blank_fields_get_drf_messages() {
        assert_eq!(presence(None), Err("This field is required.".into()));
        assert_eq!(
            presence(Some("  ")),
            Err("This field may not be blank.".into())
        );
        assert_eq!(presence(Some(" a ")), Ok(" a "));
    }

    #[test]
    fn every_problem_of_a_form_is_collected() {
        let mut errors = FieldErrors::new();
        assert!(text(&mut errors, "a", None).is_none());
        assert!(text(&mut errors, "b", Some("")).is_none());
        assert_eq!(text(&mut errors, "c", Some("x")), Some("x".to_owned()));
        assert_eq!(errors.len(), 2);
    }
}
