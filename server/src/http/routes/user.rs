//! The signed-in user's account: `GET /api/user/` (from `user_cache` when it can),
//! `PATCH /api/user/`, `DELETE /api/user/` (the account, with the password) and
//! `GET /api/user/export/` (everything held about the user, as a download).

use std::sync::Arc;

use app::api::{AccountExport, PasswordRequest, UpdateUserRequest, User};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::users::{self, NamesForm};
use crate::auth::{account_deletion, data_export};
use crate::clock;
use crate::http::error::{ApiError, BadRequestBody};
use crate::http::extract::{AppJson, AuthUser, ClientInfo};
use crate::http::openapi::{BearerRefused, JsonBody, Throttled, Unavailable};
use crate::http::state::AppState;
use crate::http::views;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, update, delete))
        .routes(routes!(export))
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

/// Deletes the account, once the password proves it is the owner asking: its sessions,
/// second factors, passkeys and pending mail go with it, its tokens stop working on every
/// instance, and the address can register again. The audit trail keeps its rows (ids only).
#[utoipa::path(
    delete,
    path = "/user",
    tag = "account",
    security(("bearer" = [])),
    request_body = PasswordRequest,
    responses(
        (status = 204, description = "The account is deleted"),
        (status = 400, description = "No password, or a wrong one (`password`), or a body that \
                                      is not a JSON object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn delete(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    account_deletion::delete_account(
        &state.auth,
        &client,
        claims.user_id,
        &claims.sid,
        body.password.as_deref(),
    )
    .await?;
    state.users.forget(claims.user_id);
    Ok(StatusCode::NO_CONTENT)
}

/// Everything Gatehouse holds about the user (profile, sessions, second factors by name, the
/// audit trail), secrets excluded, as a JSON download.
#[utoipa::path(
    get,
    path = "/user/export",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's data, as `gatehouse-export.json`", body = AccountExport,
         headers(("Content-Disposition" = String, description = "`attachment; filename=\"gatehouse-export.json\"`"))),
        BearerRefused,
        Unavailable,
    )
)]
async fn export(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
) -> Result<impl IntoResponse, ApiError> {
    let data = data_export::export(&state.auth, &client, claims.user_id, &claims.sid).await?;
    let export = AccountExport {
        exported_at: clock::rfc3339(clock::now()),
        profile: views::user(&data.user),
        sessions: data
            .sessions
            .into_iter()
            .map(views::exported_session)
            .collect(),
        second_factors: views::mfa_status(data.second_factors, data.passkeys),
        events: data.events.into_iter().map(views::event).collect(),
    };
    let headers = [
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"gatehouse-export.json\"",
        ),
        (header::CACHE_CONTROL, "no-store"),
    ];
    Ok((headers, Json(export)))
}
