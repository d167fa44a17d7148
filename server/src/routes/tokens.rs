//! simplejwt's token endpoints: refresh (with rotation) and verify.

use app::api::{RefreshRequest, TokenPair, VerifyRequest};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::required;
use crate::error::ApiError;
use crate::extract::{AppJson, ClientInfo};
use crate::sessions;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/token/refresh", post(refresh))
        .route("/auth/refresh", post(refresh))
        .route("/token/verify", post(verify))
}

async fn refresh(
    State(state): State<AppState>,
    client: ClientInfo,
    AppJson(body): AppJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let refresh = required(&body.refresh, "refresh")?;
    Ok(Json(sessions::rotate(&state, refresh, &client).await?))
}

async fn verify(
    State(state): State<AppState>,
    AppJson(body): AppJson<VerifyRequest>,
) -> Result<Json<Value>, ApiError> {
    let token = required(&body.token, "token")?;
    sessions::verify(&state, token).await?;
    Ok(Json(json!({})))
}
