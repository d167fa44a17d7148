//! The `auth_events` table: the audit trail.

use super::{Store, on_pool};

/// One security-relevant event.
pub struct NewEvent<'a> {
    pub at: i64,
    /// What happened: `token_reused`, `logout`, `session_revoked`, `password_changed`, ...
    pub kind: &'a str,
    pub user_id: Option<i64>,
    pub session_id: Option<&'a str>,
    pub ip: &'a str,
    pub detail: &'a str,
}

/// An event as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub kind: String,
    pub user_id: Option<i64>,
    pub session_id: Option<String>,
    pub ip: String,
    pub detail: String,
}

impl Store {
    pub async fn record_event(&self, event: NewEvent<'_>) -> sqlx::Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("INSERT INTO auth_events (at, kind, user_id, session_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(event.at)
            .bind(event.kind)
            .bind(event.user_id)
            .bind(event.session_id)
            .bind(event.ip)
            .bind(event.detail)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// The most recent events of `user_id`, newest first.
    pub async fn events_of_user(&self, user_id: i64, limit: i64) -> sqlx::Result<Vec<EventRow>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT at, kind, user_id, session_id, ip, detail FROM auth_events
             WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(pool)
        .await)
    }
}
