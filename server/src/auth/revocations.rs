//! Revoked sessions held in memory, so verifying an access token never waits on the database:
//! a session's id stays here until every access token issued for it has expired.
//! Filled at start from the database and kept current by `sync` (other processes' revocations).

use std::collections::HashMap;
use std::sync::RwLock;

/// Session ids whose access tokens must be refused, each with the time after which no access
/// token of that session can still be valid.
#[derive(Default)]
pub struct Revocations {
    sessions: RwLock<HashMap<String, i64>>,
}

impl Revocations {
    /// Remembers that session `id` ended; its tokens are refused until `until`.
    pub fn insert(&self, id: &str, until: i64) {
        let mut sessions = self
            .sessions
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = sessions.entry(id.to_owned()).or_insert(until);
        *entry = (*entry).max(until);
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
    fn a_later_revocation_never_shortens_the_window() {
        let revoked = Revocations::default();
        revoked.insert("a", 200);
        revoked.insert("a", 100);
        revoked.prune(150);
        assert!(revoked.contains("a"));
    }
}
