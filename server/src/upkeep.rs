//! Background upkeep every instance runs: picking up sessions revoked by another process on
//! the same database (`server revoke-all`, another instance: polled on SQLite, pushed by
//! `revocation_feed` on PostgreSQL), forgetting revocations whose
//! access tokens have all expired, and deleting dead sessions so storage stays bounded
//! without cron, and forgetting rate-limit budgets that have refilled.

use std::time::Duration;

use crate::state::{AppState, SessionPolicy};
use crate::store::Store;
use crate::{clock, revocation_feed, sessions};

/// How often revocations made elsewhere are picked up: the bound on how long another
/// process's revocation takes to reach this one.
const SYNC_EVERY: Duration = Duration::from_secs(1);
/// How often dead sessions are deleted.
const FLUSH_EVERY: Duration = Duration::from_secs(600);
/// How often refilled rate-limit budgets are forgotten.
const PRUNE_LIMITS_EVERY: Duration = Duration::from_secs(60);
/// A revocation is stamped with the time its request started and committed a moment later;
/// each sync re-reads this many seconds before its own start so a late commit is not missed.
const SYNC_OVERLAP_SECS: i64 = 2;

/// Deletes sessions that can no longer be used. Returns how many.
pub async fn flush_expired(store: &Store, policy: &SessionPolicy) -> sqlx::Result<u64> {
    let now = clock::now();
    store
        .delete_dead_sessions(now, policy.idle_cutoff(now), now - policy.access_window)
        .await
}

/// Loads the revocations whose access tokens may still be alive. Returns where the next sync
/// starts reading.
pub async fn load_revocations(state: &AppState) -> sqlx::Result<i64> {
    let now = clock::now();
    sync_since(state, now - state.policy.access_window).await?;
    Ok(now - SYNC_OVERLAP_SECS)
}

async fn sync_since(state: &AppState, since: i64) -> sqlx::Result<()> {
    for (id, revoked_at) in state.store.revoked_since(since).await? {
        sessions::remember_revoked(state, &id, revoked_at);
    }
    Ok(())
}

/// Runs the upkeep until the runtime stops. A failing database only delays it: `since` moves
/// on only after a successful read, so no revocation is skipped, and each read covers only the
/// last few seconds, so a mass revocation is not read again and again.
pub fn spawn(state: AppState, mut since: i64) {
    // PostgreSQL pushes revocations (LISTEN/NOTIFY); SQLite, one file on one machine, is polled.
    let poll = match state.store.postgres() {
        Some(pool) => {
            revocation_feed::spawn(state.clone(), pool.clone());
            false
        }
        None => true,
    };
    tokio::spawn(async move {
        let mut sync = tokio::time::interval(SYNC_EVERY);
        let mut flush = tokio::time::interval(FLUSH_EVERY);
        let mut prune_limits = tokio::time::interval(PRUNE_LIMITS_EVERY);
        loop {
            tokio::select! {
                _ = prune_limits.tick() => state.throttle.prune(),
                _ = sync.tick() => {
                    let started = clock::now();
                    if poll {
                        match sync_since(&state, since).await {
                            Ok(()) => since = started - SYNC_OVERLAP_SECS,
                            Err(error) => tracing::warn!(%error, "could not sync revoked sessions"),
                        }
                    }
                    state.revocations.prune(started);
                }
                _ = flush.tick() => match flush_expired(&state.store, &state.policy).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::info!(deleted, "deleted dead sessions"),
                    Err(error) => tracing::warn!(%error, "could not delete dead sessions"),
                },
            }
        }
    });
}
