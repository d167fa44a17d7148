//! The HTTP API's request and response bodies, shared by the server and the browser client.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod account;
mod admin;
mod second_factors;
pub use account::{SessionInfo, User};
pub use admin::{
    AccountExport, AdminUserDetail, AdminUserUpdate, AuditEvent, EventPage, ExportedSession,
    UserPage,
};
pub use second_factors::{
    MfaLoginRequest, MfaStatus, PasskeyInfo, PasskeyRenameRequest, PasswordRequest,
    RecoveryCodesResponse, TotpConfirmRequest, TotpSetupResponse,
};

/// An access and a refresh token (simplejwt's `TokenObtainPair` answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenPair {
    pub access: String,
    pub refresh: String,
}

/// Registration and sign-in answer: `{user, tokens}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuthResponse {
    pub user: User,
    pub tokens: TokenPair,
}

/// `POST /api/register/`.
///
/// The required fields are `Option`s here, so a missing one is a field error ("This field is
/// required."), not a parse failure; the OpenAPI document still marks them required, not
/// nullable and not blank (`pattern: \S`), as the server checks them. Rules JSON Schema cannot
/// state are in the descriptions: `password2` must equal `password`, and the password policy.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({
    "email": "ada@example.com",
    "username": "ada",
    "password": "analytical engine 1843",
    "password2": "analytical engine 1843",
    "first_name": "Ada",
    "last_name": "Lovelace",
})))]
pub struct RegisterRequest {
    /// Unique; stored trimmed and lower-cased.
    #[cfg_attr(feature = "ssr", schema(required, nullable = false, format = Email, min_length = 1, max_length = 254, pattern = r"\S"))]
    pub email: Option<String>,
    /// Unique; letters, digits and `@ . + - _`, at most 150 characters (trimmed).
    #[cfg_attr(
        feature = "ssr",
        schema(
            required,
            nullable = false,
            min_length = 1,
            max_length = 150,
            pattern = r"\S"
        )
    )]
    pub username: Option<String>,
    /// `PASSWORD_MIN_LENGTH` (8 or more) to 128 characters, not only digits, not a common
    /// password, not too similar to the email, username or names.
    #[cfg_attr(
        feature = "ssr",
        schema(
            required,
            nullable = false,
            min_length = 8,
            max_length = 128,
            pattern = r"\S"
        )
    )]
    pub password: Option<String>,
    /// The same as `password`.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub password2: Option<String>,
    /// At most 150 characters (trimmed); absent or null is empty.
    #[cfg_attr(feature = "ssr", schema(max_length = 150))]
    pub first_name: Option<String>,
    /// At most 150 characters (trimmed); absent or null is empty.
    #[cfg_attr(feature = "ssr", schema(max_length = 150))]
    pub last_name: Option<String>,
}

/// `POST /api/login/`, `/api/auth/login/`, `/api/token/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({
    "email": "ada@example.com",
    "password": "analytical engine 1843",
})))]
pub struct LoginRequest {
    /// Any non-blank text: an address that is no account's is refused like a wrong password.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub email: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub password: Option<String>,
}

/// `POST /api/token/refresh/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The session's live refresh token.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub refresh: Option<String>,
}

/// `POST /api/logout/`: `scope` is `current` (the default), `others` or `all`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogoutRequest {
    /// The session's live refresh token.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub refresh: Option<String>,
    /// Which sessions end: this one (absent or null: `current`), the user's `others`, or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<LogoutScope>))]
    pub scope: Option<String>,
}

/// The `scope` of a logout, for the OpenAPI document (the server reads it as text, so an
/// unknown one is a field error).
#[cfg(feature = "ssr")]
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(
    dead_code,
    reason = "describes `LogoutRequest::scope` in the OpenAPI document"
)]
pub enum LogoutScope {
    Current,
    Others,
    All,
}

/// `PATCH /api/user/`: the fields present change, the others stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    /// At most 150 characters (trimmed); absent or null leaves it as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(max_length = 150))]
    pub first_name: Option<String>,
    /// At most 150 characters (trimmed); absent or null leaves it as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(max_length = 150))]
    pub last_name: Option<String>,
}

/// `POST /api/password/change/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChangeRequest {
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub current_password: Option<String>,
    /// The password policy of registration applies.
    #[cfg_attr(
        feature = "ssr",
        schema(
            required,
            nullable = false,
            min_length = 8,
            max_length = 128,
            pattern = r"\S"
        )
    )]
    pub new_password: Option<String>,
    /// The same as `new_password`.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub new_password2: Option<String>,
}

