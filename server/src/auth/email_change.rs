//! Changing the address: the owner proves the password, the link goes to the new address (so
//! only a mailbox the owner controls can take the account), the old address is told, and on
//! confirmation every other session ends.

use super::domain::Email;
use super::email::{INVALID_LINK, Purpose, send_link};
use super::fields::{self, FieldErrors};
use super::reauthentication::SignedInChange;
use super::revoke::end_user_sessions;
use super::throttle::{Account, Action, Throttled};
use super::{Auth, Client, mail, one_time};
use crate::clock;
use crate::store::ChangeEmailError;
use crate::telemetry::{Event, EventKind};

/// A change of address as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmailChangeForm<'a> {
    pub new_email: Option<&'a str>,
    pub password: Option<&'a str>,
}

/// Why a change of address was refused.
#[derive(Debug, thiserror::Error)]
pub enum EmailChangeError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error("invalid change of address")]
    Invalid(FieldErrors),
    /// The token's user no longer exists.
    #[error("user not found")]
    UserNotFound,
    #[error(transparent)]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Asks to move `user_id` (signed in on `session_id`) to a new address: a confirmation link
/// goes to it and a notice to the current one. Limited per address and per user.
pub async fn request_change(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    form: &EmailChangeForm<'_>,
) -> Result<(), EmailChangeError> {
    auth.throttle
        .check(
            Action::EmailChange,
            client.address,
            Some(&Account::User(user_id)),
        )
        .await?;
    let user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(EmailChangeError::UserNotFound)?;
    let mut errors = FieldErrors::new();
    let new_email = fields::parse_field(&mut errors, "new_email", form.new_email, Email::parse);
    let password = fields::text(&mut errors, "password", form.password);
    let (Some(new_email), Some(password)) = (new_email, password) else {
        return Err(EmailChangeError::Invalid(errors));
    };
    if new_email.as_str() == user.email {
        return Err(EmailChangeError::Invalid(fields::one(
            "new_email",
            "This is already your email address.",
        )));
    }
    let wrong = SignedInChange {
        user: &user,
        session_id,
        kind: EventKind::EmailChangeRequested,
    }
    .password_field_error(auth, client, &password)
    .await
    .map_err(EmailChangeError::Hashing)?;
    if let Some(errors) = wrong {
        return Err(EmailChangeError::Invalid(errors));
    }
    if auth
        .store
        .user_by_email(new_email.as_str())
        .await?
        .is_some()
    {
        return Err(EmailChangeError::Invalid(fields::one(
            "new_email",
            "user with this email already exists.",
        )));
    }
    let notice = mail::email_change_notice(&user.email, new_email.as_str());
    send_link(
        auth,
        Purpose::ChangeEmail,
        user.id,
        new_email.as_str(),
        Some(session_id),
        |link, lifetime| mail::confirm_new_email(new_email.as_str(), link, lifetime),
        &[notice],
    )
    .await?;
    let event = Event::success(EventKind::EmailChangeRequested, &client.ip)
        .user(user.id)
        .session(session_id);
    auth.audit.record(event).await;
    Ok(())
}

/// Moves the account of a change link's token to its new address (verified) and ends every
/// session but the one that asked. Returns the user.
pub async fn confirm_change(
    auth: &Auth,
    client: &Client,
    token: Option<&str>,
) -> Result<i64, EmailChangeError> {
    auth.throttle
        .check_ip(Action::UseLink, client.address)
        .await?;
    let token = fields::presence(token)
        .map_err(|message| EmailChangeError::Invalid(fields::one("token", message)))?;
    let row = match auth
        .store
        .change_email(&one_time::hash(token), clock::now())
        .await
    {
        Ok(Some(row)) => row,
        Ok(None) => {
            return Err(EmailChangeError::Invalid(fields::one(
                "token",
                INVALID_LINK,
            )));
        }
        Err(ChangeEmailError::EmailTaken) => {
            return Err(EmailChangeError::Invalid(fields::one(
                "token",
                "That address now belongs to another account.",
            )));
        }
        Err(ChangeEmailError::Database(error)) => return Err(error.into()),
    };
    end_user_sessions(
        auth,
        row.user_id,
        row.session_id.as_deref(),
        EventKind::EmailChanged,
        &client.ip,
    )
    .await?;
    Ok(row.user_id)
}
