//! The database handle: one pool of either backend, and `on_pool!`, which runs a query
//! written once on whichever backend is in use.

use sqlx::{PgPool, SqlitePool};

/// The database handle every request shares.
#[derive(Clone)]
pub struct Store {
    pub(super) pool: Pool,
}

#[derive(Clone)]
pub(super) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs one query, written once, on whichever backend `store` uses: the expression is
/// compiled for each driver, so the SQL text and the Rust around it exist only once.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $query:expr) => {
        match &$store.pool {
            $crate::store::pool::Pool::Sqlite($pool) => $query,
            $crate::store::pool::Pool::Postgres($pool) => $query,
        }
    };
}
pub(super) use on_pool;

impl Store {
    /// Whether the database answers (a round trip through the pool).
    pub async fn ping(&self) -> sqlx::Result<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(drop))
    }

    /// The PostgreSQL pool, for what only PostgreSQL offers (LISTEN/NOTIFY).
    pub fn postgres(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(pool) => Some(pool),
            Pool::Sqlite(_) => None,
        }
    }
}
