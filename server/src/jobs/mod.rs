//! The background jobs every instance runs, one file each: picking up sessions revoked by
//! other processes on the same database (polled on SQLite, pushed on PostgreSQL), deleting
//! dead sessions (and expired sign-in challenges), forgetting rate-limit budgets that have
//! refilled, delivering the mail outbox, and checkpointing SQLite's write-ahead log. Jobs use
//! `auth` and `store`, never `http`.

pub mod mail_sender;
pub mod mail_transport;
mod revocation_feed;
mod revocation_sync;
mod session_flush;
mod throttle_prune;
mod wal_checkpoint;

use std::sync::Arc;

use crate::auth::Auth;

/// Starts every job on the current runtime; they run until it stops.
pub fn spawn(auth: &Arc<Auth>) {
    // PostgreSQL pushes revocations (LISTEN/NOTIFY); SQLite, one file on one machine, is polled.
    match auth.store.postgres() {
        Some(pool) => revocation_feed::spawn(auth.clone(), pool.clone()),
        None => {
            revocation_sync::spawn(auth.clone());
            wal_checkpoint::spawn(auth.clone());
        }
    }
    revocation_sync::spawn_pruning(auth.clone());
    session_flush::spawn(auth.clone());
    throttle_prune::spawn(auth.clone());
}
