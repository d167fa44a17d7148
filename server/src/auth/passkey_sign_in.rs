//! Signing in with a passkey alone (WebAuthn L2 discoverable credentials): begin asks the
//! browser for any passkey of this site, with user verification required; finish verifies the
//! assertion against the stored ceremony and the passkey its credential id names, whose
//! account is the one signing in. A passkey is something held (`hwk`) unlocked by a PIN or
//! biometrics (`user`): the second factor is satisfied, and no TOTP step follows. Each
//! assertion must carry a signature counter above the last one accepted (WebAuthn L2 §6.1.1),
//! so a replayed or cloned one is refused. Rate limited per address and per account; every
//! finish is audited.

use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, PublicKeyCredential, RequestChallengeResponse,
};

use super::email::Verification;
use super::fields::{self, FieldErrors};
use super::passkeys::{
    Begun, PasskeyError, SIGN_IN, credential_key, parse_credential, store_ceremony, stored_passkey,
};
use super::throttle::{Account, Action, Throttled};
use super::{Auth, AuthFailure, Client, users};
use crate::clock;
use crate::store::UserRow;
use crate::telemetry::{Event, EventKind};

/// A sign-in's finish as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignInForm<'a> {
    pub challenge_id: Option<&'a str>,
    /// The `PublicKeyCredential` of `navigator.credentials.get()`, as JSON.
    pub credential: Option<&'a serde_json::Value>,
}

