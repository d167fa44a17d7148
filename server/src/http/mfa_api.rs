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
    /// The user's passkeys (none until passkeys arrive).
    pub passkeys: Vec<PasskeyInfo>,
}

/// One passkey of `GET /api/mfa/` (SPEC "Second factors").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PasskeyInfo {
    pub id: String,
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
