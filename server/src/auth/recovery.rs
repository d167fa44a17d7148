//! Password recovery by email (OWASP Forgot Password Cheat Sheet): asking for a link answers
//! the same whether or not the account exists, the link works once and expires, and using it
//! sets a new password, ends every session and tells the owner. It does not sign in.

use super::domain::Email;
use super::email::{INVALID_LINK, Purpose, send_link};
use super::fields::{self, FieldErrors};
use super::password_policy::Attributes;
use super::revoke::sessions_ended;
use super::throttle::{Account, Action, Throttled};
use super::{Auth, Client, mail, one_time};
use crate::clock;
use crate::telemetry::{Event, EventKind};

/// A reset confirmation as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResetForm<'a> {
    pub token: Option<&'a str>,
    pub new_password: Option<&'a str>,
    pub new_password2: Option<&'a str>,
}

/// Why a reset request or confirmation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error("invalid reset form")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Mails a reset link to `email` if it is an account's. The caller answers the same either
/// way, and the mail goes through the outbox, so neither the body nor the time tells whether
/// the account exists. Limited per address and per email.
pub async fn request_reset(
    auth: &Auth,
    client: &Client,
    email: Option<&str>,
) -> Result<(), ResetError> {
    let account = email.map(Account::email);
    auth.throttle
        .check(Action::PasswordReset, client.address, account.as_ref())
        .await?;
    let raw = fields::presence(email)
        .map_err(|message| ResetError::Invalid(fields::one("email", message)))?;
    let user = match Email::parse(raw) {
        Ok(email) => auth.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let Some(user) = user else {
        let detail = format!(
            "unknown account {}",
            raw.trim().chars().take(254).collect::<String>()
        );
        let event = Event::failure(EventKind::PasswordResetRequested, &client.ip).detail(&detail);
        auth.audit.record(event).await;
        return Ok(());
    };
    send_link(
        auth,
        Purpose::PasswordReset,
        user.id,
        &user.email,
        None,
        |link, lifetime| mail::password_reset(&user.email, link, lifetime),
        &[],
    )
    .await?;
    let event = Event::success(EventKind::PasswordResetRequested, &client.ip).user(user.id);
    auth.audit.record(event).await;
    Ok(())
}

/// Sets a new password with a reset link's token: the token is used up, every other reset link
/// and every session ends (access tokens are refused at once), the address counts as verified
/// (the link proved the mailbox), and a "your password was changed" mail is queued. A bad
/// field loses nothing: the token stays usable until a valid password is given. Returns the
/// user.
pub async fn confirm_reset(
    auth: &Auth,
    client: &Client,
    form: &ResetForm<'_>,
) -> Result<i64, ResetError> {
    auth.throttle
        .check_ip(Action::UseLink, client.address)
        .await?;
    let mut errors = FieldErrors::new();
    let token = fields::text(&mut errors, "token", form.token);
    let new = fields::text(&mut errors, "new_password", form.new_password);
    let new2 = fields::text(&mut errors, "new_password2", form.new_password2);
    let (Some(token), Some(new), Some(new2)) = (token, new, new2) else {
        return Err(ResetError::Invalid(errors));
    };
    let invalid_link = || ResetError::Invalid(fields::one("token", INVALID_LINK));
    let token_hash = one_time::hash(&token);
    let now = clock::now();
    let row = auth
        .store
        .live_account_token(&token_hash, Purpose::PasswordReset.as_str(), now)
        .await?
        .ok_or_else(invalid_link)?;
    let user = auth
        .store
        .user_by_id(row.user_id)
        .await?
        .ok_or_else(invalid_link)?;
    let attributes = Attributes::of(&user);
    let mut errors = FieldErrors::new();
    let new = fields::new_password(
        &mut errors,
        "new_password",
        Some(&new),
        &auth.password_policy,
        &attributes,
    );
    let Some(new) = new else {
        return Err(ResetError::Invalid(errors));
    };
    if new.expose() != new2 {
        return Err(ResetError::Invalid(fields::one(
            "new_password2",
            "The two password fields didn't match.",
        )));
    }
    let password_hash = auth
        .hasher
        .hash(new.expose())
        .await
        .map_err(ResetError::Hashing)?;
    let notice = mail::password_changed(&user.email);
    let now = clock::now();
    let (user_id, ended) = auth
        .store
        .reset_password(
            &token_hash,
            &password_hash,
            super::email::outbox_row(&notice, user.id),
            EventKind::PasswordReset.as_str(),
            now,
            clock::now_ms(),
        )
        .await?
        .ok_or_else(invalid_link)?;
    auth.mail_queued.notify_one();
    sessions_ended(
        auth,
        user_id,
        &ended,
        now,
        EventKind::PasswordReset,
        &client.ip,
    )
    .await;
    Ok(user.id)
}
