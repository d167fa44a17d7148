//! The second factors' request and answer bodies. They belong with the others in `app::api`
//! (shared with the browser client) and move there with the Security page; until then the
//! server owns them. As there, required fields are `Option`s, so a missing one is a field
//! error ("This field is required.") rather than a parse failure, and the document still
//! marks them required, not nullable and not blank.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /api/mfa/`: the second factors the user has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MfaStatus {
    /// Whether sign-in asks for a code from an authenticator app.
    pub totp: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
    /// The user's passkeys, oldest first.
    pub passkeys: Vec<PasskeyInfo>,
}

/// One passkey: in `GET /api/mfa/`, and the answer of registering or renaming one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PasskeyInfo {
    /// Gatehouse's id of the passkey (not the credential id), for renaming and removing it.
    pub id: String,
    /// The owner's name for it ("Passkey" unless named).
    pub name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; null until it first signs in.
    pub last_used_at: Option<String>,
}

/// `POST /api/mfa/totp/`: a pending authenticator setup. The secret is shown this once;
/// TOTP is on only when a code confirms it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TotpSetupResponse {
    /// The shared secret in base32 (RFC 4648, no padding), for typing into the app.
    pub secret: String,
    /// `otpauth://totp/Gatehouse:<email>?secret=...&issuer=Gatehouse` (SHA-1, 6 digits, 30 s).
    pub otpauth_url: String,
    /// `otpauth_url` as a QR code: an `<svg>` element to put in the page as it is.
    pub qr_svg: String,
}

/// `POST /api/mfa/totp/confirm/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"code": "123456"}))]
pub struct TotpConfirmRequest {
    /// The app's current 6-digit code (spaces allowed).
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub code: Option<String>,
}

/// `POST /api/mfa/totp/confirm/` and `POST /api/mfa/recovery-codes/`: shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RecoveryCodesResponse {
    /// Ten codes of the form `xxxxx-xxxxx`, each usable once instead of an app code.
    pub recovery_codes: Vec<String>,
}

/// `DELETE /api/mfa/totp/` and `POST /api/mfa/recovery-codes/`: the password proves it is the
/// owner asking.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PasswordRequest {
    /// The account's current password.
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub password: Option<String>,
}

/// `POST /api/login/mfa/`: the `mfa_token` of the password step, and either `code` or
/// `recovery_code`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"mfa_token": "mfa_token from the 403", "code": "123456"}))]
pub struct MfaLoginRequest {
    /// From the 403 `mfa_required` answer of the password step.
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub mfa_token: Option<String>,
    /// The authenticator app's current 6-digit code (spaces allowed).
    #[schema(min_length = 1, pattern = r"\S")]
    pub code: Option<String>,
    /// One of the recovery codes (`xxxxx-xxxxx`; case, spaces and dashes do not matter).
    #[schema(min_length = 1, pattern = r"\S")]
    pub recovery_code: Option<String>,
}

/// `POST /api/passkeys/register/begin/` and `POST /api/passkeys/login/begin/`: a ceremony
/// begun. `publicKey` goes to `navigator.credentials.create({publicKey})` (registration) or
/// `navigator.credentials.get({publicKey})` (sign-in), with its base64url fields decoded to
/// bytes; the answer comes back with `challenge_id` within 5 minutes, once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyCeremony {
    /// Names this ceremony at its finish.
    pub challenge_id: String,
    /// WebAuthn L2 `PublicKeyCredentialCreationOptions` or `PublicKeyCredentialRequestOptions`
    /// as JSON (binary fields in base64url).
    #[serde(rename = "publicKey")]
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
}

/// `POST /api/passkeys/register/finish/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PasskeyRegisterRequest {
    /// From the begin answer.
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub challenge_id: Option<String>,
    /// The `PublicKeyCredential` that `navigator.credentials.create()` gave, as JSON (`id`,
    /// `rawId`, `type`, `response: {attestationObject, clientDataJSON}` in base64url).
    #[schema(required, nullable = false, value_type = Object)]
    pub credential: Option<serde_json::Value>,
    /// A name for it, at most 64 characters (default "Passkey").
    #[schema(max_length = 64)]
    pub name: Option<String>,
}

/// `POST /api/passkeys/login/finish/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PasskeyLoginRequest {
    /// From the begin answer.
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub challenge_id: Option<String>,
    /// The `PublicKeyCredential` that `navigator.credentials.get()` gave, as JSON (`id`,
    /// `rawId`, `type`, `response: {authenticatorData, clientDataJSON, signature, userHandle}`
    /// in base64url).
    #[schema(required, nullable = false, value_type = Object)]
    pub credential: Option<serde_json::Value>,
}

/// `PATCH /api/passkeys/{id}/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Laptop"}))]
pub struct PasskeyRenameRequest {
    /// The new name, at most 64 characters.
    #[schema(
        required,
        nullable = false,
        min_length = 1,
        max_length = 64,
        pattern = r"\S"
    )]
    pub name: Option<String>,
}
