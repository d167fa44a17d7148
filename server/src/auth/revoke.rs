//! Every way a session ends goes through here: logout, a user ending one session, a password
//! change, reuse detection and `server revoke-all`. Ending a session stops its refresh token
//! (the row is revoked) and its access tokens (the in-memory revocation set), on this instance
//! at once and on the others by `jobs`' sync; dead sessions are deleted by `flush_expired`.

use super::Auth;
use super::policy::SessionPolicy;
use crate::clock;
use crate::store::Store;
use crate::telemetry::{Audit, Event, EventKind, Outcome};

/// Why a user could not end one of their sessions.
#[derive(Debug, thiserror::Error)]
pub enum EndSessionError {
    /// No such live session of this user (another user's sessions are not found either, so
    /// session ids cannot be probed).
    #[error("no such session")]
    NotFound,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// The audit event of a revocation: a reuse detection is a failed refresh, every other
/// revocation did what it was asked.
fn revocation<'a>(reason: EventKind, ip: &'a str) -> Event<'a> {
    let outcome = match reason {
        EventKind::TokenReused => Outcome::Failure,
        _ => Outcome::Success,
    };
    Event::new(reason, outcome, ip)
}

/// Ends session `id` of `user_id` and records why. Its refresh token stops at once (the row
/// is revoked) and so do its access tokens (the in-memory revocation set).
pub async fn revoke(
    auth: &Auth,
    user_id: i64,
    id: &str,
    reason: EventKind,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let now = clock::now();
    if auth.store.revoke_session(id, reason.as_str(), now).await? {
        let event = revocation(reason, ip).user(user_id).session(id);
        auth.audit.record(event).await;
    }
    remember_revoked(auth, id, now);
    Ok(())
}

/// Ends session `id` if it is a live session of `user_id` (the sessions page).
pub async fn end_session_of(
    auth: &Auth,
    user_id: i64,
    id: &str,
    ip: &str,
) -> Result<(), EndSessionError> {
    match auth.store.session(id).await? {
        Some(session) if session.user_id == user_id && session.revoked_at.is_none() => {
            Ok(revoke(auth, user_id, &session.id, EventKind::SessionRevoked, ip).await?)
        }
        _ => Err(EndSessionError::NotFound),
    }
}

/// Ends every session of `user_id` but `keep` (password change, "sign out everywhere").
pub async fn end_user_sessions(
    auth: &Auth,
    user_id: i64,
    keep: Option<&str>,
    reason: EventKind,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let now = clock::now();
    let ended = auth
        .store
        .revoke_user_sessions(user_id, keep, reason.as_str(), now)
        .await?;
    sessions_ended(auth, user_id, &ended, now, reason, ip).await;
    Ok(())
}

/// What follows sessions of `user_id` ended in the database at `now` (by `reason`): their
/// access tokens are refused at once (the revocation set), and the revocation is audited.
pub async fn sessions_ended(
    auth: &Auth,
    user_id: i64,
    ended: &[String],
    now: i64,
    reason: EventKind,
    ip: &str,
) {
    remember_all_revoked(auth, ended, now);
    let detail = format!("{} sessions", ended.len());
    let event = revocation(reason, ip).user(user_id).detail(&detail);
    auth.audit.record(event).await;
}

/// Emergency (`server revoke-all`): every session ends. Running servers learn of it from the
/// database within a second. Returns how many sessions were live.
pub async fn revoke_all(store: &Store, audit: &Audit) -> Result<u64, sqlx::Error> {
    let revoked = store
        .revoke_every_session(EventKind::RevokeAll.as_str(), clock::now())
        .await?;
    let detail = format!("{revoked} sessions");
    audit
        .record(Event::success(EventKind::RevokeAll, "").detail(&detail))
        .await;
    Ok(revoked)
}

/// Refuses the access tokens of session `id`, revoked at `revoked_at`, until they have all
/// expired. Every way this instance learns of a revocation ends here: its own, the start-up
/// load, the SQLite poll and the PostgreSQL feed.
pub fn remember_revoked(auth: &Auth, id: &str, revoked_at: i64) {
    auth.revocations
        .insert(id, revoked_at + auth.policy.access_window);
}

/// Refuses the access tokens of `ended`, sessions revoked together at `revoked_at` (a user's
/// sessions ended by staff, by disabling or by deleting the account; the caller audits why).
pub fn remember_all_revoked(auth: &Auth, ended: &[String], revoked_at: i64) {
    for id in ended {
        remember_revoked(auth, id, revoked_at);
    }
}

/// Remembers every session revoked since `since` (by any process on this database).
pub async fn remember_revoked_since(auth: &Auth, since: i64) -> Result<(), sqlx::Error> {
    for (id, revoked_at) in auth.store.revoked_since(since).await? {
        remember_revoked(auth, &id, revoked_at);
    }
    Ok(())
}

/// Loads the revocations whose access tokens may still be alive (at start, and after a gap
/// in the PostgreSQL feed).
pub async fn load_revocations(auth: &Auth) -> Result<(), sqlx::Error> {
    remember_revoked_since(auth, clock::now() - auth.policy.access_window).await
}

/// Deletes sessions that can no longer be used. Returns how many.
pub async fn flush_expired(store: &Store, policy: &SessionPolicy) -> Result<u64, sqlx::Error> {
    let now = clock::now();
    store
        .delete_dead_sessions(now, policy.idle_cutoff(now), now - policy.access_window)
        .await
}
