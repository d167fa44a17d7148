//! The sessions Gatehouse has ended, learnt from `GET /api/revocations/stream` (Server-Sent
//! Events, one `{"sid", "until"}` per ended session, `id` = `until`). The follower reconnects
//! when the stream drops, with backoff, sending the last `id` as `Last-Event-ID` so Gatehouse
//! replays what was missed (from a minute before it: a repeat is harmless, a gap would not be).
//! A session is kept until its `until`, after which its access tokens have expired anyway.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::sse;

/// Gatehouse sends a comment every 15 s; three missed mean the connection is dead.
const SILENCE: Duration = Duration::from_secs(45);
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// Ended sessions and when their last access token expires.
#[derive(Default)]
pub(crate) struct RevokedSessions {
    until: Mutex<HashMap<String, i64>>,
    connected: AtomicBool,
}

impl RevokedSessions {
    pub(crate) fn is_revoked(&self, sid: &str) -> bool {
        let until = self
            .until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        until.get(sid).is_some_and(|&until| now() <= until)
    }

    fn insert(&self, sid: String, until: i64) {
        let now = now();
        let mut sessions = self
            .until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget those past their `until` as new ones come, so the set stays as small as the
        // sessions ended within one access-token lifetime.
        sessions.retain(|_, &mut until| until >= now);
        let entry = sessions.entry(sid).or_insert(until);
        *entry = (*entry).max(until);
    }

    pub(crate) fn connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }
}

/// One event's data.
#[derive(Deserialize)]
struct Revoked {
    sid: String,
    until: i64,
}

/// Follows the stream for as long as the verifier lives.
pub(crate) struct Follower {
    client: reqwest::Client,
    url: String,
    token: String,
    revoked: Arc<RevokedSessions>,
    /// The greatest event `id` received (ids are `until`s), sent as `Last-Event-ID` on
    /// reconnecting.
    last_id: Option<i64>,
}

/// Why a connection ended.
#[derive(Debug, thiserror::Error)]
enum StreamError {
    #[error("the request failed")]
    Http(#[from] reqwest::Error),
    #[error("the stream ended")]
    Ended,
    #[error("nothing received for {0:?}")]
    Silent(Duration),
}

impl Follower {
    pub(crate) fn new(
        client: reqwest::Client,
        url: String,
        token: String,
        revoked: Arc<RevokedSessions>,
    ) -> Self {
        Self {
            client,
            url,
            token,
            revoked,
            last_id: None,
        }
    }

    /// Connects, reads, and reconnects with a growing pause (reset once events flow again).
    pub(crate) async fn run(mut self) {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let error = self.follow(&mut backoff).await;
            self.revoked.connected.store(false, Ordering::Relaxed);
            tracing::warn!(url = %self.url, error = %error, retry_in = ?backoff, "revocation stream lost");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// One connection, until it fails.
    async fn follow(&mut self, backoff: &mut Duration) -> StreamError {
        let mut request = self.client.get(&self.url).bearer_auth(&self.token);
        if let Some(id) = &self.last_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let mut response = match request.send().await.and_then(|r| r.error_for_status()) {
            Ok(response) => response,
            Err(error) => return error.into(),
        };
        self.revoked.connected.store(true, Ordering::Relaxed);
        *backoff = FIRST_BACKOFF;
        tracing::debug!(url = %self.url, last_event_id = ?self.last_id, "following the revocation stream");
        let mut parser = sse::Parser::default();
        loop {
            let chunk = match tokio::time::timeout(SILENCE, response.chunk()).await {
                Err(_) => return StreamError::Silent(SILENCE),
                Ok(Err(error)) => return error.into(),
                Ok(Ok(None)) => return StreamError::Ended,
                Ok(Ok(Some(chunk))) => chunk,
            };
            for event in parser.feed(&chunk) {
                match serde_json::from_str::<Revoked>(&event.data) {
                    Ok(revoked) => self.revoked.insert(revoked.sid, revoked.until),
                    Err(error) => tracing::warn!(error = %error, "unreadable revocation event"),
                }
                if let Some(id) = event.id.and_then(|id| id.trim().parse::<i64>().ok()) {
                    self.last_id = Some(self.last_id.map_or(id, |last| last.max(id)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_revoked_until_its_until() {
        let sessions = RevokedSessions::default();
        sessions.insert("a".into(), now() + 60);
        sessions.insert("b".into(), now() - 5);
        assert!(sessions.is_revoked("a"));
        assert!(!sessions.is_revoked("b"));
        assert!(!sessions.is_revoked("c"));
    }
}
