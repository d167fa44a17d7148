//! The session rules in one place: a sign-in starts a session, a refresh token is accepted
//! once (rotation), logout ends the session. Handlers call these; SQL stays in `store`.

use app::api::TokenPair;

use crate::clock;
use crate::error::{ApiError, AuthFailure};
use crate::extract::{ClientInfo, token_failure};
use crate::state::AppState;
use crate::store::{NewSession, UserRow};
use crate::tokens::{Claims, Subject, TokenType};

/// Starts a session for `user` and returns its first token pair.
pub async fn start(
    state: &AppState,
    user: &UserRow,
    client: &ClientInfo,
) -> Result<TokenPair, ApiError> {
    let now = clock::now();
    let session_id = uuid::Uuid::new_v4().to_string();
    let expires_at = now + state.tokens.refresh_lifetime_secs();
    let subject = Subject {
        user_id: user.id,
        email: &user.email,
        session_id: &session_id,
    };
    let pair = state.tokens.issue_pair(subject, expires_at, now);
    state
        .store
        .create_session(NewSession {
            id: &session_id,
            user_id: user.id,
            refresh_jti: &pair.refresh_jti,
            now,
            expires_at,
            user_agent: &client.user_agent,
            ip: &client.ip,
        })
        .await?;
    Ok(TokenPair {
        access: pair.access,
        refresh: pair.refresh,
    })
}

fn verify_refresh(state: &AppState, refresh: &str) -> Result<Claims, ApiError> {
    state
        .tokens
        .verify(refresh, TokenType::Refresh)
        .map_err(|error| ApiError::Unauthorized(token_failure(error)))
}

/// Rotates `refresh`: the token is consumed atomically and a new pair issued, expiring no
/// later than the session (RFC 9700 §4.14.2). A token already used answers "blacklisted".
pub async fn rotate(state: &AppState, refresh: &str) -> Result<TokenPair, ApiError> {
    let claims = verify_refresh(state, refresh)?;
    let now = clock::now();
    let new_jti = crate::tokens::new_jti();
    let (user_id, expires_at) = state
        .store
        .rotate_refresh(&claims.sid, &claims.jti, &new_jti, now)
        .await?
        .ok_or(ApiError::Unauthorized(AuthFailure::TokenBlacklisted))?;
    let subject = Subject {
        user_id,
        email: &claims.email,
        session_id: &claims.sid,
    };
    let pair = state
        .tokens
        .issue_pair_with_jti(subject, new_jti, expires_at, now);
    Ok(TokenPair {
        access: pair.access,
        refresh: pair.refresh,
    })
}

/// Ends the session of `refresh` (logout); the token must still be its session's live one.
pub async fn end(state: &AppState, refresh: &str) -> Result<(), ApiError> {
    let claims = verify_refresh(state, refresh)?;
    if state
        .store
        .revoke_by_refresh(&claims.sid, &claims.jti, "logout", clock::now())
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::Unauthorized(AuthFailure::TokenBlacklisted))
    }
}

/// simplejwt's verify: a valid signature and lifetime, and for a refresh token, not used yet.
pub async fn verify(state: &AppState, token: &str) -> Result<(), ApiError> {
    let claims = state
        .tokens
        .verify_any(token)
        .map_err(|error| ApiError::Unauthorized(token_failure(error)))?;
    if claims.token_type == TokenType::Refresh
        && !state
            .store
            .refresh_is_current(&claims.sid, &claims.jti, clock::now())
            .await?
    {
        return Err(ApiError::Unauthorized(AuthFailure::TokenBlacklisted));
    }
    Ok(())
}
