//! The HTTP layer: routes, extractors, middleware, the OpenAPI document, and the one mapping
//! of domain errors to answers. It parses requests into the rules' terms (`auth`), calls a use
//! case, and turns the result into JSON; no rule lives here.

pub mod error;
pub mod extract;
pub mod forwarded;
pub mod mfa_api;
pub mod middleware;
pub mod openapi;
pub mod qr;
pub mod routes;
pub mod state;
pub mod user_cache;
pub mod views;

use app::{App, shell};
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, middleware as axum_middleware};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use self::error::ApiError;
use self::middleware::limits::{self, MAX_JSON_BODY_BYTES};
use self::middleware::{request_metrics, security_headers};
use self::state::AppState;

/// The whole application: the API under `/api`, the probes, `/metrics` and the JWKS, and the
/// Leptos pages, behind every middleware.
pub fn app(state: AppState, cors: Option<CorsLayer>) -> Router {
    let pages = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (api, _) = routes::router();
    // Token and account answers must never sit in a browser or proxy cache (RFC 9111 §5.2.2.5;
    // OWASP REST Security Cheat Sheet).
    let api = api.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let (operations, _) = routes::operations().split_for_parts();
    let page_context = security_headers::page_context(state.security_headers.clone());
    let router = Router::new()
        .nest("/api", api)
        .merge(operations)
        .leptos_routes_with_context(&state, pages, page_context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(axum_middleware::from_fn(limits::limit_authorization))
        .layer(axum_middleware::from_fn_with_state(
            state.metrics.clone(),
            request_metrics::track,
        ))
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(axum_middleware::from_fn_with_state(
            state.security_headers.clone(),
            security_headers::apply,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// A panicking handler answers like any internal error: JSON, no stack trace.
fn panic_answer(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
}
