//! `VerifiedClaims`: an axum extractor giving a verified access token's claims, answering
//! 401 `{"detail", "code"}` with `WWW-Authenticate: Bearer` (RFC 6750 §3) as Gatehouse does.

use axum::Json;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::{Claims, Verifier, VerifyError};

/// The claims of the request's `Authorization: Bearer` access token. The state must give the
/// `Verifier` (`FromRef`; a `Verifier` as the state itself does).
#[derive(Debug, Clone)]
pub struct VerifiedClaims(pub Claims);

/// Why a request was refused: Gatehouse's error shape and codes.
#[derive(Debug)]
pub enum Rejection {
    /// No `Authorization: Bearer` header.
    Missing,
    /// The token was refused or could not be checked.
    Refused(VerifyError),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let (status, detail, code) = match self {
            Self::Missing => (
                StatusCode::UNAUTHORIZED,
                "Authentication credentials were not provided.",
                "not_authenticated",
            ),
            Self::Refused(VerifyError::Revoked) => (
                StatusCode::UNAUTHORIZED,
                "Session has been revoked.",
                "session_revoked",
            ),
            Self::Refused(VerifyError::Unavailable) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The issuer's keys are unavailable.",
                "service_unavailable",
            ),
            Self::Refused(_) => (
                StatusCode::UNAUTHORIZED,
                "Given token not valid for any token type",
                "token_not_valid",
            ),
        };
        let mut response = (status, Json(json!({"detail": detail, "code": code}))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

impl<S> FromRequestParts<S> for VerifiedClaims
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(Rejection::Missing)?;
        let verifier = Verifier::from_ref(state);
        verifier
            .verify(token)
            .await
            .map(VerifiedClaims)
            .map_err(Rejection::Refused)
    }
}
