//! The `sessions` table: start, rotate and revoke refresh-token families.

use super::Store;

/// A session at sign-in.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub refresh_jti: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

impl Store {
    pub async fn create_session(&self, session: NewSession<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, refresh_jti, created_at, last_used_at, expires_at, user_agent, ip)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(session.refresh_jti)
        .bind(session.now)
        .bind(session.now)
        .bind(session.expires_at)
        .bind(session.user_agent)
        .bind(session.ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Consumes refresh token `old_jti` of session `id` and makes `new_jti` the next one, in
    /// one conditional UPDATE: of N concurrent calls with the same token exactly one matches
    /// the row (RFC 9700 §4.14.2), the rest see the new jti and get `None`. Returns the
    /// session's user and absolute expiry.
    pub async fn rotate_refresh(
        &self,
        id: &str,
        old_jti: &str,
        new_jti: &str,
        now: i64,
    ) -> sqlx::Result<Option<(i64, i64)>> {
        sqlx::query_as(
            "UPDATE sessions SET refresh_jti = ?, last_used_at = ?
             WHERE id = ? AND refresh_jti = ? AND revoked_at IS NULL AND expires_at > ?
             RETURNING user_id, expires_at",
        )
        .bind(new_jti)
        .bind(now)
        .bind(id)
        .bind(old_jti)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// Whether `jti` is the live refresh token of session `id`.
    pub async fn refresh_is_current(&self, id: &str, jti: &str, now: i64) -> sqlx::Result<bool> {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM sessions WHERE id = ? AND refresh_jti = ? AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(id)
        .bind(jti)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// Ends session `id` if `jti` is its live refresh token (logout). Returns whether it did.
    pub async fn revoke_by_refresh(
        &self,
        id: &str,
        jti: &str,
        reason: &str,
        now: i64,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "UPDATE sessions SET revoked_at = ?, revoked_reason = ?
             WHERE id = ? AND refresh_jti = ? AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(now)
        .bind(reason)
        .bind(id)
        .bind(jti)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
