//! Proving an address: a link mailed at registration (and again on request) marks the
//! address verified when opened. `EMAIL_VERIFICATION` decides whether sign-in waits for it.

use super::domain::Email;
use super::email::{INVALID_LINK, Purpose, Verification, send_link};
use super::fields::{self, FieldErrors};
use super::throttle::{Account, Action, Throttled};
use super::{Auth, Client, mail, one_time};
use crate::clock;
use crate::store::UserRow;
use crate::telemetry::{Event, EventKind};

/// Why a verification or a resend was refused.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error("invalid verification")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Queues the verification mail for `user`, unless verification is off or already done.
pub async fn send_verification(auth: &Auth, user: &UserRow, ip: &str) -> sqlx::Result<()> {
    if auth.email.verification == Verification::None || user.email_verified_at.is_some() {
        return Ok(());
    }
    send_link(
        auth,
        Purpose::VerifyEmail,
        user.id,
        &user.email,
        None,
        |link, lifetime| mail::verify_email(&user.email, link, lifetime),
        &[],
    )
    .await?;
    let event = Event::success(EventKind::VerificationSent, ip).user(user.id);
    auth.audit.record(event).await;
    Ok(())
}

/// Marks the address of a verification link's token verified. Returns the user.
pub async fn verify(auth: &Auth, client: &Client, token: Option<&str>) -> Result<i64, VerifyError> {
    auth.throttle
        .check_ip(Action::UseLink, client.address)
        .await?;
    let token = fields::presence(token)
        .map_err(|message| VerifyError::Invalid(fields::one("token", message)))?;
    let user_id = auth
        .store
        .verify_email(&one_time::hash(token), clock::now())
        .await?
        .ok_or_else(|| VerifyError::Invalid(fields::one("token", INVALID_LINK)))?;
    let event = Event::success(EventKind::EmailVerified, &client.ip).user(user_id);
    auth.audit.record(event).await;
    Ok(user_id)
}

/// Mails a new verification link to `email` if it is an unverified account's; the caller
/// answers the same for any address. Limited per address and per email.
pub async fn resend(auth: &Auth, client: &Client, email: Option<&str>) -> Result<(), VerifyError> {
    let account = email.map(Account::email);
    auth.throttle
        .check(Action::VerificationResend, client.address, account.as_ref())
        .await?;
    let raw = fields::presence(email)
        .map_err(|message| VerifyError::Invalid(fields::one("email", message)))?;
    let user = match Email::parse(raw) {
        Ok(email) => auth.store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    match user {
        Some(user) => send_verification(auth, &user, &client.ip).await?,
        None => {
            let event =
                Event::failure(EventKind::VerificationSent, &client.ip).detail("unknown account");
            auth.audit.record(event).await;
        }
    }
    Ok(())
}
