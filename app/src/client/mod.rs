//! The browser HTTP client, the one way the app calls the API: Bearer header on every call,
//! and on a 401 one refresh shared by every request waiting on it, then one retry each.
//!
//! Only browser code calls it (event handlers, effects); it compiles on the server but is
//! never run there.

mod error;
mod http;
mod refresh;
pub mod tokens;
pub mod watch;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{
    AuthResponse, LoginRequest, LogoutRequest, PasswordChangeRequest, RegisterRequest, SessionInfo,
    UpdateUserRequest, User,
};
pub use error::ClientError;
use http::{Verb, decode, expect_empty, send};

/// A call as the signed-in user: Bearer access token; on 401 one shared refresh, one retry.
async fn authorized(
    verb: Verb,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<gloo_net::http::Response, ClientError> {
    let access = tokens::access().ok_or(ClientError::SignedOut)?;
    let response = send(verb, path, body, Some(&access)).await?;
    if response.status() != 401 {
        return Ok(response);
    }
    refresh::refresh_after(&access).await?;
    let access = tokens::access().ok_or(ClientError::SignedOut)?;
    let response = send(verb, path, body, Some(&access)).await?;
    if response.status() == 401 {
        tokens::clear();
        return Err(ClientError::SignedOut);
    }
    Ok(response)
}

async fn authorized_json<T: DeserializeOwned>(
    verb: Verb,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, ClientError> {
    decode(authorized(verb, path, body).await?).await
}

/// Signs in; on success the tokens are stored.
pub async fn login(request: &LoginRequest) -> Result<AuthResponse, ClientError> {
    let answer: AuthResponse =
        decode(send(Verb::Post, "/api/login/", Some(request), None).await?).await?;
    tokens::store(&answer.tokens);
    Ok(answer)
}

/// Creates an account (which signs in); on success the tokens are stored.
pub async fn register(request: &RegisterRequest) -> Result<AuthResponse, ClientError> {
    let answer: AuthResponse =
        decode(send(Verb::Post, "/api/register/", Some(request), None).await?).await?;
    tokens::store(&answer.tokens);
    Ok(answer)
}

/// The signed-in user's account.
pub async fn current_user() -> Result<User, ClientError> {
    authorized_json(Verb::Get, "/api/user/", None::<&()>).await
}

/// Changes the user's names.
pub async fn update_user(request: &UpdateUserRequest) -> Result<User, ClientError> {
    authorized_json(Verb::Patch, "/api/user/", Some(request)).await
}

/// Where the user is signed in.
pub async fn sessions() -> Result<Vec<SessionInfo>, ClientError> {
    authorized_json(Verb::Get, "/api/sessions/", None::<&()>).await
}

/// Ends one of the user's other sessions.
pub async fn end_session(id: &str) -> Result<(), ClientError> {
    expect_empty(authorized(Verb::Delete, &format!("/api/sessions/{id}/"), None::<&()>).await?)
        .await
}

/// Changes the password; the server ends every other session.
pub async fn change_password(request: &PasswordChangeRequest) -> Result<(), ClientError> {
    expect_empty(authorized(Verb::Post, "/api/password/change/", Some(request)).await?).await
}

/// Signs out every *other* session, keeping this one.
pub async fn sign_out_others() -> Result<(), ClientError> {
    let refresh = tokens::refresh().ok_or(ClientError::SignedOut)?;
    let body = LogoutRequest {
        refresh: Some(refresh),
        scope: Some("others".into()),
    };
    expect_empty(send(Verb::Post, "/api/logout/", Some(&body), None).await?).await
}

/// Ends this session on the server, then forgets the tokens whatever the server said.
pub async fn logout() {
    if let Some(refresh) = tokens::refresh() {
        let body = LogoutRequest {
            refresh: Some(refresh),
            scope: None,
        };
        let _ = send(Verb::Post, "/api/logout/", Some(&body), None).await;
    }
    tokens::clear();
}
