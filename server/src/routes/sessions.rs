//! The signed-in user's sessions: where they are signed in, and ending one of them.

use app::api::SessionInfo;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::EventKind;
use crate::clock::{self, rfc3339};
use crate::error::ApiError;
use crate::extract::{AuthUser, ClientInfo};
use crate::sessions;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(end))
}

/// The user's live sessions, the current one marked; never a token.
#[utoipa::path(
    get,
    path = "/sessions",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions, most recently used first", body = Vec<SessionInfo>),
        (status = 401, description = "No, an invalid, an expired or a revoked access token"),
    )
)]
async fn list(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    let now = clock::now();
    let rows = state
        .store
        .live_sessions(claims.user_id, now, state.policy.idle_cutoff(now))
        .await?;
    let sessions = rows
        .into_iter()
        .map(|row| SessionInfo {
            current: row.id == claims.sid,
            created_at: rfc3339(row.created_at),
            last_used_at: rfc3339(row.last_used_at),
            expires_at: rfc3339(row.expires_at),
            user_agent: row.user_agent,
            ip: row.ip,
            id: row.id,
        })
        .collect();
    Ok(Json(sessions))
}

/// Ends one of the user's sessions; another user's session is answered as not found, so
/// session ids cannot be probed.
#[utoipa::path(
    delete,
    path = "/sessions/{id}",
    tag = "account",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A session id from the list")),
    responses(
        (status = 204, description = "Ended: its tokens stop working on every instance"),
        (status = 401, description = "No, an invalid, an expired or a revoked access token"),
        (status = 404, description = "No such live session of this user"),
    )
)]
async fn end(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    client: ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state.store.session(&id).await? {
        Some(session) if session.user_id == claims.user_id && session.revoked_at.is_none() => {
            sessions::revoke(
                &state,
                claims.user_id,
                &session.id,
                EventKind::SessionRevoked,
                &client.ip,
            )
            .await?;
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(ApiError::NotFound),
    }
}
