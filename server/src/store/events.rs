//! The `auth_events` table: the audit trail.

use super::pool::{Store, on_pool, on_writer};

/// One security-relevant event, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    /// What happened: `login`, `refresh`, `token_reused`, `logout`, `password_changed`, ...
    pub kind: String,
    /// `success` or `failure`.
    pub outcome: String,
    pub user_id: Option<i64>,
    pub session_id: Option<String>,
    pub ip: String,
    pub detail: String,
    /// The staff member who acted (administration events).
    pub actor_id: Option<i64>,
}

/// A stored event with its id (the trail's order).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    pub id: i64,
    #[sqlx(flatten)]
    pub event: EventRow,
}

const INSERT_EVENT: &str = "INSERT INTO auth_events (at, kind, outcome, user_id, session_id, ip, detail, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const EVENT_COLUMNS: &str = "id, at, kind, outcome, user_id, session_id, ip, detail, actor_id";

/// Which events a page of the trail shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventFilter<'a> {
    pub user_id: Option<i64>,
    pub kind: Option<&'a str>,
}

impl Store {
    /// Appends `events` in one transaction (one disk sync on SQLite for the whole batch).
    pub async fn record_events(&self, events: &[EventRow]) -> sqlx::Result<()> {
        on_writer!(self, |pool| {
            let mut transaction = pool.begin().await?;
            for event in events {
                sqlx::query(INSERT_EVENT)
                    .bind(event.at)
                    .bind(&event.kind)
                    .bind(&event.outcome)
                    .bind(event.user_id)
                    .bind(&event.session_id)
                    .bind(&event.ip)
                    .bind(&event.detail)
                    .bind(event.actor_id)
                    .execute(&mut *transaction)
                    .await?;
            }
            transaction.commit().await
        })
    }

    /// The `limit` latest events of a user, newest first.
    pub async fn events_of_user(&self, user_id: i64, limit: i64) -> sqlx::Result<Vec<StoredEvent>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM auth_events
             WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(pool)
        .await)
    }

    /// How many events match `filter`, and `limit` of them from `offset`, newest first. A
    /// NULL filter field matches every row (`$1 IS NULL OR ...`), so one statement serves
    /// each combination; the indexes by user and by kind serve the filtered ones.
    pub async fn events_page(
        &self,
        filter: EventFilter<'_>,
        offset: i64,
        limit: i64,
    ) -> sqlx::Result<(i64, Vec<StoredEvent>)> {
        const MATCHES: &str = "($1 IS NULL OR user_id = $1) AND ($2 IS NULL OR kind = $2)";
        let count = on_pool!(self, |pool| sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM auth_events WHERE {MATCHES}"
        ))
        .bind(filter.user_id)
        .bind(filter.kind)
        .fetch_one(pool)
        .await)?;
        let rows = on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM auth_events WHERE {MATCHES}
             ORDER BY id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(filter.user_id)
        .bind(filter.kind)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)?;
        Ok((count, rows))
    }
}
