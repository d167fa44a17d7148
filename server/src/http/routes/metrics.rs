//! `GET /metrics`: the Prometheus (OpenMetrics) page, optionally behind a bearer token
//! (`METRICS_TOKEN`).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::auth::AuthFailure;
use crate::clock;
use crate::http::error::{ApiError, AuthError};
use crate::http::extract::bearer_token;
use crate::http::state::AppState;

/// `GET /metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus/OpenMetrics text", body = String, content_type = "application/openmetrics-text"),
        (status = 401, description = "METRICS_TOKEN is set and the bearer token is not it: \
                                      `not_authenticated`", body = AuthError,
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
    )
)]
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorized(state.metrics_token.as_ref(), &headers) {
        return ApiError::Unauthorized(AuthFailure::NotAuthenticated).into_response();
    }
    let now = clock::now();
    let auth = &state.auth;
    match auth
        .store
        .count_live_sessions(now, auth.policy.idle_cutoff(now))
        .await
    {
        Ok(count) => state.metrics.set_active_sessions(count),
        Err(error) => tracing::warn!(%error, "could not count live sessions"),
    }
    // Counted when asked for, like the sessions above: the sender job polls twice a second
    // and should not count the outbox each time for a gauge nobody may read.
    match auth.store.pending_mail_count().await {
        Ok(count) => state.metrics.set_mail_pending(count),
        Err(error) => tracing::warn!(%error, "could not count pending mail"),
    }
    let mut response = (StatusCode::OK, state.metrics.encode()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// Whether the request carries the metrics token, if one is configured. The digests are
/// compared, so the comparison's timing says nothing about the token.
fn authorized(token: Option<&SecretString>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return true;
    };
    let presented = bearer_token(headers).unwrap_or_default();
    Sha256::digest(presented.as_bytes()) == Sha256::digest(token.expose_secret().as_bytes())
}
