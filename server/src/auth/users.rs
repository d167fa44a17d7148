//! The signed-in user's own account: reading it and changing the names on it.

use super::Auth;
use super::domain::PersonName;
use super::fields::FieldErrors;
use crate::store::UserRow;

/// Why the account could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid names")]
    Invalid(FieldErrors),
    /// The token's user no longer exists.
    #[error("user not found")]
    UserNotFound,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// A change of names as submitted: a missing field stays as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct NamesForm<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

/// Whether `user` may start a session at all: not once staff disabled the account (Django's
/// `ModelBackend.user_can_authenticate`). Every way in (password, second step, passkey) asks
/// this after its own checks and answers a disabled account as it answers a wrong credential,
/// so a sign-in does not tell whether an account was disabled.
pub fn may_sign_in(user: &UserRow) -> bool {
    user.is_active
}

/// The user `user_id`.
pub async fn account(auth: &Auth, user_id: i64) -> Result<UserRow, AccountError> {
    auth.store
        .user_by_id(user_id)
        .await?
        .ok_or(AccountError::UserNotFound)
}

/// Changes the first and/or last name of `user_id` (the fields sent; the others stay).
pub async fn rename(
    auth: &Auth,
    user_id: i64,
    form: &NamesForm<'_>,
) -> Result<UserRow, AccountError> {
    let mut errors = FieldErrors::new();
    let mut parse = |field: &'static str, value: Option<&str>| match value {
        None => None,
        Some(raw) => PersonName::parse(Some(raw))
            .map_err(|message| errors.entry(field).or_default().push(message))
            .ok(),
    };
    let first_name = parse("first_name", form.first_name);
    let last_name = parse("last_name", form.last_name);
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    auth.store
        .update_names(
            user_id,
            first_name.as_ref().map(PersonName::as_str),
            last_name.as_ref().map(PersonName::as_str),
        )
        .await?
        .ok_or(AccountError::UserNotFound)
}
