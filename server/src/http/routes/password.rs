//! The password: changing it (proves the current one, ends every other session, OWASP ASVS
//! 3.3.3) and resetting a forgotten one by mail (OWASP Forgot Password Cheat Sheet).

use app::api::{EmailRequest, PasswordChangeRequest, PasswordResetConfirmRequest};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::credentials::{self, PasswordChangeForm};
use crate::auth::recovery::{self, ResetForm};
use crate::http::error::{ApiError, BadRequestBody, Detail};
use crate::http::extract::{AppJson, AuthUser, ClientInfo};
use crate::http::openapi::{BearerRefused, JsonBody, Throttled, Unavailable};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change))
        .routes(routes!(reset))
        .routes(routes!(reset_confirm))
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

/// What a reset request answers, whether or not the address is an account's.
const RESET_SENT: &str = "If an account uses that address, a link to reset its password is on \
                          its way. Check your inbox.";

/// Mails a link to reset the password. The same answer, in about the same time, whether or not
/// an account has the address (the mail is sent from the outbox, never inline). Rate limited
/// per client address and per email.
#[utoipa::path(
    post,
    path = "/password/reset",
    tag = "account",
    request_body = EmailRequest,
    responses(
        (status = 200, description = "The same answer for any address", body = Detail),
        (status = 400, description = "`email` missing or blank, or a body that is not a JSON \
                                      object", body = BadRequestBody),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn reset(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<EmailRequest>,
) -> Result<Json<Detail>, ApiError> {
    recovery::request_reset(&state.auth, &client, body.email.as_deref()).await?;
    Ok(Json(Detail {
        detail: RESET_SENT.into(),
    }))
}

/// Sets a new password with the token of a reset link. Every session of the user ends (their
/// access tokens are refused at once) and a "your password was changed" mail goes out; it does
/// not sign in.
#[utoipa::path(
    post,
    path = "/password/reset/confirm",
    tag = "account",
    request_body = PasswordResetConfirmRequest,
    responses(
        (status = 200, description = "Password set; every session is signed out", body = Detail),
        (status = 400, description = "Field errors: a used, expired or unknown `token`, a weak or \
                                      mismatched new password, a missing field; or a body that \
                                      is not a JSON object", body = BadRequestBody),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn reset_confirm(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasswordResetConfirmRequest>,
) -> Result<Json<Detail>, ApiError> {
    let user_id = recovery::confirm_reset(&state.auth, &client, &ResetForm::from(&body)).await?;
    state.users.forget(user_id);
    Ok(Json(Detail {
        detail: "Your password has been reset. Sign in with the new one.".into(),
    }))
}
