//! Forgets rate-limit budgets that have refilled, so the limiters' key space stays bounded.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::Auth;

/// How often refilled rate-limit budgets are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

pub fn spawn(auth: Arc<Auth>) {
    tokio::spawn(async move {
        let mut prune = tokio::time::interval(PRUNE_EVERY);
        loop {
            prune.tick().await;
            auth.throttle.prune();
        }
    });
}
