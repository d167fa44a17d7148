//! Deletes dead sessions, expired sign-in challenges and passkey ceremonies every ten minutes,
//! so storage stays bounded without cron.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{Auth, mfa_challenge, passkey_sign_in, revoke};

/// How often dead sessions are deleted.
const FLUSH_EVERY: Duration = Duration::from_secs(600);

pub fn spawn(auth: Arc<Auth>) {
    tokio::spawn(async move {
        let mut flush = tokio::time::interval(FLUSH_EVERY);
        loop {
            flush.tick().await;
            match revoke::flush_expired(&auth.store, &auth.policy).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted dead sessions"),
                Err(error) => tracing::warn!(%error, "could not delete dead sessions"),
            }
            match mfa_challenge::flush_expired(&auth.store).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted expired sign-in challenges"),
                Err(error) => tracing::warn!(%error, "could not delete expired sign-in challenges"),
            }
            match passkey_sign_in::flush_expired(&auth.store).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "deleted expired passkey ceremonies"),
                Err(error) => tracing::warn!(%error, "could not delete expired passkey ceremonies"),
            }
        }
    });
}
