//! Opening the database: the backend named by the URL, the pool's size and timeouts,
//! migrations, and waiting (with backoff) for a database that is not up yet.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::pool::{Pool, Store};

/// How to open the database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://...` or `postgres://...`.
    pub url: String,
    /// The most connections this instance holds.
    pub max_connections: u32,
    /// How long a request waits for a connection before it answers 503.
    pub acquire_timeout: Duration,
    /// How long start-up waits for an unreachable database before it gives up.
    pub startup_timeout: Duration,
}

impl StoreOptions {
    /// Options for `url` with the defaults (for tools and tests).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(3),
            startup_timeout: Duration::from_secs(60),
        }
    }

    fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres://") || self.url.starts_with("postgresql://")
    }
}

/// Whether `error` means the database cannot be reached right now (answered 503, retried
/// later), rather than a bug.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 53 (insufficient resources) and 57P
        // (operator intervention: the server is shutting down or restarting).
        sqlx::Error::Database(database) => database.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("53") || code.starts_with("57P")
        }),
        _ => false,
    }
}

impl Store {
    /// Opens the database at `options.url` and applies migrations, waiting with exponential
    /// backoff (logging why) while the database is unreachable, up to `startup_timeout`.
    pub async fn connect(options: &StoreOptions) -> anyhow::Result<Self> {
        let deadline = tokio::time::Instant::now() + options.startup_timeout;
        let mut backoff = Duration::from_millis(250);
        loop {
            match Self::open(options).await {
                Ok(store) => return Ok(store),
                Err(error)
                    if tokio::time::Instant::now() + backoff < deadline
                        && error_is_unavailable(&error) =>
                {
                    tracing::warn!(error = format!("{error:#}"), retry_in = ?backoff, "database not reachable yet");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn open(options: &StoreOptions) -> anyhow::Result<Self> {
        let url = &options.url;
        let pool = if options.is_postgres() {
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect(url)
                .await
                .context("could not connect to PostgreSQL")?;
            // Concurrent instances starting together are safe: sqlx takes an advisory lock.
            sqlx::migrate!("./migrations/postgres")
                .run(&pool)
                .await
                .context("could not apply database migrations")?;
            Pool::Postgres(pool)
        } else {
            let connect = SqliteConnectOptions::from_str(url)
                .with_context(|| {
                    format!("DATABASE_URL `{url}` is neither a PostgreSQL nor an SQLite URL")
                })?
                .create_if_missing(true)
                // WAL lets readers run beside the one writer; NORMAL is durable in WAL mode
                // except for the last transactions on power loss, never corrupting.
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            // One writer connection (see `Pool::Sqlite`); the same options, so an in-memory
            // database is shared by both pools.
            //
            // The writer rarely checkpoints: SQLite's automatic checkpoint runs inside the commit
            // that crosses its threshold (1000 WAL pages by default), copying them into the
            // database file and syncing it, and every writer queued behind that commit waits.
            // `jobs::wal_checkpoint` copies from a reader connection every second, beside the
            // writer; but a checkpoint that races the writer never finishes the log, and only a
            // finished log is rewound, so the writer keeps a far threshold (10,000 pages, ~40 MB)
            // as the backstop that rewinds it, by then with little left to copy.
            // `journal_size_limit` truncates the file after a rewind.
            let writes = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(
                    connect
                        .clone()
                        .pragma("wal_autocheckpoint", "10000")
                        .pragma("journal_size_limit", "67108864"),
                )
                .await
                .with_context(|| format!("could not open the database at `{url}`"))?;
            sqlx::migrate!("./migrations/sqlite")
                .run(&writes)
                .await
                .context("could not apply database migrations")?;
            let reads = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(connect)
                .await
                .with_context(|| format!("could not open the database at `{url}`"))?;
            Pool::Sqlite { reads, writes }
        };
        Ok(Self { pool })
    }
}

fn error_is_unavailable(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<sqlx::Error>()
            .is_some_and(is_unavailable)
    })
}
