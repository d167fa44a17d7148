//! Registration, sign-in (three spellings, seeds 001/004 and simplejwt, and the second step
//! for accounts with a second factor) and logout.

use app::api::{
    AuthResponse, LoginRequest, LogoutRequest, MfaLoginRequest, PendingVerification,
    RegisterRequest, TokenPair,
};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::required;
use crate::auth::Client;
use crate::auth::amr::Amr;
use crate::auth::credentials::{self, RegistrationForm, SignInForm};
use crate::auth::email::Verification;
use crate::auth::mfa_challenge::{self, MfaForm};
use crate::auth::sessions::{self, LogoutScope};
use crate::http::error::{ApiError, AuthError, BadRequestBody};
use crate::http::extract::{AppJson, ClientInfo};
use crate::http::openapi::{JsonBody, SignInRefused, Throttled, TokenRefused, Unavailable};
use crate::http::state::AppState;
use crate::http::views;
use crate::store::UserRow;
use crate::telemetry::EventKind;

/// The canonical paths; their aliases (`/auth/login`, `/auth/logout`, `/token/blacklist`)
/// are declared with the other aliases in `routes::aliases`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(login_mfa))
        .routes(routes!(obtain_pair))
        .routes(routes!(logout))
}

/// What registration answers: signed in, or (verification mandatory) waiting for the mail.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Registered {
    SignedIn(AuthResponse),
    Pending(PendingVerification),
}

/// Creates an account, mails the verification link (unless `EMAIL_VERIFICATION=none`) and
/// signs it in (unless verification is mandatory).
#[utoipa::path(
    post,
    path = "/register",
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in (`{user, tokens}`); with \
                                      `EMAIL_VERIFICATION=mandatory`, created but not signed in \
                                      until the address is verified (`{user, detail}`)", body = Registered),
        (status = 400, description = "Field errors, e.g. a missing field, a taken email, a common \
                                      password or `password2` not matching; or a body that is not \
                                      a JSON object", body = BadRequestBody),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn register(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<RegisterRequest>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let form = RegistrationForm::from(&body);
    let user = credentials::register(&state.auth, &client, &form).await?;
    let answer = if state.auth.email.verification == Verification::Mandatory {
        Registered::Pending(PendingVerification {
            user: views::user(&user),
            detail: "Account created. Open the link we sent to your address to verify it, then \
                     sign in."
                .into(),
        })
    } else {
        let kind = EventKind::Register;
        Registered::SignedIn(signed_in(&state, &user, &client, kind, Amr::Password).await?)
    };
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Starts a session for `user`, proven as `amr` says, and answers with the user and the
/// session's first pair.
pub(super) async fn signed_in(
    state: &AppState,
    user: &UserRow,
    client: &Client,
    kind: EventKind,
    amr: Amr,
) -> Result<AuthResponse, ApiError> {
    let tokens = sessions::start(&state.auth, user, client, kind, amr).await?;
    Ok(AuthResponse {
        user: views::user(user),
        tokens: tokens.into(),
    })
}

/// Signs in with email and password (seed 004's answer; also at `/api/auth/login`). For an
/// account with a second factor this is only the first step: 403 `mfa_required` with an
/// `mfa_token`, and no tokens until `/login/mfa`.
#[utoipa::path(
    post,
    path = "/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        SignInRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
pub(super) async fn login(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let user = credentials::sign_in(&state.auth, &client, &SignInForm::from(&body)).await?;
    let kind = EventKind::Login;
    Ok(Json(
        signed_in(&state, &user, &client, kind, Amr::Password).await?,
    ))
}

/// Finishes a sign-in whose password step answered 403 `mfa_required`: its `mfa_token` with
/// the authenticator app's current code (`code`) or a recovery code (`recovery_code`), each
/// accepted once. The token lives 5 minutes and dies after five wrong codes. Rate limited per
/// address and per account.
#[utoipa::path(
    post,
    path = "/login/mfa",
    tag = "auth",
    request_body = MfaLoginRequest,
    responses(
        (status = 200, description = "Signed in (the tokens' `amr` is `[\"pwd\", \"otp\", \"mfa\"]`): \
                                      the same answer as `/login`", body = AuthResponse),
        (status = 400, description = "`mfa_token` missing or blank, neither or both of `code` \
                                      and `recovery_code`; or a body that is not a JSON object", body = BadRequestBody),
        (status = 401, description = "A wrong, used or replayed code: `mfa_invalid` (the token \
                                      lives on until its fifth); an unknown, expired, used or \
                                      exhausted token: `mfa_token_invalid` (sign in again)", body = AuthError,
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn login_mfa(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<MfaLoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let user = mfa_challenge::finish(&state.auth, &client, &MfaForm::from(&body)).await?;
    let kind = EventKind::Login;
    Ok(Json(
        signed_in(&state, &user, &client, kind, Amr::PasswordAndOtp).await?,
    ))
}

/// simplejwt's `TokenObtainPairView`: the same sign-in, answering only `{access, refresh}`.
#[utoipa::path(
    post,
    path = "/token",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        SignInRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
async fn obtain_pair(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let user = credentials::sign_in(&state.auth, &client, &SignInForm::from(&body)).await?;
    let kind = EventKind::Login;
    let pair = sessions::start(&state.auth, &user, &client, kind, Amr::Password).await?;
    Ok(Json(pair.into()))
}

/// Ends the session of the refresh token, or with `scope` the user's other or all
/// sessions; 205 Reset Content as in seed 001 (also at `/api/auth/logout` and simplejwt's
/// `/api/token/blacklist`).
#[utoipa::path(
    post,
    path = "/logout",
    tag = "auth",
    request_body = LogoutRequest,
    responses(
        (status = 205, description = "Signed out"),
        (status = 400, description = "`refresh` missing or blank, `scope` unknown, or a body that \
                                      is not a JSON object", body = BadRequestBody),
        TokenRefused,
        JsonBody,
        Unavailable,
    )
)]
pub(super) async fn logout(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<LogoutRequest>,
) -> Result<StatusCode, ApiError> {
    let refresh = required(&body.refresh, "refresh")?;
    let scope = match body.scope.as_deref() {
        None | Some("current") => LogoutScope::Current,
        Some("others") => LogoutScope::Others,
        Some("all") => LogoutScope::All,
        Some(other) => {
            return Err(ApiError::field(
                "scope",
                format!("\"{other}\" is not a valid choice: use current, others or all."),
            ));
        }
    };
    sessions::logout(&state.auth, refresh, scope, &client).await?;
    Ok(StatusCode::RESET_CONTENT)
}
