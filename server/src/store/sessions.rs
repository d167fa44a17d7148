//! The `sessions` table: start, rotate, list and revoke refresh-token families.

use super::Store;

/// A session at sign-in.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub refresh_jti: &'a str,
    pub access_jti: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

/// A session as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: i64,
    pub refresh_jti: String,
    pub access_jti: String,
    pub rotated_at: i64,
    pub previous_jti: Option<String>,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub ip: String,
    pub revoked_at: Option<i64>,
}

/// One rotation: the token presented and the pair that replaces it.
pub struct Rotation<'a> {
    pub session_id: &'a str,
    pub presented_jti: &'a str,
    pub refresh_jti: &'a str,
    pub access_jti: &'a str,
    pub now: i64,
    /// Sessions unused since this time have timed out.
    pub idle_cutoff: i64,
}

const SESSION_COLUMNS: &str = "id, user_id, refresh_jti, access_jti, rotated_at, previous_jti, created_at, \
     last_used_at, expires_at, user_agent, ip, revoked_at";

/// A session is live while not revoked, not past its absolute end and not idle too long.
const LIVE: &str = "revoked_at IS NULL AND expires_at > ? AND last_used_at > ?";

impl Store {
    pub async fn create_session(&self, session: NewSession<'_>) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, refresh_jti, access_jti, rotated_at, created_at, last_used_at,
                                   expires_at, user_agent, ip)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(session.refresh_jti)
        .bind(session.access_jti)
        .bind(session.now)
        .bind(session.now)
        .bind(session.now)
        .bind(session.expires_at)
        .bind(session.user_agent)
        .bind(session.ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, id: &str) -> sqlx::Result<Option<SessionRow>> {
        sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Consumes the presented refresh token and installs the new pair, in one conditional
    /// UPDATE: of N concurrent calls with the same token exactly one matches the row (RFC 9700
    /// §4.14.2); the rest see the new jti and get `None`. `SET` reads the old row, so
    /// `previous_jti` becomes the token just consumed. Returns the session's user and end.
    pub async fn rotate_refresh(&self, rotation: Rotation<'_>) -> sqlx::Result<Option<(i64, i64)>> {
        sqlx::query_as(&format!(
            "UPDATE sessions
             SET previous_jti = refresh_jti, refresh_jti = ?, access_jti = ?, rotated_at = ?, last_used_at = ?
             WHERE id = ? AND refresh_jti = ? AND {LIVE}
             RETURNING user_id, expires_at"
        ))
        .bind(rotation.refresh_jti)
        .bind(rotation.access_jti)
        .bind(rotation.now)
        .bind(rotation.now)
        .bind(rotation.session_id)
        .bind(rotation.presented_jti)
        .bind(rotation.now)
        .bind(rotation.idle_cutoff)
        .fetch_optional(&self.pool)
        .await
    }

    /// The live sessions of `user_id`, most recently used first.
    pub async fn live_sessions(
        &self,
        user_id: i64,
        now: i64,
        idle_cutoff: i64,
    ) -> sqlx::Result<Vec<SessionRow>> {
        sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ? AND {LIVE} ORDER BY last_used_at DESC, created_at DESC"
        ))
        .bind(user_id)
        .bind(now)
        .bind(idle_cutoff)
        .fetch_all(&self.pool)
        .await
    }

    /// Ends session `id` if it has not ended yet. Returns whether it did.
    pub async fn revoke_session(&self, id: &str, reason: &str, now: i64) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Ends every unrevoked session of `user_id`, except `keep` if given. Returns the ids ended.
    pub async fn revoke_user_sessions(
        &self,
        user_id: i64,
        keep: Option<&str>,
        reason: &str,
        now: i64,
    ) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = ?, revoked_reason = ?
             WHERE user_id = ? AND revoked_at IS NULL AND id IS DISTINCT FROM ?
             RETURNING id",
        )
        .bind(now)
        .bind(reason)
        .bind(user_id)
        .bind(keep)
        .fetch_all(&self.pool)
        .await
    }

    /// Ends every session that has not ended (the emergency switch). Returns how many.
    pub async fn revoke_every_session(&self, reason: &str, now: i64) -> sqlx::Result<u64> {
        let result = sqlx::query(
            "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE revoked_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }

    /// Sessions revoked at or after `since`, with when: what an instance must refuse.
    pub async fn revoked_since(&self, since: i64) -> sqlx::Result<Vec<(String, i64)>> {
        sqlx::query_as("SELECT id, revoked_at FROM sessions WHERE revoked_at >= ?")
            .bind(since)
            .fetch_all(&self.pool)
            .await
    }

    /// Deletes sessions that can no longer be used: past their end or idle too long, and, if
    /// revoked, revoked before `revoked_cutoff` (their access tokens have all expired).
    pub async fn delete_dead_sessions(
        &self,
        now: i64,
        idle_cutoff: i64,
        revoked_cutoff: i64,
    ) -> sqlx::Result<u64> {
        let result = sqlx::query(
            "DELETE FROM sessions
             WHERE (expires_at <= ? OR last_used_at <= ?) AND (revoked_at IS NULL OR revoked_at < ?)",
        )
        .bind(now)
        .bind(idle_cutoff)
        .bind(revoked_cutoff)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected())
    }
}
