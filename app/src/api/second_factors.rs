//! The second factors' request and answer bodies (SPEC "Second factors"): the authenticator
//! app, recovery codes, the sign-in's second step and the user's passkeys. The passkey
//! ceremonies' own bodies carry WebAuthn JSON the browser hands over as it is; they stay with
//! the server (`server::http::mfa_api`). As elsewhere, required request fields are `Option`s,
//! so a missing one is a field error ("This field is required.") rather than a parse
//! failure, and the document still marks them required, not nullable and not blank.

use serde::{Deserialize, Serialize};

/// `GET /api/mfa/`: the second factors the user has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MfaStatus {
    /// Whether sign-in asks for a code from an authenticator app.
    pub totp: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
    /// The user's passkeys, oldest first.
    pub passkeys: Vec<PasskeyInfo>,
}

/// One passkey: in `GET /api/mfa/`, and the answer of registering or renaming one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TotpSetupResponse {
    /// The shared secret in base32 (RFC 4648, no padding), for typing into the app.
    pub secret: String,
    /// `otpauth://totp/Gatehouse:<email>?secret=...&issuer=Gatehouse` (SHA-1, 6 digits, 30 s).
    pub otpauth_url: String,
    /// `otpauth_url` as a QR code: an `<svg>` element to put in the page as it is.
    pub qr_svg: String,
}

/// `POST /api/mfa/totp/confirm/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"code": "123456"})))]
pub struct TotpConfirmRequest {
    /// The app's current 6-digit code (spaces allowed).
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub code: Option<String>,
}

/// `POST /api/mfa/totp/confirm/` and `POST /api/mfa/recovery-codes/`: shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecoveryCodesResponse {
    /// Ten codes of the form `xxxxx-xxxxx`, each usable once instead of an app code.
    pub recovery_codes: Vec<String>,
}

/// `DELETE /api/mfa/totp/` and `POST /api/mfa/recovery-codes/`: the password proves it is the
/// owner asking.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordRequest {
    /// The account's current password.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub password: Option<String>,
}

/// `POST /api/login/mfa/`: the `mfa_token` of the password step, and either `code` or
/// `recovery_code`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"mfa_token": "mfa_token from the 403", "code": "123456"})))]
pub struct MfaLoginRequest {
    /// From the 403 `mfa_required` answer of the password step.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub mfa_token: Option<String>,
    /// The authenticator app's current 6-digit code (spaces allowed).
    #[cfg_attr(feature = "ssr", schema(min_length = 1, pattern = r"\S"))]
    pub code: Option<String>,
    /// One of the recovery codes (`xxxxx-xxxxx`; case, spaces and dashes do not matter).
    #[cfg_attr(feature = "ssr", schema(min_length = 1, pattern = r"\S"))]
    pub recovery_code: Option<String>,
}

/// `PATCH /api/passkeys/{id}/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"name": "Laptop"})))]
pub struct PasskeyRenameRequest {
    /// The new name, at most 64 characters.
    #[cfg_attr(
        feature = "ssr",
        schema(
            required,
            nullable = false,
            min_length = 1,
            max_length = 64,
            pattern = r"\S"
        )
    )]
    pub name: Option<String>,
}
