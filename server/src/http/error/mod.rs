//! The one API error type and the one place a domain error becomes an HTTP answer: Django
//! REST framework's JSON shapes (`bodies`), so the seeds' axios interceptors keep working
//! against Gatehouse.

mod bodies;

pub use bodies::{
    AuthError, BadRequestBody, Detail, ForbiddenError, MfaRequiredError, PermissionDeniedError,
    SignInForbidden, ThrottledError, UnavailableError, ValidationErrors,
};

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use self::bodies::{
    EMAIL_NOT_VERIFIED, MFA_REQUIRED, PERMISSION_DENIED, SERVICE_UNAVAILABLE, THROTTLED,
};
use crate::auth::account_deletion::DeleteAccountError;
use crate::auth::admin::AdminError;
use crate::auth::credentials::{PasswordChangeError, RegisterError, SignInError};
use crate::auth::email_change::EmailChangeError;
use crate::auth::mfa_challenge::{MfaChallenge, MfaError};
use crate::auth::passkey_sign_in::PasskeySignInError;
use crate::auth::passkeys::PasskeyError;
use crate::auth::recovery::ResetError;
use crate::auth::revoke::EndSessionError;
use crate::auth::sealed::Unopenable;
use crate::auth::second_factors::SecondFactorError;
use crate::auth::sessions::SessionError;
use crate::auth::throttle::Throttled;
use crate::auth::users::AccountError;
use crate::auth::verification::VerifyError;
use crate::auth::{AuthFailure, FieldErrors, fields};

/// The text of a 401's `detail`, simplejwt's wording.
fn unauthorized_detail(failure: AuthFailure) -> &'static str {
    match failure {
        AuthFailure::NotAuthenticated => "Authentication credentials were not provided.",
        AuthFailure::BadCredentials => "No active account found with the given credentials",
        AuthFailure::TokenNotValid => "Token is invalid",
        AuthFailure::TokenExpired => "Token is expired",
        AuthFailure::TokenBlacklisted => "Token is blacklisted",
        AuthFailure::TokenReused => "Token was already used; the session has been revoked",
        AuthFailure::SessionRevoked => "Session has been revoked",
        AuthFailure::SessionExpired => "Session has expired",
        AuthFailure::UserNotFound => "User not found",
        AuthFailure::MfaInvalid => "The code is not right",
        AuthFailure::MfaTokenInvalid => {
            "The sign-in has expired or had too many wrong codes: sign in again"
        }
        AuthFailure::PasskeyInvalid => "The passkey could not be verified: try again",
    }
}

/// RFC 6750 §3: a request that carried a token learns `error="invalid_token"`; one that
/// carried none (or sent credentials) gets the bare challenge.
fn challenge(failure: AuthFailure) -> &'static str {
    match failure {
        AuthFailure::NotAuthenticated
        | AuthFailure::BadCredentials
        | AuthFailure::MfaInvalid
        | AuthFailure::MfaTokenInvalid
        | AuthFailure::PasskeyInvalid => "Bearer",
        _ => "Bearer error=\"invalid_token\"",
    }
}

/// Everything a handler can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with per-field messages.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// 400 with a field-free `detail` (malformed JSON and the like).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401 with a precise `code` and `WWW-Authenticate`.
    #[error("unauthorized: {0:?}")]
    Unauthorized(AuthFailure),
    /// 403: right password, but the address must be verified first
    /// (`EMAIL_VERIFICATION=mandatory`).
    #[error("email not verified")]
    EmailNotVerified,
    /// 403: right password, but the account has a second factor: the challenge to finish
    /// the sign-in with (`POST /api/login/mfa/`).
    #[error("second factor required")]
    MfaRequired(MfaChallenge),
    /// 403: not active staff (`/api/admin/`).
    #[error("permission denied")]
    PermissionDenied,
    /// 404.
    #[error("not found")]
    NotFound,
    /// 404: a page past the last of a paged list (DRF's "Invalid page.").
    #[error("invalid page")]
    InvalidPage,
    /// 405.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413: the body is over the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 429 with `Retry-After`: a rate limit is spent (DRF's throttling answer).
    #[error("throttled for {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    /// 431: the `Authorization` header is over its limit.
    #[error("request header too large")]
    HeaderTooLarge,
    /// 503 with `Retry-After`: the database cannot be reached right now.
    #[error("service unavailable")]
    Unavailable,
    /// 500: logged once with its source chain, answered with a generic body.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A single-field validation error.
    pub fn field(name: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(fields::one(name, message))
    }
}

impl From<AuthFailure> for ApiError {
    fn from(failure: AuthFailure) -> Self {
        Self::Unauthorized(failure)
    }
}

impl From<Throttled> for ApiError {
    fn from(throttled: Throttled) -> Self {
        Self::Throttled {
            retry_after_secs: throttled.retry_after_secs,
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::Refused(failure) => failure.into(),
            SessionError::Store(error) => error.into(),
        }
    }
}

