//! Changing the password: proves the current one, and ends every other session
//! (OWASP ASVS 3.3.3).

use app::api::PasswordChangeRequest;
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::credentials::{self, PasswordChangeForm};
use crate::http::error::{ApiError, BadRequestBody, Detail};
use crate::http::extract::{AppJson, AuthUser, ClientInfo};
use crate::http::openapi::{BearerRefused, JsonBody, Throttled, Unavailable};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(change))
}

/// Changes the password; the current one must be given. Rate limited per address and user.
#[utoipa::path(
    post,
    path = "/password/change",
    tag = "account",
    security(("bearer" = [])),
    request_body = PasswordChangeRequest,
    responses(
        (status = 200, description = "Changed; every other session is signed out", body = Detail),
        (status = 400, description = "Field errors: a missing field, a wrong current password, a \
                                      weak or mismatched new one; or a body that is not a JSON \
                                      object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn change(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasswordChangeRequest>,
) -> Result<Json<Detail>, ApiError> {
    let form = PasswordChangeForm::from(&body);
    credentials::change_password(&state.auth, &client, claims.user_id, &claims.sid, &form).await?;
    Ok(Json(Detail {
        detail: "Password changed. Your other sessions have been signed out.".into(),
    }))
}
