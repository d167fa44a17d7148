//! The signed-in user's sessions: where they are signed in, and ending one of them.

use app::api::SessionInfo;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{revoke, sessions};
use crate::http::error::{ApiError, Detail};
use crate::http::extract::{AuthUser, ClientInfo};
use crate::http::openapi::{BearerRefused, Unavailable};
use crate::http::state::AppState;
use crate::http::views;

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
        BearerRefused,
        Unavailable,
    )
)]
async fn list(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
) -> Result<Json<Vec<SessionInfo>>, ApiError> {
    let rows = sessions::live(&state.auth, claims.user_id).await?;
    let sessions = rows
        .into_iter()
        .map(|row| views::session(row, &claims.sid))
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
        BearerRefused,
        (status = 404, description = "No such live session of this user", body = Detail),
        Unavailable,
    )
)]
async fn end(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    revoke::end_session_of(&state.auth, claims.user_id, &id, &client.ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