impl From<EndSessionError> for ApiError {
    fn from(error: EndSessionError) -> Self {
        match error {
            EndSessionError::NotFound => Self::NotFound,
            EndSessionError::Store(error) => error.into(),
        }
    }
}

impl From<RegisterError> for ApiError {
    fn from(error: RegisterError) -> Self {
        match error {
            RegisterError::Throttled(throttled) => throttled.into(),
            RegisterError::Invalid(fields) => Self::Validation(fields),
            RegisterError::Hashing(error) => Self::Internal(error),
            RegisterError::Store(error) => error.into(),
        }
    }
}

impl From<SignInError> for ApiError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::Throttled(throttled) => throttled.into(),
            SignInError::Invalid(fields) => Self::Validation(fields),
            SignInError::BadCredentials => AuthFailure::BadCredentials.into(),
            SignInError::EmailNotVerified => Self::EmailNotVerified,
            SignInError::MfaRequired(challenge) => Self::MfaRequired(challenge),
            SignInError::Hashing(error) => Self::Internal(error),
            SignInError::Store(error) => error.into(),
        }
    }
}

impl From<PasswordChangeError> for ApiError {
    fn from(error: PasswordChangeError) -> Self {
        match error {
            PasswordChangeError::Throttled(throttled) => throttled.into(),
            PasswordChangeError::Invalid(fields) => Self::Validation(fields),
            PasswordChangeError::UserNotFound => AuthFailure::UserNotFound.into(),
            PasswordChangeError::Hashing(error) => Self::Internal(error),
            PasswordChangeError::Store(error) => error.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        match error {
            AccountError::Invalid(fields) => Self::Validation(fields),
            AccountError::UserNotFound => AuthFailure::UserNotFound.into(),
            AccountError::Store(error) => error.into(),
        }
    }
}

impl From<ResetError> for ApiError {
    fn from(error: ResetError) -> Self {
        match error {
            ResetError::Throttled(throttled) => throttled.into(),
            ResetError::Invalid(fields) => Self::Validation(fields),
            ResetError::Hashing(error) => Self::Internal(error),
            ResetError::Store(error) => error.into(),
        }
    }
}

impl From<VerifyError> for ApiError {
    fn from(error: VerifyError) -> Self {
        match error {
            VerifyError::Throttled(throttled) => throttled.into(),
            VerifyError::Invalid(fields) => Self::Validation(fields),
            VerifyError::Store(error) => error.into(),
        }
    }
}

impl From<EmailChangeError> for ApiError {
    fn from(error: EmailChangeError) -> Self {
        match error {
            EmailChangeError::Throttled(throttled) => throttled.into(),
            EmailChangeError::Invalid(fields) => Self::Validation(fields),
            EmailChangeError::UserNotFound => AuthFailure::UserNotFound.into(),
            EmailChangeError::Hashing(error) => Self::Internal(error),
            EmailChangeError::Store(error) => error.into(),
        }
    }
}

impl From<MfaError> for ApiError {
    fn from(error: MfaError) -> Self {
        match error {
            MfaError::Throttled(throttled) => throttled.into(),
            MfaError::Invalid(fields) => Self::Validation(fields),
            MfaError::Refused(failure) => failure.into(),
            MfaError::Unopenable(error) => error.into(),
            MfaError::Store(error) => error.into(),
        }
    }
}

impl From<SecondFactorError> for ApiError {
    fn from(error: SecondFactorError) -> Self {
        match error {
            SecondFactorError::Throttled(throttled) => throttled.into(),
            SecondFactorError::Invalid(fields) => Self::Validation(fields),
            SecondFactorError::UserNotFound => AuthFailure::UserNotFound.into(),
            SecondFactorError::Unopenable(error) => error.into(),
            SecondFactorError::Hashing(error) => Self::Internal(error),
            SecondFactorError::Store(error) => error.into(),
        }
    }
}

impl From<PasskeyError> for ApiError {
    fn from(error: PasskeyError) -> Self {
        match error {
            PasskeyError::Throttled(throttled) => throttled.into(),
            PasskeyError::Invalid(fields) => Self::Validation(fields),
            PasskeyError::NotFound => Self::NotFound,
            PasskeyError::UserNotFound => AuthFailure::UserNotFound.into(),
            PasskeyError::Internal(error) => Self::Internal(error),
            PasskeyError::Store(error) => error.into(),
        }
    }
}

impl From<PasskeySignInError> for ApiError {
    fn from(error: PasskeySignInError) -> Self {
        match error {
            PasskeySignInError::Throttled(throttled) => throttled.into(),
            PasskeySignInError::Invalid(fields) => Self::Validation(fields),
            PasskeySignInError::Refused(failure) => failure.into(),
            PasskeySignInError::EmailNotVerified => Self::EmailNotVerified,
            PasskeySignInError::Internal(error) => Self::Internal(error),
            PasskeySignInError::Store(error) => error.into(),
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(error: AdminError) -> Self {
        match error {
            AdminError::PermissionDenied => Self::PermissionDenied,
            AdminError::NotFound => Self::NotFound,
            AdminError::InvalidPage => Self::InvalidPage,
            AdminError::Invalid(fields) => Self::Validation(fields),
            AdminError::Store(error) => error.into(),
        }
    }
}

impl From<DeleteAccountError> for ApiError {
    fn from(error: DeleteAccountError) -> Self {
        match error {
            DeleteAccountError::Throttled(throttled) => throttled.into(),
            DeleteAccountError::Invalid(fields) => Self::Validation(fields),
            DeleteAccountError::UserNotFound => AuthFailure::UserNotFound.into(),
            DeleteAccountError::Hashing(error) => Self::Internal(error),
            DeleteAccountError::Store(error) => error.into(),
        }
    }
}

/// A stored TOTP secret that no configured signing secret opens (the one that sealed it was
/// dropped from `JWT_PREVIOUS_SECRET_KEYS`): the operator's to fix, so a 500, logged.
impl From<Unopenable> for ApiError {
    fn from(error: Unopenable) -> Self {
        Self::Internal(anyhow::Error::new(error).context("TOTP secret unreadable"))
    }
}

/// Seconds a client is asked to wait before retrying a 503.
const RETRY_AFTER_SECS: &str = "5";

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        if crate::store::is_unavailable(&error) {
            tracing::warn!(%error, "database unavailable");
            Self::Unavailable
        } else {
            Self::Internal(anyhow::Error::new(error).context("database query failed"))
        }
    }
}

fn json(status: StatusCode, body: impl Serialize) -> Response {
    (status, axum::Json(body)).into_response()
}

fn detail(status: StatusCode, detail: impl Into<Cow<'static, str>>) -> Response {
    json(
        status,
        Detail {
            detail: detail.into(),
        },
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Validation(fields) => json(
                StatusCode::BAD_REQUEST,
                BadRequestBody::Fields(ValidationErrors(fields)),
            ),
            Self::BadRequest(message) => json(
                StatusCode::BAD_REQUEST,
                BadRequestBody::Detail(Detail {
                    detail: message.into(),
                }),
            ),
            Self::Unauthorized(failure) => {
                let body = AuthError {
                    detail: unauthorized_detail(failure),
                    code: failure.code(),
                };
                let mut response = json(StatusCode::UNAUTHORIZED, body);
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge(failure)),
                );
                response
            }
            Self::EmailNotVerified => json(
                StatusCode::FORBIDDEN,
                SignInForbidden::NotVerified(ForbiddenError {
                    detail: "E-mail address is not verified. Open the link we sent you, or ask \
                             for a new one.",
                    code: EMAIL_NOT_VERIFIED,
                }),
            ),
            Self::MfaRequired(challenge) => json(
                StatusCode::FORBIDDEN,
                SignInForbidden::MfaRequired(MfaRequiredError {
                    detail: "Enter the code from your authenticator app, or a recovery code, to \
                             finish signing in.",
                    code: MFA_REQUIRED,
                    mfa_token: challenge.mfa_token,
                    methods: challenge.methods,
                }),
            ),
            Self::PermissionDenied => json(
                StatusCode::FORBIDDEN,
                PermissionDeniedError {
                    detail: "You do not have permission to perform this action.",
                    code: PERMISSION_DENIED,
                },
            ),
            Self::NotFound => detail(StatusCode::NOT_FOUND, "Not found."),
            Self::InvalidPage => detail(StatusCode::NOT_FOUND, "Invalid page."),
            Self::MethodNotAllowed => detail(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed."),
            Self::PayloadTooLarge => {
                detail(StatusCode::PAYLOAD_TOO_LARGE, "Request body is too large.")
            }
            Self::UnsupportedMediaType => detail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type in request: send application/json.",
            ),
            Self::Throttled { retry_after_secs } => {
                let body = ThrottledError {
                    detail: format!(
                        "Request was throttled. Expected available in {retry_after_secs} seconds."
                    ),
                    code: THROTTLED,
                };
                let mut response = json(StatusCode::TOO_MANY_REQUESTS, body);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                response
            }
            Self::HeaderTooLarge => detail(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "The Authorization header is too large.",
            ),
            Self::Unavailable => {
                let body = UnavailableError {
                    detail: "The service is temporarily unavailable. Try again shortly.",
                    code: SERVICE_UNAVAILABLE,
                };
                let mut response = json(StatusCode::SERVICE_UNAVAILABLE, body);
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from_static(RETRY_AFTER_SECS),
                );
                response
            }
            Self::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                detail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "A server error occurred.",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presented_tokens_get_the_invalid_token_challenge() {
        assert_eq!(
            challenge(AuthFailure::TokenExpired),
            "Bearer error=\"invalid_token\""
        );
        assert_eq!(challenge(AuthFailure::NotAuthenticated), "Bearer");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let response = ApiError::Internal(anyhow::anyhow!("secret sql text")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
