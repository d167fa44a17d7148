//! An account's second factors, managed by its owner: setting up an authenticator app (TOTP,
//! pending until a first code confirms it, which also makes the recovery codes), turning it
//! off and making new recovery codes (both prove the password: OWASP Multifactor
//! Authentication Cheat Sheet, "changing factors"), and what is on. Every change is audited
//! and mailed to the owner, so a change made with a stolen session does not go unnoticed.

use std::time::Duration;

use super::email::send_notice;
use super::fields::{self, FieldErrors};
use super::reauthentication::SignedInChange;
use super::recovery_codes::RecoveryCodes;
use super::sealed::{Sealer, Unopenable};
use super::throttle::{Account, Action, Throttled};
use super::{Auth, Client, mail, totp};
use crate::clock;
use crate::store::UserRow;
use crate::telemetry::{Event, EventKind};

/// The second-factor settings of this instance.
pub struct MfaPolicy {
    /// Seals TOTP secrets at rest.
    pub sealer: Sealer,
    /// How long an `mfa_token` (a sign-in waiting for its code) lives.
    pub challenge_lifetime: Duration,
}

/// What a user has turned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondFactors {
    pub totp: bool,
    pub recovery_codes_left: i64,
}

/// A pending authenticator setup: what the app needs, shown once.
pub struct TotpSetup {
    /// The shared secret in base32, for typing in.
    pub secret: String,
    /// The `otpauth://` URL, for the QR code.
    pub otpauth_url: String,
}

