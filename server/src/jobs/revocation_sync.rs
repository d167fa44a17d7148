//! On SQLite, other processes' revocations (`server revoke-all`, another process on the same
//! file) are polled every second; on every backend, revocations whose access tokens have all
//! expired are forgotten.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Auth, revoke};
use crate::clock;

/// How often revocations made elsewhere are picked up: the bound on how long another
/// process's revocation takes to reach this one.
const SYNC_EVERY: Duration = Duration::from_secs(1);
/// A revocation is stamped with the time its request started and committed a moment later;
/// each sync re-reads this many seconds before its own start so a late commit is not missed.
const SYNC_OVERLAP_SECS: i64 = 2;

/// Polls until the runtime stops. A failing database only delays it: `since` moves on only
/// after a successful read, so no revocation is skipped, and each read covers only the last
/// few seconds, so a mass revocation is not read again and again.
pub fn spawn(auth: Arc<Auth>) {
    // Start-up loaded everything still relevant just before this.
    let mut since = clock::now() - SYNC_OVERLAP_SECS;
    tokio::spawn(async move {
        let mut sync = tokio::time::interval(SYNC_EVERY);
        loop {
            sync.tick().await;
            let started = clock::now();
            match revoke::remember_revoked_since(&auth, since).await {
                Ok(()) => since = started - SYNC_OVERLAP_SECS,
                Err(error) => tracing::warn!(%error, "could not sync revoked sessions"),
            }
        }
    });
}

/// Forgets, every second, the revoked sessions whose access tokens have all expired.
pub fn spawn_pruning(auth: Arc<Auth>) {
    tokio::spawn(async move {
        let mut prune = tokio::time::interval(SYNC_EVERY);
        loop {
            prune.tick().await;
            auth.revocations.prune(clock::now());
        }
    });
}
