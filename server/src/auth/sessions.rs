//! The session rules, in one place: a sign-in starts a session (recording how it was proven,
//! `amr`, which every token of the session carries); a refresh token is accepted
//! once (rotation), with a short grace for tabs refreshing together; a token used again after
//! that is treated as stolen and ends the session (RFC 9700 §4.14.2); an access token is
//! refused once its session is revoked. How sessions end is `revoke`'s. SQL stays in `store`.

use super::amr::Amr;
use super::revoke::{end_user_sessions, revoke};
use super::tokens::{Claims, IssuedPair, PairIds, Subject, TokenType, new_jti};
use super::{Auth, AuthFailure, Client};
use crate::clock;
use crate::store::{NewSession, Rotation, SessionRow, UserRow};
use crate::telemetry::{Event, EventKind, Outcome};

/// Why a session operation was refused: a token or session the rules reject, or a database
/// that failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("refused: {0:?}")]
    Refused(AuthFailure),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

impl From<AuthFailure> for SessionError {
    fn from(failure: AuthFailure) -> Self {
        Self::Refused(failure)
    }
}

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

/// Starts a session for `user` (signed in or just registered, as `kind` says; proven as `amr`
/// says) and returns its first token pair.
pub async fn start(
    auth: &Auth,
    user: &UserRow,
    client: &Client,
    kind: EventKind,
    amr: Amr,
) -> Result<IssuedPair, sqlx::Error> {
    let now = clock::now();
    let session_id = uuid::Uuid::new_v4().to_string();
    let expires_at = now + auth.tokens.refresh_lifetime_secs();
    let subject = Subject {
        user_id: user.id,
        email: &user.email,
        email_verified: user.email_verified_at.is_some(),
        session_id: &session_id,
        amr,
    };
    let pair = auth.tokens.issue_pair(subject, expires_at, now);
    auth.store
        .create_session(NewSession {
            id: &session_id,
            user_id: user.id,
            refresh_jti: &pair.refresh_jti,
            access_jti: &pair.access_jti,
            now,
            expires_at,
            user_agent: &client.user_agent,
            ip: &client.ip,
            amr: amr.as_stored(),
        })
        .await?;
    let event = Event::success(kind, &client.ip)
        .user(user.id)
        .session(session_id.as_str());
    auth.audit.record(event).await;
    Ok(pair)
}

/// The claims of a refresh token with a valid signature and lifetime; whether it may still be
/// used is `rotate`'s and `logout`'s question.
pub fn verify_refresh(auth: &Auth, refresh: &str) -> Result<Claims, AuthFailure> {
    Ok(auth.tokens.verify(refresh, TokenType::Refresh)?)
}

/// Why a session can no longer be used, if it cannot.
fn ended(auth: &Auth, session: &SessionRow, now: i64) -> Option<AuthFailure> {
    if session.revoked_at.is_some() {
        Some(AuthFailure::SessionRevoked)
    } else if session.expires_at <= now || session.last_used_at <= auth.policy.idle_cutoff(now) {
        Some(AuthFailure::SessionExpired)
    } else {
        None
    }
}

/// Rotates the refresh token `claims` came from: consumed atomically, replaced by a new pair
/// that expires no later than the session. The token just replaced, within the grace, gets
/// that same new pair again; any other used token is reuse, and the whole session ends.
pub async fn rotate(
    auth: &Auth,
    claims: &Claims,
    client: &Client,
) -> Result<IssuedPair, SessionError> {
    let rotated = try_rotate(auth, claims, client).await;
    if let Some((outcome, detail)) = refresh_outcome(&rotated) {
        let event = Event::new(EventKind::Refresh, outcome, &client.ip)
            .user(claims.user_id)
            .session(claims.sid.as_str())
            .detail(detail);
        match (outcome, detail) {
            // The rotation's statement stored this row already (trigger, migration 0005).
            (Outcome::Success, ROTATED) => auth.audit.note(&event),
            _ => auth.audit.record(event).await,
        }
    }
    rotated.map(|(pair, _)| pair)
}

