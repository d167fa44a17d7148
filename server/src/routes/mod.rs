//! The HTTP API under `/api`: one router per resource, merged here. Paths are declared
//! without a trailing slash; the server trims one before routing, so both spellings work.

mod auth;
pub mod health;
mod password;
mod sessions;
mod tokens;
mod user;

use axum::Router;
use axum::routing::{MethodRouter, post};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::domain::Password;
use crate::error::{ApiError, FieldErrors};
use crate::password_policy::{Attributes, PasswordPolicy};
use crate::state::AppState;

/// The other spellings of three endpoints (seeds 001/004 and simplejwt), each with the path it
/// is an alias of: routed to the same handler and described by the same OpenAPI operation.
fn aliases() -> [(&'static str, &'static str, MethodRouter<AppState>); 4] {
    [
        ("/auth/login", "/login", post(auth::login)),
        ("/auth/logout", "/logout", post(auth::logout)),
        ("/token/blacklist", "/logout", post(auth::logout)),
        ("/auth/refresh", "/token/refresh", post(tokens::refresh)),
    ]
}

/// Every `/api` route, with JSON 404 and 405 answers for the rest, and their OpenAPI
/// description (paths relative to `/api`). Handlers are routed through `utoipa_axum`'s
/// `routes!`, so a route cannot exist without its description.
pub fn router() -> (Router<AppState>, OpenApi) {
    let (mut router, mut doc) = OpenApiRouter::new()
        .merge(auth::router())
        .merge(tokens::router())
        .merge(user::router())
        .merge(sessions::router())
        .merge(password::router())
        .routes(utoipa_axum::routes!(crate::openapi::openapi_json))
        .split_for_parts();
    for (alias, canonical, method_router) in aliases() {
        router = router.route(alias, method_router);
        let mut item = doc.paths.paths[canonical].clone();
        // Operation ids must be unique; the alias is the same operation at another path.
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            operation.operation_id = None;
        }
        doc.paths.paths.insert(alias.to_owned(), item);
    }
    let router = router
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    (router, doc)
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

/// Parses a required new password against the policy, collecting every reason it is refused
/// in `errors` under `field`.
fn parse_password(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &Option<String>,
    policy: &PasswordPolicy,
    attributes: &Attributes<'_>,
) -> Option<Password> {
    let raw = parse_field(errors, field, value, |raw| Ok(raw.to_owned()))?;
    Password::parse(&raw, policy, attributes)
        .map_err(|problems| errors.entry(field).or_default().extend(problems))
        .ok()
}