/// `POST /api/token/verify/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VerifyRequest {
    /// An access or a refresh token.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub token: Option<String>,
}

/// `POST /api/register/` with `EMAIL_VERIFICATION=mandatory`: the account exists but signs in
/// only once its address is verified, so there are no tokens yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PendingVerification {
    pub user: User,
    pub detail: String,
}

/// `POST /api/password/reset/` and `POST /api/email/verify/resend/`: the address to mail.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"email": "ada@example.com"})))]
pub struct EmailRequest {
    /// Any non-blank text: the answer is the same whether or not an account has it.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub email: Option<String>,
}

/// `POST /api/password/reset/confirm/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordResetConfirmRequest {
    /// The `token` of the link in the reset mail.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub token: Option<String>,
    /// The password policy of registration applies.
    #[cfg_attr(
        feature = "ssr",
        schema(
            required,
            nullable = false,
            min_length = 8,
            max_length = 128,
            pattern = r"\S"
        )
    )]
    pub new_password: Option<String>,
    /// The same as `new_password`.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub new_password2: Option<String>,
}

/// `POST /api/email/verify/` and `POST /api/email/change/confirm/`: the token of a mailed link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmailTokenRequest {
    /// The `token` of the link in the mail.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub token: Option<String>,
}

/// `POST /api/email/change/`: the new address, and the password to prove it is the owner asking.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EmailChangeRequest {
    /// The address to move to; a confirmation link is mailed there.
    #[cfg_attr(feature = "ssr", schema(required, nullable = false, format = Email, min_length = 1, max_length = 254, pattern = r"\S"))]
    pub new_email: Option<String>,
    /// The account's current password.
    #[cfg_attr(
        feature = "ssr",
        schema(required, nullable = false, min_length = 1, pattern = r"\S")
    )]
    pub password: Option<String>,
}

/// Any error body: DRF's `{"detail", "code"}` or `{"field": ["message", ...]}`; a sign-in's
/// 403 `mfa_required` adds the `mfa_token` that finishes it (its `methods` are not kept: the
/// page offers both).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub detail: Option<String>,
    pub code: Option<String>,
    pub mfa_token: Option<String>,
    pub fields: BTreeMap<String, Vec<String>>,
}

// Read by hand rather than with `#[serde(flatten)]`, whose buffering machinery would add tens
// of kilobytes to the browser's wasm.
impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;

        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = ErrorBody;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an error body: detail, code, or field messages")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ErrorBody, A::Error> {
                let mut body = ErrorBody::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "detail" => body.detail = map.next_value()?,
                        "code" => body.code = map.next_value()?,
                        "mfa_token" => body.mfa_token = map.next_value()?,
                        "methods" => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                        _ => {
                            let messages = map.next_value()?;
                            body.fields.insert(key, messages);
                        }
                    }
                }
                Ok(body)
            }
        }

        deserializer.deserialize_map(Fields)
    }
}

impl ErrorBody {
    /// The messages for one field, joined for display.
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).map(|messages| messages.join(" "))
    }

    /// What to show above the form: `detail`, or the non-field errors.
    pub fn summary(&self) -> Option<String> {
        self.detail
            .clone()
            .or_else(|| self.field("non_field_errors"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drf_error_bodies_parse_into_detail_and_fields() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"email": ["Enter a valid email address."], "password": ["Too short.", "Too common."]}"#,
        )
        .unwrap();
        assert_eq!(
            body.field("email").as_deref(),
            Some("Enter a valid email address.")
        );
        assert_eq!(
            body.field("password").as_deref(),
            Some("Too short. Too common.")
        );
        assert_eq!(body.summary(), None);

        let body: ErrorBody =
            serde_json::from_str(r#"{"detail": "Token is expired", "code": "token_expired"}"#)
                .unwrap();
        assert_eq!(body.summary().as_deref(), Some("Token is expired"));
        assert_eq!(body.code.as_deref(), Some("token_expired"));
    }

    #[test]
    fn a_second_factor_request_keeps_its_token_and_no_field_errors() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"detail": "Enter a code.", "code": "mfa_required", "mfa_token": "t0k", "methods": ["totp", "recovery_code"]}"#,
        )
        .unwrap();
        assert_eq!(body.code.as_deref(), Some("mfa_required"));
        assert_eq!(body.mfa_token.as_deref(), Some("t0k"));
        assert!(body.fields.is_empty());
    }
}
