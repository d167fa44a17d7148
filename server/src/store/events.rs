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
}
