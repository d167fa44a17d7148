//! The browser HTTP client, the one way the app calls the API: Bearer header on every call,
//! and on a 401 one refresh shared by every request waiting on it, then one retry each.
//!
//! Only browser code calls it (event handlers, effects); it compiles on the server but is
//! never run there.

pub mod account_data;
pub mod admin;
mod error;
mod http;
mod refresh;
mod second_factors;
pub mod tokens;
pub mod watch;
mod webauthn;

use crate::api::{
    AuthResponse, EmailChangeRequest, EmailRequest, EmailTokenRequest, LoginRequest, LogoutRequest,
    PasswordChangeRequest, PasswordResetConfirmRequest, PendingVerification, RegisterRequest,
    SessionInfo, TokenPair, UpdateUserRequest, User,
};
pub use error::ClientError;
use http::{Verb, decode, expect_empty, json, send};
pub use second_factors::*;

/// A call as the signed-in user: Bearer access token; on 401 one shared refresh, one retry.
async fn authorized(
    verb: Verb,
    path: &str,
    body: Option<&str>,
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

/// A POST without a session whose answer is only a `detail` (or an error).
async fn post(path: &str, body: &str) -> Result<(), ClientError> {
    expect_empty(send(Verb::Post, path, Some(body), None).await?).await
}

/// Signs in; on success the tokens are stored.
pub async fn login(request: &LoginRequest) -> Result<AuthResponse, ClientError> {
    let body = json(request)?;
    signed_in(send(Verb::Post, "/api/login/", Some(&body), None).await?).await
}

/// A sign-in answer (`{user, tokens}`): stores its tokens.
async fn signed_in(response: gloo_net::http::Response) -> Result<AuthResponse, ClientError> {
    let answer: AuthResponse = decode(response).await?;
    tokens::store(&answer.tokens);
    Ok(answer)
}

/// What registration gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registered {
    /// Signed in: the tokens are stored.
    SignedIn(User),
    /// `EMAIL_VERIFICATION=mandatory`: the account signs in once its address is verified.
    PendingVerification(PendingVerification),
}

/// Creates an account, which signs in unless the server wants the address verified first.
pub async fn register(request: &RegisterRequest) -> Result<Registered, ClientError> {
    /// Either answer, `{user, tokens}` or `{user, detail}`, read as one struct rather than an
    /// untagged enum, whose buffering machinery would grow the wasm (see `ErrorBody`).
    #[derive(serde::Deserialize)]
    struct Answer {
        user: User,
        tokens: Option<TokenPair>,
        detail: Option<String>,
    }
    let body = json(request)?;
    let answer: Answer =
        decode(send(Verb::Post, "/api/register/", Some(&body), None).await?).await?;
    Ok(match answer.tokens {
        Some(pair) => {
            tokens::store(&pair);
            Registered::SignedIn(answer.user)
        }
        None => Registered::PendingVerification(PendingVerification {
            user: answer.user,
            detail: answer.detail.unwrap_or_default(),
        }),
    })
}

/// The signed-in user's account.
pub async fn current_user() -> Result<User, ClientError> {
    decode(authorized(Verb::Get, "/api/user/", None).await?).await
}

/// Changes the user's names.
pub async fn update_user(request: &UpdateUserRequest) -> Result<User, ClientError> {
    let body = json(request)?;
    decode(authorized(Verb::Patch, "/api/user/", Some(&body)).await?).await
}

/// Where the user is signed in.
pub async fn sessions() -> Result<Vec<SessionInfo>, ClientError> {
    decode(authorized(Verb::Get, "/api/sessions/", None).await?).await
}

/// Ends one of the user's other sessions.
pub async fn end_session(id: &str) -> Result<(), ClientError> {
    expect_empty(authorized(Verb::Delete, &format!("/api/sessions/{id}/"), None).await?).await
}

/// Changes the password; the server ends every other session.
pub async fn change_password(request: &PasswordChangeRequest) -> Result<(), ClientError> {
    let body = json(request)?;
    expect_empty(authorized(Verb::Post, "/api/password/change/", Some(&body)).await?).await
}

/// Mails a password reset link, if an account has the address (the answer never says).
pub async fn request_password_reset(request: &EmailRequest) -> Result<(), ClientError> {
    post("/api/password/reset/", &json(request)?).await
}

/// Sets a new password with a reset link's token; every session of the user ends, this tab's
/// included, and nobody is signed in.
pub async fn confirm_password_reset(
    request: &PasswordResetConfirmRequest,
) -> Result<(), ClientError> {
    post("/api/password/reset/confirm/", &json(request)?).await
}

/// Marks the address of a verification link's token as verified.
pub async fn verify_email(request: &EmailTokenRequest) -> Result<(), ClientError> {
    post("/api/email/verify/", &json(request)?).await
}

/// Mails a new verification link, if an unverified account has the address.
pub async fn resend_verification(request: &EmailRequest) -> Result<(), ClientError> {
    post("/api/email/verify/resend/", &json(request)?).await
}

/// Asks to move the account to a new address: a confirmation link is mailed there.
pub async fn change_email(request: &EmailChangeRequest) -> Result<(), ClientError> {
    let body = json(request)?;
    expect_empty(authorized(Verb::Post, "/api/email/change/", Some(&body)).await?).await
}

/// Moves the account to the address of a change link's token; the user's other sessions end.
pub async fn confirm_email_change(request: &EmailTokenRequest) -> Result<(), ClientError> {
    post("/api/email/change/confirm/", &json(request)?).await
}

/// Signs out every *other* session, keeping this one.
pub async fn sign_out_others() -> Result<(), ClientError> {
    let refresh = tokens::refresh().ok_or(ClientError::SignedOut)?;
    let body = LogoutRequest {
        refresh: Some(refresh),
        scope: Some("others".into()),
    };
    post("/api/logout/", &json(&body)?).await
}

/// Ends this session on the server, then forgets the tokens whatever the server said.
pub async fn logout() {
    if let Some(refresh) = tokens::refresh() {
        let body = LogoutRequest {
            refresh: Some(refresh),
            scope: None,
        };
        if let Ok(body) = json(&body) {
            let _ = send(Verb::Post, "/api/logout/", Some(&body), None).await;
        }
    }
    tokens::clear();
}
