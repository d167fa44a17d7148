//! The session rules, in one place: a sign-in starts a session; a refresh token is accepted
//! once (rotation), with a short grace for tabs refreshing together; a token used again after
//! that is treated as stolen and ends the session (RFC 9700 §4.14.2); every way a session ends
//! goes through `revoke`, which also stops its access tokens. SQL stays in `store`.

use app::api::TokenPair;

use crate::audit::{Event, EventKind, Outcome};
use crate::clock;
use crate::error::{ApiError, AuthFailure};
use crate::extract::ClientInfo;
use crate::state::AppState;
use crate::store::{NewSession, Rotation, SessionRow, UserRow};
use crate::tokens::{Claims, PairIds, Subject, TokenType, new_jti};

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// The session of the refresh token presented (the default).
    Current,
    /// Every other session of the user ("sign out everywhere else").
    Others,
    /// Every session of the user.
    All,
}

/// Starts a session for `user` (signed in or just registered, as `kind` says) and returns its
/// first token pair.
pub async fn start(
    state: &AppState,
    user: &UserRow,
    client: &ClientInfo,
    kind: EventKind,
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
            access_jti: &pair.access_jti,
            now,
            expires_at,
            user_agent: &client.user_agent,
            ip: &client.ip,
        })
        .await?;
    let event = Event {
        kind,
        outcome: Outcome::Success,
        user_id: Some(user.id),
        session_id: Some(&session_id),
        ip: &client.ip,
        detail: "",
    };
    state.audit.record(event).await;
    Ok(pair.into())
}

/// The claims of a refresh token with a valid signature and lifetime; whether it may still be
/// used is `rotate`'s and `logout`'s question.
pub fn verify_refresh(state: &AppState, refresh: &str) -> Result<Claims, ApiError> {
    state
        .tokens
        .verify(refresh, TokenType::Refresh)
        .map_err(|error| unauthorized(error.into()))
}

fn unauthorized(failure: AuthFailure) -> ApiError {
    ApiError::Unauthorized(failure)
}

/// Why a session can no longer be used, if it cannot.
fn ended(state: &AppState, session: &SessionRow, now: i64) -> Option<AuthFailure> {
    if session.revoked_at.is_some() {
        Some(AuthFailure::SessionRevoked)
    } else if session.expires_at <= now || session.last_used_at <= state.policy.idle_cutoff(now) {
        Some(AuthFailure::SessionExpired)
    } else {
        None
    }
}

/// Rotates the refresh token `claims` came from: consumed atomically, replaced by a new pair
/// that expires no later than the session. The token just replaced, within the grace, gets
/// that same new pair again; any other used token is reuse, and the whole session ends.
pub async fn rotate(
    state: &AppState,
    claims: &Claims,
    client: &ClientInfo,
) -> Result<TokenPair, ApiError> {
    let rotated = try_rotate(state, claims, client).await;
    if let Some((outcome, detail)) = refresh_outcome(&rotated) {
        let event = Event {
            kind: EventKind::Refresh,
            outcome,
            user_id: Some(claims.user_id),
            session_id: Some(&claims.sid),
            ip: &client.ip,
            detail,
        };
        state.audit.record(event).await;
    }
    rotated.map(|(pair, _)| pair)
}

