//! The signed-in user's account: `GET /api/user/` (from `user_cache` when it can) and
//! `PATCH /api/user/`.

use std::sync::Arc;

use app::api::{UpdateUserRequest, User};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::PersonName;
use crate::error::{ApiError, AuthFailure, FieldErrors};
use crate::extract::{AppJson, AuthUser};
use crate::state::AppState;
use crate::store::UserRow;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me, update))
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

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/user",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, description = "No, an invalid, an expired or a revoked access token"),
    )
)]
async fn me(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
) -> Result<Json<Arc<User>>, ApiError> {
    if let Some(user) = state.users.get(claims.user_id) {
        return Ok(Json(user));
    }
    let user = state
        .store
        .user_by_id(claims.user_id)
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::UserNotFound))?;
    Ok(Json(state.users.put(public_user(&user))))
}

/// Changes the user's first and/or last name (the fields sent; the others stay).
#[utoipa::path(
    patch,
    path = "/user",
    tag = "account",
    security(("bearer" = [])),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The updated user", body = User),
        (status = 400, description = "Field errors"),
        (status = 401, description = "No, an invalid, an expired or a revoked access token"),
    )
)]
async fn update(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    AppJson(body): AppJson<UpdateUserRequest>,
) -> Result<Json<Arc<User>>, ApiError> {
    let mut errors = FieldErrors::new();
    let mut parse = |field: &'static str, value: &Option<String>| match value {
        None => None,
        Some(raw) => PersonName::parse(Some(raw))
            .map_err(|message| errors.entry(field).or_default().push(message))
            .ok(),
    };
    let first_name = parse("first_name", &body.first_name);
    let last_name = parse("last_name", &body.last_name);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = state
        .store
        .update_names(
            claims.user_id,
            first_name.as_ref().map(PersonName::as_str),
            last_name.as_ref().map(PersonName::as_str),
        )
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::UserNotFound))?;
    Ok(Json(state.users.put(public_user(&user))))
}
