//! The one API error type and its mapping to HTTP: Django REST framework's JSON shapes, so the
//! seeds' axios interceptors keep working against Gatehouse.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::tokens::TokenError;

/// Field name → messages, DRF's validation error body (`non_field_errors` for the whole form).
pub type FieldErrors = BTreeMap<&'static str, Vec<String>>;

/// Why a request could not be authenticated; each variant is one `code` in the 401 body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization: Bearer` header at all.
    NotAuthenticated,
    /// Wrong email or password (the same answer for both, OWASP authentication cheat sheet).
    BadCredentials,
    /// Malformed, badly signed, wrong type or unknown key.
    TokenNotValid,
    /// A well-formed token past its `exp`.
    TokenExpired,
    /// A refresh token that is not its session's live one (or whose session is gone).
    TokenBlacklisted,
    /// A refresh token used again after its grace: the session has been revoked.
    TokenReused,
    /// The token's session was ended (logout, revocation, password change, reuse).
    SessionRevoked,
    /// The token's session passed its absolute end or idle timeout.
    SessionExpired,
    /// The token's user no longer exists.
    UserNotFound,
}

impl AuthFailure {
    /// The `code` of the 401 body.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAuthenticated => "not_authenticated",
            Self::BadCredentials => "authentication_failed",
            Self::TokenNotValid | Self::TokenBlacklisted => "token_not_valid",
            Self::TokenExpired => "token_expired",
            Self::TokenReused => "token_reused",
            Self::SessionRevoked => "session_revoked",
            Self::SessionExpired => "session_expired",
            Self::UserNotFound => "user_not_found",
        }
    }

    fn detail(self) -> &'static str {
        match self {
            Self::NotAuthenticated => "Authentication credentials were not provided.",
            Self::BadCredentials => "No active account found with the given credentials",
            Self::TokenNotValid => "Token is invalid",
            Self::TokenExpired => "Token is expired",
            Self::TokenBlacklisted => "Token is blacklisted",
            Self::TokenReused => "Token was already used; the session has been revoked",
            Self::SessionRevoked => "Session has been revoked",
            Self::SessionExpired => "Session has expired",
            Self::UserNotFound => "User not found",
        }
    }

    /// RFC 6750 §3: a request that carried a token learns `error="invalid_token"`; one that
    /// carried none (or sent credentials) gets the bare challenge.
    fn challenge(self) -> &'static str {
        match self {
            Self::NotAuthenticated | Self::BadCredentials => "Bearer",
            _ => "Bearer error=\"invalid_token\"",
        }
    }
}

/// How a refused token is reported.
impl From<TokenError> for AuthFailure {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Expired => Self::TokenExpired,
            TokenError::WrongType | TokenError::Invalid => Self::TokenNotValid,
        }
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
        Self::Validation(BTreeMap::from([(name, vec![message.into()])]))
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

fn detail(status: StatusCode, detail: &str) -> Response {
    (status, axum::Json(json!({ "detail": detail }))).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Validation(fields) => {
                (StatusCode::BAD_REQUEST, axum::Json(json!(fields))).into_response()
            }
            Self::BadRequest(message) => detail(StatusCode::BAD_REQUEST, &message),
            Self::Unauthorized(failure) => {
                let body: Value = json!({ "detail": failure.detail(), "code": failure.code() });
                let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(failure.challenge()),
                );
                response
            }
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
                let body = json!({
                    "detail": format!(
                        "Request was throttled. Expected available in {retry_after_secs} seconds."
                    ),
                    "code": "throttled",
                });
                let mut response =
                    (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
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
                let body = json!({
                    "detail": "The service is temporarily unavailable. Try again shortly.",
                    "code": "service_unavailable",
                });
                let mut response =
                    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
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
            AuthFailure::TokenExpired.challenge(),
            "Bearer error=\"invalid_token\""
        );
        assert_eq!(AuthFailure::NotAuthenticated.challenge(), "Bearer");
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let response = ApiError::Internal(anyhow::anyhow!("secret sql text")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
