//! Probes for load balancers and orchestrators: `/healthz` (the process answers) and
//! `/readyz` (it can reach its database, so it should get traffic).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::state::AppState;

/// The probes and `/metrics`, outside `/api`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(super::metrics::metrics))
}

/// The process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "`{\"status\": \"ok\"}`")))]
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers; 503 with `Retry-After` while it is unreachable.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`"),
        (status = 503, description = "The database is unreachable"),
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.auth.store.ping().await?;
    Ok(Json(json!({ "status": "ready" })))
}
