//! The signed-in user's second factors (SPEC "Second factors"): what is on, setting up an
//! authenticator app (TOTP, RFC 6238) and confirming it with a first code, turning it off, and
//! a new set of recovery codes. Finishing a sign-in with a code is `auth`'s `/login/mfa`.

use app::api::{
    MfaStatus, PasswordRequest, RecoveryCodesResponse, TotpConfirmRequest, TotpSetupResponse,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{passkeys, second_factors};
use crate::http::error::{ApiError, BadRequestBody};
use crate::http::extract::{AppJson, AuthUser, ClientInfo};
use crate::http::openapi::{BearerRefused, JsonBody, Throttled, Unavailable};
use crate::http::qr;
use crate::http::state::AppState;
use crate::http::views;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(totp_setup, totp_disable))
        .routes(routes!(totp_confirm))
        .routes(routes!(recovery_codes))
}

/// The user's second factors: whether TOTP is on, the recovery codes left, the passkeys.
#[utoipa::path(
    get,
    path = "/mfa",
    tag = "second factors",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's second factors", body = MfaStatus),
        BearerRefused,
        Unavailable,
    )
)]
async fn status(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
) -> Result<Json<MfaStatus>, ApiError> {
    let factors = second_factors::status(&state.auth, claims.user_id).await?;
    let passkeys = passkeys::list(&state.auth, claims.user_id).await?;
    Ok(Json(views::mfa_status(factors, passkeys)))
}

/// Starts setting up an authenticator app: a new secret, with its `otpauth://` URL and that URL
/// as a QR code. It is pending (replacing an earlier pending one) until a code confirms it;
/// refused while TOTP is on. Rate limited per address and per user.
#[utoipa::path(
    post,
    path = "/mfa/totp",
    tag = "second factors",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A pending setup; the secret is shown this once", body = TotpSetupResponse),
        (status = 400, description = "TOTP is already on (`non_field_errors`): turn it off \
                                      first", body = BadRequestBody),
        BearerRefused,
        Throttled,
        Unavailable,
    )
)]
async fn totp_setup(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
) -> Result<Json<TotpSetupResponse>, ApiError> {
    let setup =
        second_factors::begin_totp(&state.auth, &client, claims.user_id, &claims.sid).await?;
    let qr_svg = qr::svg(&setup.otpauth_url)
        .map_err(|error| anyhow::anyhow!("{error}").context("could not draw the QR code"))?;
    Ok(Json(TotpSetupResponse {
        secret: setup.secret,
        otpauth_url: setup.otpauth_url,
        qr_svg,
    }))
}

/// Confirms the pending setup with the app's current code: TOTP is on, and the first ten
/// recovery codes are returned (shown this once). Rate limited per address and per user.
#[utoipa::path(
    post,
    path = "/mfa/totp/confirm",
    tag = "second factors",
    security(("bearer" = [])),
    request_body = TotpConfirmRequest,
    responses(
        (status = 200, description = "TOTP is on; the recovery codes are shown this once", body = RecoveryCodesResponse),
        (status = 400, description = "A wrong or missing `code`, no setup waiting (`code`), TOTP \
                                      already on (`non_field_errors`); or a body that is not a \
                                      JSON object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn totp_confirm(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<TotpConfirmRequest>,
) -> Result<Json<RecoveryCodesResponse>, ApiError> {
    let codes = second_factors::confirm_totp(
        &state.auth,
        &client,
        claims.user_id,
        &claims.sid,
        body.code.as_deref(),
    )
    .await?;
    Ok(Json(RecoveryCodesResponse {
        recovery_codes: codes,
    }))
}

/// Turns TOTP off; the password must be given. The recovery codes go too, and a notice is
/// mailed. Rate limited per address and per user.
#[utoipa::path(
    delete,
    path = "/mfa/totp",
    tag = "second factors",
    security(("bearer" = [])),
    request_body = PasswordRequest,
    responses(
        (status = 204, description = "TOTP is off (also when it was)"),
        (status = 400, description = "A wrong or missing `password`, or a body that is not a JSON \
                                      object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn totp_disable(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    second_factors::disable_totp(
        &state.auth,
        &client,
        claims.user_id,
        &claims.sid,
        body.password.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a new set of ten recovery codes; the password must be given, and the old set stops
/// working. A notice is mailed. Only while TOTP is on. Rate limited per address and per user.
#[utoipa::path(
    post,
    path = "/mfa/recovery-codes",
    tag = "second factors",
    security(("bearer" = [])),
    request_body = PasswordRequest,
    responses(
        (status = 200, description = "The new codes, shown this once", body = RecoveryCodesResponse),
        (status = 400, description = "A wrong or missing `password`, TOTP off \
                                      (`non_field_errors`); or a body that is not a JSON object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn recovery_codes(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasswordRequest>,
) -> Result<Json<RecoveryCodesResponse>, ApiError> {
    let codes = second_factors::renew_recovery_codes(
        &state.auth,
        &client,
        claims.user_id,
        &claims.sid,
        body.password.as_deref(),
    )
    .await?;
    Ok(Json(RecoveryCodesResponse {
        recovery_codes: codes,
    }))
}
