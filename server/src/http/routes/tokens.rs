//! simplejwt's token endpoints: refresh (with rotation) and verify.

use app::api::{RefreshRequest, TokenPair, VerifyRequest};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::required;
use crate::auth::sessions;
use crate::auth::throttle::{Account, Action};
use crate::http::error::ApiError;
use crate::http::error::BadRequestBody;
use crate::http::extract::{AppJson, ClientInfo};
use crate::http::openapi::{JsonBody, Throttled, TokenRefused, Unavailable};
use crate::http::state::AppState;

/// The canonical paths; `/auth/refresh` is declared in `routes::aliases`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(refresh))
        .routes(routes!(verify))
}

/// Rotates a refresh token: the answer's pair replaces it, and it is blacklisted (also at
/// `/api/auth/refresh`). Rate limited per address and per user.
#[utoipa::path(
    post,
    path = "/token/refresh",
    tag = "tokens",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "The next pair", body = TokenPair),
        (status = 400, description = "`refresh` missing or blank, or a body that is not a JSON \
                                      object", body = BadRequestBody),
        TokenRefused,
        JsonBody,
        Throttled,
        Unavailable,
    )
)]
pub(super) async fn refresh(
    State(state): State<AppState>,
    ClientInfo(client): ClientInfo,
    AppJson(body): AppJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let refresh = required(&body.refresh, "refresh")?;
    let auth = &state.auth;
    // The token is checked first (a signature, no I/O) so that a good one spends the address's
    // and the account's budget in one check (one round trip with Redis); a bad one spends the
    // address's, and still answers 429 once that is empty.
    let claims = match sessions::verify_refresh(auth, refresh) {
        Ok(claims) => claims,
        Err(refused) => {
            auth.throttle
                .check_ip(Action::Refresh, client.address)
                .await?;
            return Err(refused.into());
        }
    };
    let account = Account::User(claims.user_id);
    auth.throttle
        .check(Action::Refresh, client.address, Some(&account))
        .await?;
    Ok(Json(sessions::rotate(auth, &claims, &client).await?.into()))
}

/// simplejwt's verify: `{}` if the token is valid and its session unrevoked.
#[utoipa::path(
    post,
    path = "/token/verify",
    tag = "tokens",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Valid: `{}`", body = Verified),
        (status = 400, description = "`token` missing or blank, or a body that is not a JSON \
                                      object", body = BadRequestBody),
        TokenRefused,
        JsonBody,
        Unavailable,
    )
)]
async fn verify(
    State(state): State<AppState>,
    AppJson(body): AppJson<VerifyRequest>,
) -> Result<Json<Verified>, ApiError> {
    let token = required(&body.token, "token")?;
    sessions::verify(&state.auth, token).await?;
    Ok(Json(Verified {}))
}

/// simplejwt's answer to a valid token: `{}`.
#[derive(Serialize, ToSchema)]
struct Verified {}
