//! The users `GET /api/user/` answers with, kept in memory for a moment: that read is the
//! hottest route, and a database round trip per request costs more than everything else it
//! does (the benchmarks' profile: half the CPU went to handing each query to sqlx's worker
//! thread and back). This instance's own writes replace the entry at once; another instance's
//! write to the same user shows within `FRESH_FOR`, the same bound as revocations between
//! SQLite processes. Only the public fields are cached, never a password hash.

use std::sync::Arc;
use std::time::Duration;

use app::api::User;
use moka::sync::Cache;

/// How long an entry is trusted without asking the database again.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// At most this many users are held (a few MB); the least recently used go first.
const CAPACITY: u64 = 100_000;

/// Recently read users by id.
#[derive(Clone)]
pub struct UserCache(Cache<i64, Arc<User>>);

impl Default for UserCache {
    fn default() -> Self {
        Self(
            Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(FRESH_FOR)
                .build(),
        )
    }
}

impl UserCache {
    pub fn get(&self, id: i64) -> Option<Arc<User>> {
        self.0.get(&id)
    }

    /// Forgets `id`, whose row just changed behind a use case (verified, new address).
    pub fn forget(&self, id: i64) {
        self.0.invalidate(&id);
    }

    /// Remembers `user` as just read or written.
    pub fn put(&self, user: User) -> Arc<User> {
        let user = Arc::new(user);
        self.0.insert(user.id, user.clone());
        user
    }
}
