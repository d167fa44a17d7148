//! A user deleting their own account (GDPR Art. 17): the password proves it is the owner
//! asking; then the account, its sessions, second factors, passkeys and pending mail go in one
//! transaction, its access tokens are refused at once on every instance (the revocation path
//! logout takes), and the address can register again. The audit trail stays: it holds ids.

use super::fields::{self, FieldErrors};
use super::reauthentication::SignedInChange;
use super::throttle::{Account, Action, Throttled};
use super::{Auth, Client, revoke};
use crate::clock;
use crate::telemetry::{Event, EventKind};

/// Why an account was not deleted.
#[derive(Debug, thiserror::Error)]
pub enum DeleteAccountError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    /// No password, or a wrong one.
    #[error("invalid")]
    Invalid(FieldErrors),
    /// The token's user is gone already.
    #[error("user not found")]
    UserNotFound,
    #[error("password hashing failed: {0}")]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Deletes `user_id`, signed in on `session_id`, once `password` is theirs. Limited like a
/// password change (a password is being checked: per address and per user).
pub async fn delete_account(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    password: Option<&str>,
) -> Result<(), DeleteAccountError> {
    auth.throttle
        .check(
            Action::PasswordChange,
            client.address,
            Some(&Account::User(user_id)),
        )
        .await?;
    let password = fields::presence(password)
        .map_err(|message| DeleteAccountError::Invalid(fields::one("password", message)))?;
    let user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(DeleteAccountError::UserNotFound)?;
    let wrong = SignedInChange {
        user: &user,
        session_id,
        kind: EventKind::AccountDeleted,
    }
    .password_field_error(auth, client, password)
    .await
    .map_err(DeleteAccountError::Hashing)?;
    if let Some(errors) = wrong {
        return Err(DeleteAccountError::Invalid(errors));
    }
    let now = clock::now();
    let ended = auth
        .store
        .delete_user(user_id, EventKind::AccountDeleted.as_str(), now)
        .await?;
    revoke::remember_all_revoked(auth, &ended, now);
    let detail = format!("{} sessions ended", ended.len());
    let event = Event::success(EventKind::AccountDeleted, &client.ip)
        .user(user_id)
        .session(session_id)
        .detail(&detail);
    auth.audit.record(event).await;
    Ok(())
}
