//! Revoked sessions held in memory, so verifying an access token never waits on the database:
//! a session's id stays here until every access token issued for it has expired.
//! Filled at start from the database and kept current by `sync` (other processes' revocations).
//! Each newly learnt revocation is also broadcast, for the revocation stream other services
//! follow; every instance learns every revocation, so any instance can serve any follower.

use std::collections::HashMap;
use std::sync::RwLock;

use tokio::sync::broadcast;

/// How many revocations a slow follower may fall behind before it must catch up from the set.
const BROADCAST_CAPACITY: usize = 1024;

/// One ended session: its access tokens are refused until `until` (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    pub sid: String,
    pub until: i64,
}

/// Session ids whose access tokens must be refused, each with the time after which no access
/// token of that session can still be valid.
pub struct Revocations {
    sessions: RwLock<HashMap<String, i64>>,
    learnt: broadcast::Sender<Revoked>,
}

impl Default for Revocations {
    fn default() -> Self {
        Self {
            sessions: RwLock::default(),
            learnt: broadcast::channel(BROADCAST_CAPACITY).0,
        }
    }
}

impl Revocations {
    /// Remembers that session `id` ended; its tokens are refused until `until`. A revocation
    /// not known yet (or a later `until`) is broadcast to the followers.
    pub fn insert(&self, id: &str, until: i64) {
        let mut sessions = self
            .sessions
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = sessions.entry(id.to_owned()).or_insert(i64::MIN);
        if until > *entry {
            *entry = until;
            // No follower listening is not an error.
            let _ = self.learnt.send(Revoked {
                sid: id.to_owned(),
                until,
            });
        }
    }

    /// The revocations learnt from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Revoked> {
        self.learnt.subscribe()
    }

    /// Every revocation still in force whose `until` is at least `from`, oldest first: what a
    /// follower that starts, resumes or fell behind must know.
    pub fn since(&self, from: i64) -> Vec<Revoked> {
        let mut revoked: Vec<Revoked> = self
            .sessions
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .filter(|(_, until)| **until >= from)
            .map(|(sid, until)| Revoked {
                sid: sid.clone(),
                until: *until,
            })
            .collect();
        revoked.sort_by(|left, right| (left.until, &left.sid).cmp(&(right.until, &right.sid)));
        revoked
    }

    /// Whether session `id` has been revoked.
    pub fn contains(&self, id: &str) -> bool {
        self.sessions
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains_key(id)
    }

    /// Forgets sessions whose access tokens have all expired, keeping memory bounded.
    pub fn prune(&self, now: i64) {
        self.sessions
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retain(|_, until| *until > now);
    }

    pub fn len(&self) -> usize {
        self.sessions
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoked_sessions_are_refused_until_their_tokens_expire() {
        let revoked = Revocations::default();
        revoked.insert("a", 100);
        revoked.insert("b", 200);
        assert!(revoked.contains("a") && revoked.contains("b") && !revoked.contains("c"));
        revoked.prune(150);
        assert!(!revoked.contains("a"));
        assert!(revoked.contains("b"));
    }

    #[test]
    fn new_revocations_are_broadcast_once_and_replayed_in_order() {
        let revoked = Revocations::default();
        let mut learnt = revoked.subscribe();
        revoked.insert("b", 200);
        revoked.insert("a", 100);
        revoked.insert("a", 100);
        revoked.insert("a", 50);
        let first = learnt.try_recv().unwrap();
        let second = learnt.try_recv().unwrap();
        assert_eq!((first.sid.as_str(), first.until), ("b", 200));
        assert_eq!((second.sid.as_str(), second.until), ("a", 100));
        assert!(learnt.try_recv().is_err(), "nothing new was learnt");
        let replay: Vec<_> = revoked.since(100).into_iter().map(|r| r.sid).collect();
        assert_eq!(replay, ["a", "b"]);
        assert_eq!(revoked.since(150).len(), 1);
    }

    #[test]
    fn a_later_revocation_never_shortens_the_window() {
        let revoked = Revocations::default();
        revoked.insert("a", 200);
        revoked.insert("a", 100);
        revoked.prune(150);
        assert!(revoked.contains("a"));
    }
}
