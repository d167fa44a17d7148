//! The user's second factors (SPEC "Second factors"): the authenticator app and its recovery
//! codes, passkeys, and the sign-in steps that use them.

use super::http::{Verb, decode, expect_empty, json, send, text};
use super::webauthn::{self, Ceremony};
use super::{ClientError, authorized, signed_in};
use crate::api::{
    AuthResponse, MfaLoginRequest, MfaStatus, PasskeyInfo, PasskeyRenameRequest, PasswordRequest,
    RecoveryCodesResponse, TotpConfirmRequest, TotpSetupResponse,
};

/// What the user has on.
pub async fn mfa_status() -> Result<MfaStatus, ClientError> {
    decode(authorized(Verb::Get, "/api/mfa/", None).await?).await
}

/// Begins an authenticator app setup: the secret and its QR code, pending until confirmed.
pub async fn begin_totp() -> Result<TotpSetupResponse, ClientError> {
    decode(authorized(Verb::Post, "/api/mfa/totp/", None).await?).await
}

/// Turns the authenticator app on with its first code; the answer's recovery codes are shown
/// this once.
pub async fn confirm_totp(
    request: &TotpConfirmRequest,
) -> Result<RecoveryCodesResponse, ClientError> {
    let body = json(request)?;
    decode(authorized(Verb::Post, "/api/mfa/totp/confirm/", Some(&body)).await?).await
}

/// Turns the authenticator app off (its recovery codes go too).
pub async fn disable_totp(request: &PasswordRequest) -> Result<(), ClientError> {
    let body = json(request)?;
    expect_empty(authorized(Verb::Delete, "/api/mfa/totp/", Some(&body)).await?).await
}

/// A new set of recovery codes; the old set stops working.
pub async fn new_recovery_codes(
    request: &PasswordRequest,
) -> Result<RecoveryCodesResponse, ClientError> {
    let body = json(request)?;
    decode(authorized(Verb::Post, "/api/mfa/recovery-codes/", Some(&body)).await?).await
}

/// Finishes a sign-in that answered `mfa_required`; on success the tokens are stored.
pub async fn login_mfa(request: &MfaLoginRequest) -> Result<AuthResponse, ClientError> {
    let body = json(request)?;
    signed_in(send(Verb::Post, "/api/login/mfa/", Some(&body), None).await?).await
}

/// Registers a passkey: the server's options, the browser's ceremony, then the server checks
/// what the authenticator made.
pub async fn add_passkey(name: &str) -> Result<PasskeyInfo, ClientError> {
    let begun = text(authorized(Verb::Post, "/api/passkeys/register/begin/", None).await?).await?;
    let answered = webauthn::perform(Ceremony::Register, &begun).await?;
    let body = format!(
        r#"{{"challenge_id":{},"name":{},"credential":{}}}"#,
        json(&answered.challenge_id)?,
        json(&name)?,
        answered.credential
    );
    decode(authorized(Verb::Post, "/api/passkeys/register/finish/", Some(&body)).await?).await
}

/// Signs in with a passkey alone (a discoverable credential names its user); on success the
/// tokens are stored.
pub async fn login_with_passkey() -> Result<AuthResponse, ClientError> {
    let begun =
        text(send(Verb::Post, "/api/passkeys/login/begin/", Some("{}"), None).await?).await?;
    let answered = webauthn::perform(Ceremony::SignIn, &begun).await?;
    let body = format!(
        r#"{{"challenge_id":{},"credential":{}}}"#,
        json(&answered.challenge_id)?,
        answered.credential
    );
    signed_in(send(Verb::Post, "/api/passkeys/login/finish/", Some(&body), None).await?).await
}

/// Renames one of the user's passkeys.
pub async fn rename_passkey(
    id: &str,
    request: &PasskeyRenameRequest,
) -> Result<PasskeyInfo, ClientError> {
    let body = json(request)?;
    decode(authorized(Verb::Patch, &format!("/api/passkeys/{id}/"), Some(&body)).await?).await
}

/// Removes one of the user's passkeys.
pub async fn remove_passkey(id: &str) -> Result<(), ClientError> {
    expect_empty(authorized(Verb::Delete, &format!("/api/passkeys/{id}/"), None).await?).await
}
