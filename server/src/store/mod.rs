//! All SQL lives behind this module: the connection pool, migrations, and one file per table.

mod events;
mod sessions;
mod users;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use events::{EventRow, NewEvent};
pub use sessions::{NewSession, Rotation, SessionRow};
pub use users::{NewUser, UserRow};

/// The database handle every request shares.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

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
    /// Opens (creating the file if needed) and migrates the database at `url`.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("DATABASE_URL `{url}` is not a valid SQLite URL"))?
            .create_if_missing(true)
            // WAL lets readers run beside the one writer; NORMAL is durable in WAL mode
            // except for the last transactions on power loss, never corrupting.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .with_context(|| format!("could not open the database at `{url}`"))?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .context("could not apply database migrations")?;
        Ok(Self { pool })
    }

    /// Closes every connection (tests drop their database files afterwards).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
