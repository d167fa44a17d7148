//! The database handle: the pools of either backend, and `on_pool!` / `on_writer!`, which run
//! a query written once on whichever backend is in use.

use sqlx::{PgPool, SqlitePool};

/// The database handle every request shares.
#[derive(Clone)]
pub struct Store {
    pub(super) pool: Pool,
}

#[derive(Clone)]
pub(super) enum Pool {
    /// SQLite has one writer at a time. Writers that find the file locked wait in SQLite's busy
    /// handler, which sleeps 1, 2, 5, 10 … 100 ms between tries: under concurrent refreshes
    /// that sleeping, not the work, made the tail (p99 75–125 ms at 64 clients). So every
    /// write goes through `writes`, a pool of one connection, where writers queue in order
    /// and each starts the moment the previous one commits; reads (WAL: never blocked by the
    /// writer) use `reads`.
    Sqlite {
        reads: SqlitePool,
        writes: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs one read, written once, on whichever backend `store` uses: the expression is
/// compiled for each driver, so the SQL text and the Rust around it exist only once.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $query:expr) => {
        match &$store.pool {
            $crate::store::pool::Pool::Sqlite { reads: $pool, .. } => $query,
            $crate::store::pool::Pool::Postgres($pool) => $query,
        }
    };
}
pub(super) use on_pool;

/// As `on_pool!`, for a statement that writes: on SQLite it runs on the one writer connection.
macro_rules! on_writer {
    ($store:expr, |$pool:ident| $query:expr) => {
        match &$store.pool {
            $crate::store::pool::Pool::Sqlite { writes: $pool, .. } => $query,
            $crate::store::pool::Pool::Postgres($pool) => $query,
        }
    };
}
pub(super) use on_writer;

impl Store {
    /// Whether the database answers (a round trip through the pool).
    pub async fn ping(&self) -> sqlx::Result<()> {
        on_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(drop))
    }

    /// Copies what the SQLite write-ahead log holds into the database file without waiting
    /// for readers or the writer (`PASSIVE`), on a reader connection; nothing on PostgreSQL.
    pub async fn checkpoint(&self) -> sqlx::Result<()> {
        match &self.pool {
            Pool::Sqlite { reads, .. } => sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(reads)
                .await
                .map(drop),
            Pool::Postgres(_) => Ok(()),
        }
    }

    /// The PostgreSQL pool, for what only PostgreSQL offers (LISTEN/NOTIFY).
    pub fn postgres(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(pool) => Some(pool),
            Pool::Sqlite { .. } => None,
        }
    }
}
