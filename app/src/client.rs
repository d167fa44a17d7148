//! The browser HTTP client: tokens in localStorage (`access_token`, `refresh_token`, as the
//! seeds' axios clients keep them), a Bearer header on every call, and on a 401 one refresh
//! (shared by every request that failed together) followed by one retry.
//!
//! Only browser code calls it (event handlers, effects); it compiles on the server but is
//! never run there.

use std::sync::LazyLock;

use futures::lock::Mutex;
use gloo_net::http::{Request, Response};
use gloo_storage::{LocalStorage, Storage};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{
    AuthResponse, ErrorBody, LoginRequest, RefreshRequest, RegisterRequest, TokenPair, User,
};

const ACCESS_KEY: &str = "access_token";
const REFRESH_KEY: &str = "refresh_token";

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The session is over (no tokens, or the refresh was refused): tokens are cleared and the
    /// user must sign in again.
    SignedOut,
    /// The server answered with an error body (validation errors, wrong credentials, ...).
    Api(ErrorBody),
    /// The server could not be reached; tokens are kept.
    Network,
}

impl ClientError {
    /// The error as a body a form can show.
    pub fn into_body(self) -> ErrorBody {
        match self {
            Self::Api(body) => body,
            Self::SignedOut => ErrorBody {
                detail: Some("Your session has ended. Please sign in again.".into()),
                ..ErrorBody::default()
            },
            Self::Network => ErrorBody {
                detail: Some(
                    "Could not reach the server. Check your connection and try again.".into(),
                ),
                ..ErrorBody::default()
            },
        }
    }
}

/// The tokens in localStorage, stored raw (not JSON-quoted) so other clients can read them.
pub mod tokens {
    use super::*;

    fn read(key: &str) -> Option<String> {
        LocalStorage::raw()
            .get_item(key)
            .ok()
            .flatten()
            .filter(|value| !value.is_empty())
    }

    pub fn access() -> Option<String> {
        read(ACCESS_KEY)
    }

    pub fn refresh() -> Option<String> {
        read(REFRESH_KEY)
    }

    /// Whether this browser holds a session (it may still turn out to be expired).
    pub fn present() -> bool {
        refresh().is_some()
    }

    pub fn store(pair: &TokenPair) {
        let storage = LocalStorage::raw();
        let _ = storage.set_item(ACCESS_KEY, &pair.access);
        let _ = storage.set_item(REFRESH_KEY, &pair.refresh);
    }

    pub fn clear() {
        let storage = LocalStorage::raw();
        let _ = storage.remove_item(ACCESS_KEY);
        let _ = storage.remove_item(REFRESH_KEY);
    }
}

#[derive(Clone, Copy)]
enum Verb {
    Get,
    Post,
}

async fn send(
    verb: Verb,
    path: &str,
    body: Option<&impl Serialize>,
    bearer: Option<&str>,
) -> Result<Response, ClientError> {
    let mut builder = match verb {
        Verb::Get => Request::get(path),
        Verb::Post => Request::post(path),
    };
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(|_| ClientError::Network)?;
    request.send().await.map_err(|_| ClientError::Network)
}

async fn error_of(response: Response) -> ClientError {
    let status = response.status();
    let body = response
        .json::<ErrorBody>()
        .await
        .unwrap_or_else(|_| ErrorBody {
            detail: Some(format!(
                "The server answered with an unexpected error ({status})."
            )),
            ..ErrorBody::default()
        });
    ClientError::Api(body)
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        response.json::<T>().await.map_err(|_| ClientError::Network)
    } else {
        Err(error_of(response).await)
    }
}

/// One refresh at a time: every request that got a 401 waits here, and only the first one
/// actually rotates (with rotation, a second refresh with the same token would fail).
static REFRESHING: LazyLock<Mutex<()>> = LazyLock::new(|| Mutex::new(()));

/// Makes sure the access token is newer than `stale`, refreshing at most once.
async fn refresh_after(stale: &str) -> Result<(), ClientError> {
    let _turn = REFRESHING.lock().await;
    if tokens::access().is_some_and(|current| current != stale) {
        return Ok(()); // a concurrent request already refreshed
    }
    let refresh = tokens::refresh().ok_or(ClientError::SignedOut)?;
    let response = send(
        Verb::Post,
        "/api/token/refresh/",
        Some(&RefreshRequest {
            refresh: Some(refresh),
        }),
        None,
    )
    .await?;
    match response.status() {
        200 => {
            let pair: TokenPair = response.json().await.map_err(|_| ClientError::Network)?;
            tokens::store(&pair);
            Ok(())
        }
        // Only the server refusing the refresh token ends the session; a network error or a
        // server failure keeps the tokens for a later try.
        400 | 401 => {
            tokens::clear();
            Err(ClientError::SignedOut)
        }
        _ => Err(error_of(response).await),
    }
}

/// A call as the signed-in user: Bearer access token, one refresh and one retry on 401.
async fn authorized<T: DeserializeOwned>(
    verb: Verb,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, ClientError> {
    let access = tokens::access().ok_or(ClientError::SignedOut)?;
    let response = send(verb, path, body, Some(&access)).await?;
    if response.status() != 401 {
        return decode(response).await;
    }
    refresh_after(&access).await?;
    let access = tokens::access().ok_or(ClientError::SignedOut)?;
    let response = send(verb, path, body, Some(&access)).await?;
    if response.status() == 401 {
        tokens::clear();
        return Err(ClientError::SignedOut);
    }
    decode(response).await
}

/// Signs in; on success the tokens are stored.
pub async fn login(request: &LoginRequest) -> Result<AuthResponse, ClientError> {
    let response = send(Verb::Post, "/api/login/", Some(request), None).await?;
    let answer: AuthResponse = decode(response).await?;
    tokens::store(&answer.tokens);
    Ok(answer)
}

/// Creates an account (which signs in); on success the tokens are stored.
pub async fn register(request: &RegisterRequest) -> Result<AuthResponse, ClientError> {
    let response = send(Verb::Post, "/api/register/", Some(request), None).await?;
    let answer: AuthResponse = decode(response).await?;
    tokens::store(&answer.tokens);
    Ok(answer)
}

/// The signed-in user's account.
pub async fn current_user() -> Result<User, ClientError> {
    authorized(Verb::Get, "/api/user/", None::<&()>).await
}

/// Ends the session on the server, then forgets the tokens whatever the server said.
pub async fn logout() {
    if let Some(refresh) = tokens::refresh() {
        let _ = send(
            Verb::Post,
            "/api/logout/",
            Some(&RefreshRequest {
                refresh: Some(refresh),
            }),
            None,
        )
        .await;
    }
    tokens::clear();
}
