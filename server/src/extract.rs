//! Request extractors that answer in the API's own error shape: JSON bodies, the signed-in
//! user (Bearer access token), and the client's user agent and address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, AuthFailure};
use crate::state::AppState;
use crate::tokens::Claims;

/// `Json<T>` whose rejections are DRF-shaped 400/413/415 answers instead of axum's plain text.
pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest(format!("JSON parse error - {}", rejection.body_text())),
    }
}

/// The claims of a valid access token from `Authorization: Bearer <token>` (RFC 6750 §2.1).
pub struct AuthUser(pub Claims);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(ApiError::Unauthorized(AuthFailure::NotAuthenticated))?;
        crate::sessions::accept_access(state, token).map(Self)
    }
}

/// Who is asking: the user agent (shown on the sessions list) and the client's address
/// (behind `TRUSTED_PROXIES`, from `X-Forwarded-For`), which keys the rate limits and the
/// audit trail.
pub struct ClientInfo {
    pub user_agent: String,
    pub address: IpAddr,
    /// `address` as text, as stored.
    pub ip: String,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(256)
            .collect();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(address)| {
                address.ip()
            });
        let address = state.trusted_proxies.client_address(peer, &parts.headers);
        Ok(Self {
            user_agent,
            address,
            ip: address.to_string(),
        })
    }
}
