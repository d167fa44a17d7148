//! Passkeys (SPEC "Second factors"): registering one (begin, then finish with what
//! `navigator.credentials.create()` gave), renaming and removing them, and signing in with one
//! alone (begin, then finish with what `navigator.credentials.get()` gave). The user's list is
//! in `GET /api/mfa/`.

use app::api::{AuthResponse, PasskeyInfo, PasskeyRenameRequest};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::signed_in;
use crate::auth::amr::Amr;
use crate::auth::passkey_sign_in;
use crate::auth::passkeys::{self, Begun};
use crate::http::error::{ApiError, AuthError, BadRequestBody, Detail, SignInForbidden};
use crate::http::extract::{AppJson, AuthUser, ClientInfo};
use crate::http::mfa_api::{PasskeyCeremony, PasskeyLoginRequest, PasskeyRegisterRequest};
use crate::http::openapi::{BearerRefused, JsonBody, Throttled, Unavailable};
use crate::http::state::AppState;
use crate::http::views;
use crate::telemetry::EventKind;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register_begin))
        .routes(routes!(register_finish))
        .routes(routes!(login_begin))
        .routes(routes!(login_finish))
        .routes(routes!(rename, remove))
}

/// A begun ceremony as the browser takes it: `{challenge_id, publicKey}`.
fn ceremony<Options: Serialize>(
    begun: Begun<Options>,
    public_key: impl FnOnce(Options) -> Result<serde_json::Value, serde_json::Error>,
) -> Result<Json<PasskeyCeremony>, ApiError> {
    let public_key = public_key(begun.options)
        .map_err(|error| anyhow::Error::new(error).context("could not write WebAuthn options"))?;
    Ok(Json(PasskeyCeremony {
        challenge_id: begun.challenge_id,
        public_key,
    }))
}

/// Begins registering a passkey: the options for `navigator.credentials.create()` (user
/// verification and a discoverable credential required; the user's passkeys excluded). Finish
/// within 5 minutes. Rate limited per address and per user.
#[utoipa::path(
    post,
    path = "/passkeys/register/begin",
    tag = "passkeys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A registration begun", body = PasskeyCeremony),
        BearerRefused,
        Throttled,
        Unavailable,
    )
)]
async fn register_begin(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
) -> Result<Json<PasskeyCeremony>, ApiError> {
    let begun =
        passkeys::begin_registration(&state.auth, &client, claims.user_id, &claims.sid).await?;
    ceremony(begun, |options| serde_json::to_value(options.public_key))
}

/// Finishes a registration with the credential the browser created: verified (challenge,
/// origin, relying party, user verification) and stored under `name`. The challenge works
/// once, whatever the outcome. A notice is mailed. Rate limited per address and per user.
#[utoipa::path(
    post,
    path = "/passkeys/register/finish",
    tag = "passkeys",
    security(("bearer" = [])),
    request_body = PasskeyRegisterRequest,
    responses(
        (status = 201, description = "The passkey is registered", body = PasskeyInfo),
        (status = 400, description = "A missing field, an unknown, expired or used \
                                      `challenge_id`, a `credential` that does not verify (wrong \
                                      origin or challenge, no user verification) or is \
                                      registered already, a `name` over 64 characters; or a \
                                      body that is not a JSON object", body = BadRequestBody),
        BearerRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn register_finish(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasskeyRegisterRequest>,
) -> Result<(StatusCode, Json<PasskeyInfo>), ApiError> {
    let form = passkeys::RegistrationForm::from(&body);
    let row =
        passkeys::finish_registration(&state.auth, &client, claims.user_id, &claims.sid, &form)
            .await?;
    Ok((StatusCode::CREATED, Json(views::passkey(row))))
}

/// Begins a sign-in with a passkey: the options for `navigator.credentials.get()`, with no
/// allow-list (the browser offers any passkey of this site: no email needed) and user
/// verification required. Finish within 5 minutes. Rate limited per address.
#[utoipa::path(
    post,
    path = "/passkeys/login/begin",
    tag = "passkeys",
    responses(
        (status = 200, description = "A sign-in begun", body = PasskeyCeremony),
        Throttled,
        Unavailable,
    )
)]
async fn login_begin(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
) -> Result<Json<PasskeyCeremony>, ApiError> {
    let begun = passkey_sign_in::begin(&state.auth, &client).await?;
    ceremony(begun, |options| serde_json::to_value(options.public_key))
}

/// Finishes a sign-in with the assertion the browser got: the passkey's account is signed in,
/// with the second factor satisfied (the tokens' `amr` is `["hwk", "user", "mfa"]`; no TOTP
/// step). The challenge works once, and the authenticator's signature counter must be above
/// the last one seen. Rate limited per address and per account.
#[utoipa::path(
    post,
    path = "/passkeys/login/finish",
    tag = "passkeys",
    request_body = PasskeyLoginRequest,
    responses(
        (status = 200, description = "Signed in: the same answer as `/login`", body = AuthResponse),
        (status = 400, description = "`challenge_id` or `credential` missing, or `credential` \
                                      not a WebAuthn assertion; or a body that is not a JSON \
                                      object", body = BadRequestBody),
        (status = 401, description = "`passkey_invalid`: an unknown, expired or used challenge, \
                                      a passkey no account has, or an assertion that does not \
                                      verify (wrong origin, no user verification, a replayed \
                                      signature counter)", body = AuthError,
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "With `EMAIL_VERIFICATION=mandatory`, the account's address \
                                      is not verified yet: `email_not_verified`", body = SignInForbidden),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn login_finish(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<PasskeyLoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let form = passkey_sign_in::SignInForm::from(&body);
    let user = passkey_sign_in::finish(&state.auth, &client, &form).await?;
    let kind = EventKind::Login;
    Ok(Json(
        signed_in(&state, &user, &client, kind, Amr::Passkey).await?,
    ))
}

/// Renames one of the user's passkeys.
#[utoipa::path(
    patch,
    path = "/passkeys/{id}",
    tag = "passkeys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The passkey's `id`, as `GET /api/mfa/` lists it")),
    request_body = PasskeyRenameRequest,
    responses(
        (status = 200, description = "Renamed", body = PasskeyInfo),
        (status = 400, description = "`name` missing, blank or over 64 characters; or a body \
                                      that is not a JSON object", body = BadRequestBody),
        BearerRefused,
        (status = 404, description = "No passkey of the user has this id", body = Detail),
        JsonBody,
        Unavailable,
    )
)]
async fn rename(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
    AppJson(body): AppJson<PasskeyRenameRequest>,
) -> Result<Json<PasskeyInfo>, ApiError> {
    let row = passkeys::rename(
        &state.auth,
        &client,
        claims.user_id,
        &claims.sid,
        &id,
        body.name.as_deref(),
    )
    .await?;
    Ok(Json(views::passkey(row)))
}

/// Removes one of the user's passkeys: it no longer signs in. A notice is mailed.
#[utoipa::path(
    delete,
    path = "/passkeys/{id}",
    tag = "passkeys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The passkey's `id`, as `GET /api/mfa/` lists it")),
    responses(
        (status = 204, description = "Removed"),
        BearerRefused,
        (status = 404, description = "No passkey of the user has this id", body = Detail),
        Unavailable,
    )
)]
async fn remove(
    State(state): State<AppState>,
    AuthUser(claims): AuthUser,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    passkeys::remove(&state.auth, &client, claims.user_id, &claims.sid, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