/// Why a change of second factors was refused.
#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    /// Field problems, a wrong password or code among them, or a state that does not allow
    /// the change (`non_field_errors`).
    #[error("invalid second-factor change")]
    Invalid(FieldErrors),
    /// The token's user no longer exists.
    #[error("user not found")]
    UserNotFound,
    #[error(transparent)]
    Unopenable(#[from] Unopenable),
    #[error(transparent)]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

const ALREADY_ON: &str =
    "Two-factor authentication is already on. Turn it off first to set up another authenticator.";
const NOT_ON: &str =
    "Two-factor authentication is off: recovery codes come with an authenticator app.";
const NO_SETUP: &str = "No authenticator is waiting for a code. Start the setup again.";
const WRONG_CODE: &str =
    "That code is not right. Check the time on your device and enter the newest code.";

/// What the associated data of a user's sealed TOTP secret is: the secret works for that user
/// only.
pub(super) fn sealed_for(user_id: i64) -> Vec<u8> {
    format!("totp:{user_id}").into_bytes()
}

/// Whether `user_id` has TOTP on, and the recovery codes left.
pub async fn status(auth: &Auth, user_id: i64) -> sqlx::Result<SecondFactors> {
    let row = auth.store.second_factors(user_id).await?;
    Ok(SecondFactors {
        totp: row.totp_confirmed_at.is_some(),
        recovery_codes_left: row.recovery_codes_left,
    })
}

/// Whether sign-in of `user_id` asks for a second factor.
pub async fn totp_on(auth: &Auth, user_id: i64) -> sqlx::Result<bool> {
    Ok(status(auth, user_id).await?.totp)
}

/// Starts setting up an authenticator app for `user_id`: a new secret, stored sealed and
/// pending (replacing an earlier pending one). Refused while TOTP is on: replacing it would
/// take only a session, where turning it off takes the password.
pub async fn begin_totp(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
) -> Result<TotpSetup, SecondFactorError> {
    let user = signed_in_user(auth, client, user_id).await?;
    let secret = totp::generate_secret();
    let sealed = auth.mfa.sealer.seal(&secret, &sealed_for(user.id));
    if !auth
        .store
        .begin_totp(user.id, &sealed, clock::now())
        .await?
    {
        return Err(SecondFactorError::Invalid(fields::one(
            "non_field_errors",
            ALREADY_ON,
        )));
    }
    let event = Event::success(EventKind::TotpSetupStarted, &client.ip)
        .user(user.id)
        .session(session_id);
    auth.audit.record(event).await;
    Ok(TotpSetup {
        secret: totp::base32(&secret),
        otpauth_url: totp::otpauth_url(&secret, &user.email),
    })
}

/// Confirms the pending setup of `user_id` with a first code from the app: TOTP is on, and
/// the first set of recovery codes is returned (shown once). The code's time step counts as
/// used, so it cannot sign in afterwards.
pub async fn confirm_totp(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    code: Option<&str>,
) -> Result<Vec<String>, SecondFactorError> {
    let user = signed_in_user(auth, client, user_id).await?;
    let code = fields::presence(code).map_err(|message| invalid("code", message))?;
    let pending = match auth.store.totp(user.id).await? {
        None => return Err(invalid("code", NO_SETUP)),
        Some(row) if row.confirmed_at.is_some() => {
            return Err(invalid("non_field_errors", ALREADY_ON));
        }
        Some(row) => row,
    };
    let secret = auth
        .mfa
        .sealer
        .open(&pending.secret, &sealed_for(user.id))?;
    let now = clock::now();
    let Some(step) = totp::matching_step(&secret.plaintext, code, now, pending.last_step) else {
        let event = Event::failure(EventKind::TotpEnabled, &client.ip)
            .user(user.id)
            .session(session_id)
            .detail("wrong code");
        auth.audit.record(event).await;
        return Err(invalid("code", WRONG_CODE));
    };
    let recovery = RecoveryCodes::generate(user.id);
    let confirmed = auth
        .store
        .confirm_totp(user.id, &pending.secret, step, &recovery.hashes, now)
        .await?;
    if !confirmed {
        // Another setup replaced this one (or confirmed it) meanwhile.
        return Err(invalid("code", NO_SETUP));
    }
    send_notice(auth, &mail::totp_enabled(&user.email), user.id).await?;
    let event = Event::success(EventKind::TotpEnabled, &client.ip)
        .user(user.id)
        .session(session_id);
    auth.audit.record(event).await;
    Ok(recovery.codes)
}

/// Turns TOTP off for `user_id`, who must give the password; the recovery codes go too.
/// Answers the same when it was off (nothing is mailed then).
pub async fn disable_totp(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    password: Option<&str>,
) -> Result<(), SecondFactorError> {
    let user = signed_in_user(auth, client, user_id).await?;
    check_password(
        auth,
        client,
        &user,
        session_id,
        password,
        EventKind::TotpDisabled,
    )
    .await?;
    let was_on = auth.store.delete_totp(user.id).await?;
    if was_on {
        send_notice(auth, &mail::totp_disabled(&user.email), user.id).await?;
    }
    let event = Event::success(EventKind::TotpDisabled, &client.ip)
        .user(user.id)
        .session(session_id)
        .detail(if was_on { "" } else { "was off" });
    auth.audit.record(event).await;
    Ok(())
}

/// Makes a new set of recovery codes for `user_id`, who must give the password; the old set
/// stops working. Only while TOTP is on.
pub async fn renew_recovery_codes(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    password: Option<&str>,
) -> Result<Vec<String>, SecondFactorError> {
    let user = signed_in_user(auth, client, user_id).await?;
    let kind = EventKind::RecoveryCodesRenewed;
    check_password(auth, client, &user, session_id, password, kind).await?;
    let recovery = RecoveryCodes::generate(user.id);
    let replaced = auth
        .store
        .replace_recovery_codes(user.id, &recovery.hashes, clock::now())
        .await?;
    if !replaced {
        return Err(invalid("non_field_errors", NOT_ON));
    }
    send_notice(auth, &mail::recovery_codes_renewed(&user.email), user.id).await?;
    let event = Event::success(kind, &client.ip)
        .user(user.id)
        .session(session_id);
    auth.audit.record(event).await;
    Ok(recovery.codes)
}

fn invalid(field: &'static str, message: impl Into<String>) -> SecondFactorError {
    SecondFactorError::Invalid(fields::one(field, message))
}

/// The user a change is for, once the change is within its rate limit (per address and per
/// user: a password or code is being guessed).
async fn signed_in_user(
    auth: &Auth,
    client: &Client,
    user_id: i64,
) -> Result<UserRow, SecondFactorError> {
    auth.throttle
        .check(
            Action::MfaChange,
            client.address,
            Some(&Account::User(user_id)),
        )
        .await?;
    auth.store
        .user_by_id(user_id)
        .await?
        .ok_or(SecondFactorError::UserNotFound)
}

/// Checks the password `user` gave for a change (`kind`): a wrong one is audited and refused
/// as a field error.
async fn check_password(
    auth: &Auth,
    client: &Client,
    user: &UserRow,
    session_id: &str,
    password: Option<&str>,
    kind: EventKind,
) -> Result<(), SecondFactorError> {
    let password = fields::presence(password).map_err(|message| invalid("password", message))?;
    let wrong = SignedInChange {
        user,
        session_id,
        kind,
    }
    .password_field_error(auth, client, password)
    .await
    .map_err(SecondFactorError::Hashing)?;
    match wrong {
        None => Ok(()),
        Some(errors) => Err(SecondFactorError::Invalid(errors)),
    }
}
