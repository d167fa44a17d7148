//! All SQL lives behind this module: the connection pools, migrations, and one file per table.
//!
//! Two backends, one interface: SQLite (embedded, the default) and PostgreSQL (several
//! instances on one database). Each query is written once — `$N` placeholders, `RETURNING`
//! and `IS DISTINCT FROM` mean the same on both — and `on_pool!` runs it on the backend in use.

mod connect;
mod events;
mod sessions;
mod users;

use sqlx::{PgPool, SqlitePool};

pub use connect::{StoreOptions, is_unavailable};
pub use events::EventRow;
pub use sessions::{NewSession, Rotation, SessionRow};
pub use users::{NewUser, UserRow};

/// The database handle every request shares.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs one query, written once, on whichever backend `store` uses: the expression is
/// compiled for each driver, so the SQL text and the Rust around it exist only once.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $query:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $query,
            $crate::store::Pool::Postgres($pool) => $query,
        }
    };
}
use on_pool;

/// Why an insert into `users` was refused.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("email already registered")]
    EmailTaken,
    #[error("username already taken")]
    UsernameTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

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
