//! Request size limits (OWASP REST Security Cheat Sheet: limit request sizes): no endpoint
//! needs a JSON body over 16 KiB (413) or an `Authorization` header over 8 KiB (431) — a JWT
//! is a few hundred bytes; anything larger is an attack on the parsers.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::ApiError;

/// The largest JSON body accepted.
pub const MAX_JSON_BODY_BYTES: usize = 16 * 1024;

/// The largest `Authorization` header accepted.
pub const MAX_AUTHORIZATION_BYTES: usize = 8 * 1024;

/// Middleware: 431 before anything reads an oversized `Authorization` header.
pub async fn limit_authorization(request: Request, next: Next) -> Response {
    let oversized = request
        .headers()
        .get_all(header::AUTHORIZATION)
        .iter()
        .any(|value| value.len() > MAX_AUTHORIZATION_BYTES);
    if oversized {
        return ApiError::HeaderTooLarge.into_response();
    }
    next.run(request).await
}