/// How a refresh is audited: success (`grace` for a replay), or failure with its 401 code.
/// Reuse is audited by the revocation it causes, and an error that is not the token's (an
/// unreachable database) is not a refresh outcome.
fn refresh_outcome(
    rotated: &Result<(IssuedPair, &'static str), SessionError>,
) -> Option<(Outcome, &'static str)> {
    match rotated {
        Ok((_, how)) => Some((Outcome::Success, how)),
        Err(SessionError::Refused(AuthFailure::TokenReused)) => None,
        Err(SessionError::Refused(failure)) => Some((Outcome::Failure, failure.code())),
        Err(SessionError::Store(_)) => None,
    }
}

/// How a refresh that rotated is described in the trail (a grace replay says `grace`).
const ROTATED: &str = "";

/// `rotate` without the audit: the new pair and how it was obtained.
async fn try_rotate(
    auth: &Auth,
    claims: &Claims,
    client: &Client,
) -> Result<(IssuedPair, &'static str), SessionError> {
    let now = clock::now();
    let ids = PairIds {
        access_jti: new_jti(),
        refresh_jti: new_jti(),
    };
    let rotated = auth
        .store
        .rotate_refresh(Rotation {
            session_id: &claims.sid,
            presented_jti: &claims.jti,
            refresh_jti: &ids.refresh_jti,
            access_jti: &ids.access_jti,
            now,
            idle_cutoff: auth.policy.idle_cutoff(now),
            ip: &client.ip,
        })
        .await?;
    if let Some(rotated) = rotated {
        let subject = Subject {
            user_id: claims.user_id,
            email: &rotated.email,
            email_verified: rotated.email_verified_at.is_some(),
            session_id: &claims.sid,
            amr: Amr::from_stored(&rotated.amr),
        };
        return Ok((
            auth.tokens.sign_pair(subject, ids, rotated.expires_at, now),
            ROTATED,
        ));
    }

    // Not the live token: find out why.
    let session = auth
        .store
        .session(&claims.sid)
        .await?
        .ok_or(AuthFailure::TokenBlacklisted)?;
    if let Some(failure) = ended(auth, &session, now) {
        return Err(failure.into());
    }
    let just_replaced = session.previous_jti.as_deref() == Some(claims.jti.as_str());
    if just_replaced && now - session.rotated_at < auth.policy.reuse_grace {
        // The pair of that rotation, signed again from the user as it is (the same claims
        // unless the address changed within the grace).
        let user = auth
            .store
            .user_by_id(claims.user_id)
            .await?
            .ok_or(AuthFailure::UserNotFound)?;
        let subject = Subject {
            user_id: claims.user_id,
            email: &user.email,
            email_verified: user.email_verified_at.is_some(),
            session_id: &claims.sid,
            amr: Amr::from_stored(&session.amr),
        };
        let ids = PairIds {
            access_jti: session.access_jti,
            refresh_jti: session.refresh_jti,
        };
        let pair = auth
            .tokens
            .sign_pair(subject, ids, session.expires_at, session.rotated_at);
        return Ok((pair, "grace"));
    }
    tracing::warn!(session = %claims.sid, user = claims.user_id, ip = %client.ip, "refresh token reused: session revoked");
    revoke(
        auth,
        claims.user_id,
        &claims.sid,
        EventKind::TokenReused,
        &client.ip,
    )
    .await?;
    Err(AuthFailure::TokenReused.into())
}

/// Logout: ends the sessions `scope` names. The refresh token must be its session's live one.
pub async fn logout(
    auth: &Auth,
    refresh: &str,
    scope: LogoutScope,
    client: &Client,
) -> Result<(), SessionError> {
    let claims = verify_refresh(auth, refresh)?;
    let session = live_session_of(auth, &claims).await?;
    let (keep, reason) = match scope {
        LogoutScope::Current => {
            let user_id = session.user_id;
            return Ok(revoke(auth, user_id, &session.id, EventKind::Logout, &client.ip).await?);
        }
        LogoutScope::Others => (Some(session.id.as_str()), EventKind::LogoutOthers),
        LogoutScope::All => (None, EventKind::LogoutAll),
    };
    Ok(end_user_sessions(auth, session.user_id, keep, reason, &client.ip).await?)
}

/// An access token is refused once its session has been revoked, checked in memory (no
/// database trip per request).
fn refuse_if_revoked(auth: &Auth, claims: &Claims) -> Result<(), AuthFailure> {
    match auth.revocations.contains(&claims.sid) {
        true => Err(AuthFailure::SessionRevoked),
        false => Ok(()),
    }
}

/// The claims of `token` if it is a valid access token of an unrevoked session.
pub fn accept_access(auth: &Auth, token: &str) -> Result<Claims, AuthFailure> {
    let claims = auth.tokens.verify(token, TokenType::Access)?;
    refuse_if_revoked(auth, &claims)?;
    Ok(claims)
}

/// simplejwt's verify: a valid signature and lifetime and an unrevoked session, checked as
/// the API checks it: an access token in memory, a refresh token against its session.
pub async fn verify(auth: &Auth, token: &str) -> Result<(), SessionError> {
    let claims = auth.tokens.verify_any(token).map_err(AuthFailure::from)?;
    match claims.token_type {
        TokenType::Access => Ok(refuse_if_revoked(auth, &claims)?),
        TokenType::Refresh => live_session_of(auth, &claims).await.map(drop),
    }
}

/// The session whose live refresh token `claims` belong to, or why there is none.
async fn live_session_of(auth: &Auth, claims: &Claims) -> Result<SessionRow, SessionError> {
    let session = auth
        .store
        .session(&claims.sid)
        .await?
        .ok_or(AuthFailure::TokenBlacklisted)?;
    if let Some(failure) = ended(auth, &session, clock::now()) {
        return Err(failure.into());
    }
    if session.refresh_jti != claims.jti {
        return Err(AuthFailure::TokenBlacklisted.into());
    }
    Ok(session)
}

/// The user's live sessions, most recently used first.
pub async fn live(auth: &Auth, user_id: i64) -> Result<Vec<SessionRow>, sqlx::Error> {
    let now = clock::now();
    auth.store
        .live_sessions(user_id, now, auth.policy.idle_cutoff(now))
        .await
}

#[cfg(test)]
#[path = "sessions_tests.rs"]
mod tests;
