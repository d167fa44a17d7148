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
}

const INSERT_EVENT: &str = "INSERT INTO auth_events (at, kind, outcome, user_id, session_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";

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
                    .execute(&mut *transaction)
                    .await?;
            }
            transaction.commit().await
        })
    }

    /// The `limit` latest events of a user, newest first.
    pub async fn events_of_user(&self, user_id: i64, limit: i64) -> sqlx::Result<Vec<EventRow>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT at, kind, outcome, user_id, session_id, ip, detail FROM auth_events
             WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(pool)
        .await)
    }
}
