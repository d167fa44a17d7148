//! The account's address: verifying it, asking for another verification mail, and changing
//! it through a link sent to the new address.

use app::api::{EmailChangeRequest, EmailRequest, EmailTokenRequest};
use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::email_change::{self, EmailChangeForm};
use crate::auth::verification;
use crate::http::error::{ApiError, BadRequestBody, Detail};
use crate::http::extract::{AppJson, AuthUser, ClientInfo};
use crate::http::openapi::{BearerRefused, JsonBody, Throttled, Unavailable};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify))
        .routes(routes!(resend))
        .routes(routes!(change))
        .routes(routes!(change_confirm))
}

/// Marks the address verified with the token of a verification link.
#[utoipa::path(
    post,
    path = "/email/verify",
    tag = "account",
    request_body = EmailTokenRequest,
    responses(
        (status = 200, description = "The address is verified", body = Detail),
        (status = 400, description = "A used, expired or unknown `token`, or it missing; or a \
                                      body that is not a JSON object", body = BadRequestBody),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn verify(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<EmailTokenRequest>,
) -> Result<Json<Detail>, ApiError> {
    let user_id = verification::verify(&state.auth, &client, body.token.as_deref()).await?;
    state.users.forget(user_id);
    Ok(Json(Detail {
        detail: "Your email address is verified.".into(),
    }))
}

/// Mails a new verification link, if the address is an unverified account's; the same answer
/// for any address. Rate limited per client address and per email.
#[utoipa::path(
    post,
    path = "/email/verify/resend",
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
async fn resend(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<EmailRequest>,
) -> Result<Json<Detail>, ApiError> {
    verification::resend(&state.auth, &client, body.email.as_deref()).await?;
    Ok(Json(Detail {
        detail: "If that address belongs to an account still to be verified, a new link is on \
                 its way. Check your inbox."
            .into(),
    }))
}

/// Asks to move the account to a new address: the password must be given; a confirmation link
/// goes to the new address and a notice to the current one. Nothing changes until the link is
/// opened. Rate limited per client address and per user.
#[utoipa::path(
    post,
    path = "/email/change",
    tag = "account",
    security(("bearer" = [])),
    request_body = EmailChangeRequest,
    responses(
        (status = 200, description = "The confirmation link is on its way to the new address", body = Detail),
        (status = 400, description = "Field errors: an invalid, unchanged or taken `new_email`, a \
                                      wrong `password`, a missing field; or a body that is not a \
                                      JSON object", body = BadRequestBody),
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
    AppJson(body): AppJson<EmailChangeRequest>,
) -> Result<Json<Detail>, ApiError> {
    let form = EmailChangeForm::from(&body);
    email_change::request_change(&state.auth, &client, claims.user_id, &claims.sid, &form).await?;
    Ok(Json(Detail {
        detail: "Check the inbox of your new address: the change happens when you open the link \
                 we sent there."
            .into(),
    }))
}

/// Moves the account to the new address of a change link's token (verified); every session
/// but the one that asked ends.
#[utoipa::path(
    post,
    path = "/email/change/confirm",
    tag = "account",
    request_body = EmailTokenRequest,
    responses(
        (status = 200, description = "The address is changed", body = Detail),
        (status = 400, description = "A used, expired or unknown `token` (or the address taken \
                                      meanwhile), or it missing; or a body that is not a JSON \
                                      object", body = BadRequestBody),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn change_confirm(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<EmailTokenRequest>,
) -> Result<Json<Detail>, ApiError> {
    let user_id = email_change::confirm_change(&state.auth, &client, body.token.as_deref()).await?;
    state.users.forget(user_id);
    Ok(Json(Detail {
        detail: "Your email address has been changed.".into(),
    }))
}
