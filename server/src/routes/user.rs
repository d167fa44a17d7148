//! The signed-in user's account: `GET /api/user/`.

use app::api::User;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

use crate::error::{ApiError, AuthFailure};
use crate::extract::AuthUser;
use crate::state::AppState;
use crate::store::UserRow;

pub fn router() -> Router<AppState> {
    Router::new().route("/user", get(me))
}

/// The API's view of a stored user (never the password hash).
pub fn public_user(row: &UserRow) -> User {
    User {
        id: row.id,
        email: row.email.clone(),
        username: row.username.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        date_joined: crate::clock::rfc3339(row.date_joined),
    }
}

async fn me(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
) -> Result<Json<User>, ApiError> {
    let user = state
        .store
        .user_by_id(claims.user_id)
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::UserNotFound))?;
    Ok(Json(public_user(&user)))
}
