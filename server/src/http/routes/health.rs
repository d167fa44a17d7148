//! Probes for load balancers and orchestrators: `/healthz` (the process answers) and
//! `/readyz` (it can reach its database, so it should get traffic).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::openapi::Unavailable;
use crate::http::state::AppState;

/// The probes and `/metrics`, outside `/api`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(super::metrics::metrics))
}

/// A probe's answer: `{"status": "ok"}` or `{"status": "ready"}`.
#[derive(Serialize, ToSchema)]
struct Probe {
    status: &'static str,
}

/// The process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "`{\"status\": \"ok\"}`", body = Probe))
)]
async fn healthz() -> Json<Probe> {
    Json(Probe { status: "ok" })
}

/// The database answers; 503 with `Retry-After` while it is unreachable.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`", body = Probe),
        Unavailable,
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Probe>, ApiError> {
    state.auth.store.ping().await?;
    Ok(Json(Probe { status: "ready" }))
}
