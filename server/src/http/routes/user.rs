//! The signed-in user's account: `GET /api/user/` (from `user_cache` when it can) and
//! `PATCH /api/user/`.

use std::sync::Arc;

use app::api::{UpdateUserRequest, User};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::users::{self, NamesForm};
use crate::http::error::{ApiError, BadRequestBody};
use crate::http::extract::{AppJson, AuthUser};
use crate::http::openapi::{BearerRefused, JsonBody, Unavailable};
use crate::http::state::AppState;
use crate::http::views;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me, update))
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/user",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        BearerRefused,
        Unavailable,
    )
)]
async fn me(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
) -> Result<Json<Arc<User>>, ApiError> {
    if let Some(user) = state.users.get(claims.user_id) {
        return Ok(Json(user));
    }
    let user = users::account(&state.auth, claims.user_id).await?;
    Ok(Json(state.users.put(views::user(&user))))
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
        (status = 400, description = "Field errors (a name over 150 characters), or a body that \
                                      is not a JSON object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Unavailable,
    )
)]
async fn update(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    AppJson(body): AppJson<UpdateUserRequest>,
) -> Result<Json<Arc<User>>, ApiError> {
    let user = users::rename(&state.auth, claims.user_id, &NamesForm::from(&body)).await?;
    Ok(Json(state.users.put(views::user(&user))))
}
