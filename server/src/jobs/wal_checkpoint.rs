//! SQLite's write-ahead log is copied into the database file here, every second, from a reader
//! connection: the one writer checkpoints only past a far threshold (see `store::connect`), so
//! commits seldom wait for a checkpoint's copying and syncing, and then find little to copy.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::Auth;

/// Often enough that the log stays small (a second of writes), rarely enough to cost nothing.
const EVERY: Duration = Duration::from_secs(1);

/// Starts the checkpointer (SQLite only).
pub fn spawn(auth: Arc<Auth>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        loop {
            tick.tick().await;
            if let Err(error) = auth.store.checkpoint().await {
                tracing::warn!(%error, "WAL checkpoint failed; retrying");
            }
        }
    });
}