/// Why a passkey sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasskeySignInError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    /// `challenge_id` or `credential` missing, or not a WebAuthn assertion.
    #[error("invalid passkey sign-in")]
    Invalid(FieldErrors),
    /// `PasskeyInvalid`: the challenge or the passkey is unknown, or the assertion does not
    /// verify.
    #[error("refused: {0:?}")]
    Refused(AuthFailure),
    /// The passkey is right, but `EMAIL_VERIFICATION=mandatory` and the address is not
    /// verified, as for a password.
    #[error("email not verified")]
    EmailNotVerified,
    #[error(transparent)]
    Internal(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

impl From<PasskeyError> for PasskeySignInError {
    fn from(error: PasskeyError) -> Self {
        match error {
            PasskeyError::Throttled(throttled) => Self::Throttled(throttled),
            PasskeyError::Invalid(errors) => Self::Invalid(errors),
            PasskeyError::Store(error) => Self::Store(error),
            PasskeyError::Internal(error) => Self::Internal(error),
            PasskeyError::NotFound | PasskeyError::UserNotFound => {
                Self::Refused(AuthFailure::PasskeyInvalid)
            }
        }
    }
}

/// Begins a passkey sign-in: options that let the browser offer any passkey of this site
/// (no allow-list, user verification required), and a ceremony stored for
/// `CEREMONY_LIFETIME`. Rate limited per address.
pub async fn begin(
    auth: &Auth,
    client: &Client,
) -> Result<Begun<RequestChallengeResponse>, PasskeySignInError> {
    auth.throttle
        .check_ip(Action::PasskeyLogin, client.address)
        .await?;
    let (options, state) = auth
        .passkeys
        .webauthn
        .start_discoverable_authentication()
        .map_err(|error| super::passkeys::internal(error, "could not begin a passkey sign-in"))?;
    let state = serde_json::to_string(&state)
        .map_err(|error| super::passkeys::internal(error, "could not store a passkey sign-in"))?;
    let challenge_id = store_ceremony(auth, SIGN_IN, None, &state).await?;
    Ok(Begun {
        challenge_id,
        options,
    })
}

/// Finishes the sign-in `form.challenge_id` with the authenticator's assertion. Returns the
/// passkey's user, for whom a session may now start. The ceremony is used up whatever the
/// outcome.
pub async fn finish(
    auth: &Auth,
    client: &Client,
    form: &SignInForm<'_>,
) -> Result<UserRow, PasskeySignInError> {
    auth.throttle
        .check_ip(Action::PasskeyLogin, client.address)
        .await?;
    let (challenge_id, credential) = parse(form).map_err(PasskeySignInError::Invalid)?;
    let now = clock::now();
    let taken = auth
        .store
        .take_ceremony(challenge_id, SIGN_IN, None, now)
        .await?;
    let Some(state) = taken else {
        return Err(refuse(auth, client, None, "unknown or used challenge").await);
    };
    let state: DiscoverableAuthentication = serde_json::from_str(&state).map_err(|error| {
        super::passkeys::internal(error, "a stored passkey sign-in does not read back")
    })?;
    let webauthn = &auth.passkeys.webauthn;
    let Ok((handle, credential_id)) = webauthn.identify_discoverable_authentication(&credential)
    else {
        return Err(refuse(auth, client, None, "no user handle").await);
    };
    let row = auth
        .store
        .passkey_by_credential(&credential_key(credential_id))
        .await?;
    let Some(row) = row else {
        return Err(refuse(auth, client, None, "unknown credential").await);
    };
    auth.throttle
        .check_account(Action::PasskeyLogin, &Account::User(row.user_id))
        .await?;
    // The handle the authenticator keeps with the credential must be its account's.
    let owner = auth
        .store
        .user_of_passkey_handle(&handle.to_string())
        .await?;
    if owner != Some(row.user_id) {
        return Err(refuse(auth, client, Some(row.user_id), "user handle mismatch").await);
    }
    let mut passkey = stored_passkey(&row).map_err(PasskeySignInError::Internal)?;
    let key = DiscoverableKey::from(&passkey);
    let verified = match webauthn.finish_discoverable_authentication(&credential, state, &[key]) {
        Ok(verified) => verified,
        Err(error) => {
            return Err(refuse(auth, client, Some(row.user_id), &error.to_string()).await);
        }
    };
    passkey.update_credential(&verified);
    let stored = serde_json::to_string(&passkey)
        .map_err(|error| super::passkeys::internal(error, "could not store a passkey"))?;
    let counter = i64::from(verified.counter());
    if !auth
        .store
        .use_passkey(&row.id, &stored, counter, now)
        .await?
    {
        // Another assertion with this counter was accepted meanwhile.
        return Err(refuse(
            auth,
            client,
            Some(row.user_id),
            "signature counter not above the last",
        )
        .await);
    }
    let user = auth.store.user_by_id(row.user_id).await?;
    let Some(user) = user.filter(users::may_sign_in) else {
        return Err(refuse(auth, client, Some(row.user_id), "account gone or disabled").await);
    };
    if auth.email.verification == Verification::Mandatory && user.email_verified_at.is_none() {
        let event = Event::failure(EventKind::PasskeyLogin, &client.ip)
            .user(user.id)
            .detail("email not verified");
        auth.audit.record(event).await;
        return Err(PasskeySignInError::EmailNotVerified);
    }
    let event = Event::success(EventKind::PasskeyLogin, &client.ip)
        .user(user.id)
        .detail(&row.id);
    auth.audit.record(event).await;
    Ok(user)
}

/// The challenge id and the assertion of `form`, or every field problem.
fn parse<'a>(form: &SignInForm<'a>) -> Result<(&'a str, PublicKeyCredential), FieldErrors> {
    let mut errors = FieldErrors::new();
    let challenge_id = fields::presence(form.challenge_id)
        .map_err(|message| errors.entry("challenge_id").or_default().push(message))
        .ok();
    let credential = parse_credential(&mut errors, form.credential);
    match (challenge_id, credential) {
        (Some(challenge_id), Some(credential)) if errors.is_empty() => {
            Ok((challenge_id, credential))
        }
        _ => Err(errors),
    }
}

/// Audits and returns the refusal of a sign-in (`detail` says why, never a secret).
async fn refuse(
    auth: &Auth,
    client: &Client,
    user_id: Option<i64>,
    detail: &str,
) -> PasskeySignInError {
    let failure = AuthFailure::PasskeyInvalid;
    let detail = format!("{} ({detail})", failure.code());
    let event = Event::failure(EventKind::PasskeyLogin, &client.ip)
        .user(user_id)
        .detail(&detail);
    auth.audit.record(event).await;
    PasskeySignInError::Refused(failure)
}

/// Deletes ceremonies past their lifetime. Returns how many.
pub async fn flush_expired(store: &crate::store::Store) -> sqlx::Result<u64> {
    store.delete_expired_ceremonies(clock::now()).await
}
