//! The HTTP API under `/api`: one router per resource, merged here. Paths are declared
//! without a trailing slash; the server trims one before routing, so both spellings work.

mod admin;
mod auth;
mod email;
pub mod health;
mod jwks;
mod metrics;
mod mfa;
mod passkeys;
mod password;
mod revocations;
mod sessions;
mod tokens;
mod user;

use std::sync::LazyLock;

use axum::routing::{MethodRouter, post};
use axum::{Json, Router};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use super::error::ApiError;
use super::openapi;
use super::state::AppState;
use crate::auth::fields;

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
        .merge(email::router())
        .merge(mfa::router())
        .merge(passkeys::router())
        .merge(revocations::router())
        .merge(admin::router())
        .routes(utoipa_axum::routes!(openapi_json))
        .split_for_parts();
    for (alias, canonical, method_router) in aliases() {
        router = router.route(alias, method_router);
        let mut item = doc.paths.paths[canonical].clone();
        // Operation ids must be unique; the alias is the same operation at another path.
        for operation in openapi::operations_of(&mut item) {
            operation.operation_id = None;
        }
        doc.paths.paths.insert(alias.to_owned(), item);
    }
    let router = router
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    (router, doc)
}

/// The routes outside `/api`: the probes, `/metrics` and the JWKS.
pub fn operations() -> OpenApiRouter<AppState> {
    health::router().merge(jwks::router())
}

/// The OpenAPI document of every route, built once.
static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(|| {
    let (_, api) = router();
    let (_, operations) = operations().split_for_parts();
    openapi::document(api, operations)
});

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 description of the API", body = Object))
)]
pub async fn openapi_json() -> Json<&'static OpenApi> {
    Json(&DOCUMENT)
}

/// The value of a required field, or a 400 naming it.
fn required<'a>(value: &'a Option<String>, field: &'static str) -> Result<&'a str, ApiError> {
    fields::presence(value.as_deref()).map_err(|message| ApiError::field(field, message))
}