/// How a refresh is audited: success (`grace` for a replay), or failure with its 401 code.
/// Reuse is audited by the revocation it causes, and an error that is not the token's (an
/// unreachable database) is not a refresh outcome.
fn refresh_outcome(
    rotated: &Result<(TokenPair, &'static str), ApiError>,
) -> Option<(Outcome, &'static str)> {
    match rotated {
        Ok((_, how)) => Some((Outcome::Success, how)),
        Err(ApiError::Unauthorized(AuthFailure::TokenReused)) => None,
        Err(ApiError::Unauthorized(failure)) => Some((Outcome::Failure, failure.code())),
        Err(_) => None,
    }
}

/// `rotate` without the audit: the new pair and how it was obtained.
async fn try_rotate(
    state: &AppState,
    claims: &Claims,
    client: &ClientInfo,
) -> Result<(TokenPair, &'static str), ApiError> {
    let now = clock::now();
    let ids = PairIds {
        access_jti: new_jti(),
        refresh_jti: new_jti(),
    };
    let rotated = state
        .store
        .rotate_refresh(Rotation {
            session_id: &claims.sid,
            presented_jti: &claims.jti,
            refresh_jti: &ids.refresh_jti,
            access_jti: &ids.access_jti,
            now,
            idle_cutoff: state.policy.idle_cutoff(now),
        })
        .await?;
    let subject = Subject {
        user_id: claims.user_id,
        email: &claims.email,
        session_id: &claims.sid,
    };
    if let Some((_, expires_at)) = rotated {
        let pair = state.tokens.sign_pair(subject, ids, expires_at, now);
        return Ok((pair.into(), ""));
    }

    // Not the live token: find out why.
    let session = state
        .store
        .session(&claims.sid)
        .await?
        .ok_or(unauthorized(AuthFailure::TokenBlacklisted))?;
    if let Some(failure) = ended(state, &session, now) {
        return Err(unauthorized(failure));
    }
    let just_replaced = session.previous_jti.as_deref() == Some(claims.jti.as_str());
    if just_replaced && now - session.rotated_at < state.policy.reuse_grace {
        let ids = PairIds {
            access_jti: session.access_jti,
            refresh_jti: session.refresh_jti,
        };
        let pair = state
            .tokens
            .sign_pair(subject, ids, session.expires_at, session.rotated_at);
        return Ok((pair.into(), "grace"));
    }
    tracing::warn!(session = %claims.sid, user = claims.user_id, ip = %client.ip, "refresh token reused: session revoked");
    revoke(
        state,
        claims.user_id,
        &claims.sid,
        EventKind::TokenReused,
        &client.ip,
    )
    .await?;
    Err(unauthorized(AuthFailure::TokenReused))
}

/// Logout: ends the sessions `scope` names. The refresh token must be its session's live one.
pub async fn logout(
    state: &AppState,
    refresh: &str,
    scope: LogoutScope,
    client: &ClientInfo,
) -> Result<(), ApiError> {
    let claims = verify_refresh(state, refresh)?;
    let session = live_session_of(state, &claims).await?;
    let (keep, reason) = match scope {
        LogoutScope::Current => {
            return revoke(
                state,
                session.user_id,
                &session.id,
                EventKind::Logout,
                &client.ip,
            )
            .await;
        }
        LogoutScope::Others => (Some(session.id.as_str()), EventKind::LogoutOthers),
        LogoutScope::All => (None, EventKind::LogoutAll),
    };
    end_user_sessions(state, session.user_id, keep, reason, &client.ip).await
}

/// Ends every session of `user_id` but `keep` (password change, "sign out everywhere").
pub async fn end_user_sessions(
    state: &AppState,
    user_id: i64,
    keep: Option<&str>,
    reason: EventKind,
    ip: &str,
) -> Result<(), ApiError> {
    let now = clock::now();
    let ended = state
        .store
        .revoke_user_sessions(user_id, keep, reason.as_str(), now)
        .await?;
    for id in &ended {
        remember_revoked(state, id, now);
    }
    let detail = format!("{} sessions", ended.len());
    state
        .audit
        .record(revocation(reason, user_id, None, ip, &detail))
        .await;
    Ok(())
}

/// The audit event of a revocation: a reuse detection is a failed refresh, every other
/// revocation did what it was asked.
fn revocation<'a>(
    reason: EventKind,
    user_id: i64,
    session_id: Option<&'a str>,
    ip: &'a str,
    detail: &'a str,
) -> Event<'a> {
    let outcome = match reason {
        EventKind::TokenReused => Outcome::Failure,
        _ => Outcome::Success,
    };
    Event {
        kind: reason,
        outcome,
        user_id: Some(user_id),
        session_id,
        ip,
        detail,
    }
}

/// Ends session `id` of `user_id` and records why. Its refresh token stops at once (the row
/// is revoked) and so do its access tokens (the in-memory revocation set).
pub async fn revoke(
    state: &AppState,
    user_id: i64,
    id: &str,
    reason: EventKind,
    ip: &str,
) -> Result<(), ApiError> {
    let now = clock::now();
    if state.store.revoke_session(id, reason.as_str(), now).await? {
        state
            .audit
            .record(revocation(reason, user_id, Some(id), ip, ""))
            .await;
    }
    remember_revoked(state, id, now);
    Ok(())
}

/// Refuses the access tokens of session `id`, revoked at `revoked_at`, until they have all
/// expired. Every way this instance learns of a revocation ends here: its own, the start-up
/// load, the SQLite poll and the PostgreSQL feed.
pub fn remember_revoked(state: &AppState, id: &str, revoked_at: i64) {
    state
        .revocations
        .insert(id, revoked_at + state.policy.access_window);
}

/// An access token is refused once its session has been revoked, checked in memory (no
/// database trip per request).
fn refuse_if_revoked(state: &AppState, claims: &Claims) -> Result<(), ApiError> {
    match state.revocations.contains(&claims.sid) {
        true => Err(unauthorized(AuthFailure::SessionRevoked)),
        false => Ok(()),
    }
}

/// The claims of `token` if it is a valid access token of an unrevoked session.
pub fn accept_access(state: &AppState, token: &str) -> Result<Claims, ApiError> {
    let claims = state
        .tokens
        .verify(token, TokenType::Access)
        .map_err(|error| unauthorized(error.into()))?;
    refuse_if_revoked(state, &claims)?;
    Ok(claims)
}

/// simplejwt's verify: a valid signature and lifetime and an unrevoked session, checked as
/// the API checks it: an access token in memory, a refresh token against its session.
pub async fn verify(state: &AppState, token: &str) -> Result<(), ApiError> {
    let claims = state
        .tokens
        .verify_any(token)
        .map_err(|error| unauthorized(error.into()))?;
    match claims.token_type {
        TokenType::Access => refuse_if_revoked(state, &claims),
        TokenType::Refresh => live_session_of(state, &claims).await.map(drop),
    }
}

/// The session whose live refresh token `claims` belong to, or why there is none.
async fn live_session_of(state: &AppState, claims: &Claims) -> Result<SessionRow, ApiError> {
    let session = state
        .store
        .session(&claims.sid)
        .await?
        .ok_or(unauthorized(AuthFailure::TokenBlacklisted))?;
    if let Some(failure) = ended(state, &session, clock::now()) {
        return Err(unauthorized(failure));
    }
    if session.refresh_jti != claims.jti {
        return Err(unauthorized(AuthFailure::TokenBlacklisted));
    }
    Ok(session)
}
