//! The one API error type and the one place a domain error becomes an HTTP answer: Django
//! REST framework's JSON shapes, so the seeds' axios interceptors keep working against
//! Gatehouse.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::auth::credentials::{PasswordChangeError, RegisterError, SignInError};
use crate::auth::email_change::EmailChangeError;
use crate::auth::recovery::ResetError;
use crate::auth::revoke::EndSessionError;
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
    }
}

/// RFC 6750 §3: a request that carried a token learns `error="invalid_token"`; one that
/// carried none (or sent credentials) gets the bare challenge.
fn challenge(failure: AuthFailure) -> &'static str {
    match failure {
        AuthFailure::NotAuthenticated | AuthFailure::BadCredentials => "Bearer",
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
    /// 404.
    #[error("not found")]
    NotFound,
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

// The answers' bodies. The server serializes exactly these types and the OpenAPI document
// describes them (`http::openapi`), so the two cannot drift apart.

/// `{"detail": "..."}`: a message for people; as an error, one that concerns no field (a body
/// that is not a JSON object, 404, 405, 413, 415, 431, 500).
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    pub detail: Cow<'static, str>,
}

/// `{"field": ["message", ...]}`: DRF's validation errors, one list of messages per field
/// (`non_field_errors` for the whole form).
#[derive(Debug, Serialize, ToSchema)]
#[schema(value_type = BTreeMap<String, Vec<String>>)]
pub struct ValidationErrors(FieldErrors);

/// A 400: field errors, or a `detail` when the body could not be read as the JSON object
/// the operation takes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BadRequestBody {
    Fields(ValidationErrors),
    Detail(Detail),
}

/// A 401 (with `WWW-Authenticate`): simplejwt's `{"detail", "code"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthError {
    pub detail: &'static str,
    /// Why, precisely.
    #[schema(schema_with = auth_codes)]
    pub code: &'static str,
}

/// A 403: the sign-in was right, but the address is not verified yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForbiddenError {
    pub detail: &'static str,
    #[schema(schema_with = email_not_verified_code)]
    pub code: &'static str,
}

/// A 429 (with `Retry-After`): DRF's throttling answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThrottledError {
    pub detail: String,
    #[schema(schema_with = throttled_code)]
    pub code: &'static str,
}

/// A 503 (with `Retry-After`): the database cannot be reached right now.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnavailableError {
    pub detail: &'static str,
    #[schema(schema_with = unavailable_code)]
    pub code: &'static str,
}

const EMAIL_NOT_VERIFIED: &str = "email_not_verified";
const THROTTLED: &str = "throttled";
const SERVICE_UNAVAILABLE: &str = "service_unavailable";

/// A string that is one of `codes`.
fn codes(codes: impl IntoIterator<Item = &'static str>) -> Object {
    let mut values: Vec<&str> = codes.into_iter().collect();
    values.dedup();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

fn auth_codes() -> Object {
    let mut all: Vec<&'static str> = AuthFailure::ALL.iter().map(|f| f.code()).collect();
    all.sort_unstable();
    codes(all)
}

fn email_not_verified_code() -> Object {
    codes([EMAIL_NOT_VERIFIED])
}

fn throttled_code() -> Object {
    codes([THROTTLED])
}

fn unavailable_code() -> Object {
    codes([SERVICE_UNAVAILABLE])
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
                ForbiddenError {
                    detail: "E-mail address is not verified. Open the link we sent you, or ask \
                             for a new one.",
                    code: EMAIL_NOT_VERIFIED,
                },
            ),
            Self::NotFound => detail(StatusCode::NOT_FOUND, "Not found."),
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
