//! The signed-in user's sessions: where they are signed in, and ending one of them.

use app::api::SessionInfo;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};

use crate::clock::{self, rfc3339};
use crate::error::ApiError;
use crate::extract::{AuthUser, ClientInfo};
use crate::sessions;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sessions", get(list))
        .route("/sessions/{id}", delete(end))
}

/// The user's live sessions, the current one marked; never a token.
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
                "session_revoked",
                &client.ip,
            )
            .await?;
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(ApiError::NotFound),
    }
}
