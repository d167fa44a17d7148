//! The HTTP API under `/api`: one router per resource, merged here. Paths are declared
//! without a trailing slash; the server trims one before routing, so both spellings work.

mod auth;
pub mod health;
mod password;
mod sessions;
mod tokens;
mod user;

use axum::Router;

use crate::error::{ApiError, FieldErrors};
use crate::state::AppState;

/// Every `/api` route, with JSON 404 and 405 answers for the rest.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(tokens::router())
        .merge(user::router())
        .merge(sessions::router())
        .merge(password::router())
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// DRF's message for a missing or blank required field, or the value as sent (not trimmed:
/// a password's spaces are part of it).
fn presence(value: &Option<String>) -> Result<&str, String> {
    match value.as_deref() {
        None => Err("This field is required.".into()),
        Some(raw) if raw.trim().is_empty() => Err("This field may not be blank.".into()),
        Some(raw) => Ok(raw),
    }
}

/// The value of a required field, or a 400 naming it.
fn required<'a>(value: &'a Option<String>, field: &'static str) -> Result<&'a str, ApiError> {
    presence(value).map_err(|message| ApiError::field(field, message))
}

/// Parses a required field, collecting its message in `errors` so a form reports every
/// problem at once, as DRF does.
fn parse_field<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    presence(value)
        .and_then(parse)
        .map_err(|message| errors.entry(field).or_default().push(message))
        .ok()
}
