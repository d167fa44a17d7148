//! The `sessions` table: start, rotate, list and revoke refresh-token families.

use super::pool::{Store, on_pool, on_writer};

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
    /// How the sign-in was proven: RFC 8176 values separated by spaces.
    pub amr: &'a str,
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
    /// Why it ended (an event kind: `logout`, `password_changed`, ...).
    pub revoked_reason: Option<String>,
    /// How the sign-in was proven: RFC 8176 values separated by spaces.
    pub amr: String,
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
    /// The client's address: the `sessions_audit_rotation` trigger (migration 0005) writes the
    /// rotation's audit row with it, in the same statement.
    pub ip: &'a str,
}

/// What a rotation returns: the session's absolute end and `amr`, and its user's current
/// address.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Rotated {
    pub expires_at: i64,
    pub amr: String,
    pub email: String,
    pub email_verified_at: Option<i64>,
}

const SESSION_COLUMNS: &str = "id, user_id, refresh_jti, access_jti, rotated_at, previous_jti, created_at, \
     last_used_at, expires_at, user_agent, ip, revoked_at, revoked_reason, amr";

/// Ends every unrevoked session of user `$3` but `$4` (if not NULL) at `$1` for reason `$2`;
/// returns the ids ended. On PostgreSQL each row's update notifies every instance (0001).
pub(super) const REVOKE_USER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $1, revoked_reason = $2
     WHERE user_id = $3 AND revoked_at IS NULL AND id IS DISTINCT FROM $4
     RETURNING id";

/// A session is live while not revoked, not past its absolute end and not idle too long;
/// `now` and the idle cutoff are bound as parameters `$n` and `$n+1`.
fn live(n: u8) -> String {
    format!(
        "revoked_at IS NULL AND expires_at > ${n} AND last_used_at > ${}",
        n + 1
    )
}

impl Store {
    pub async fn create_session(&self, session: NewSession<'_>) -> sqlx::Result<()> {
        on_writer!(self, |pool| {
            sqlx::query(
            "INSERT INTO sessions (id, user_id, refresh_jti, access_jti, rotated_at, created_at, last_used_at,
                                   expires_at, user_agent, ip, amr)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
        .bind(session.amr)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    pub async fn session(&self, id: &str) -> sqlx::Result<Option<SessionRow>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await)
    }

    /// Consumes the presented refresh token and installs the new pair, in one conditional
    /// UPDATE: of N concurrent calls with the same token exactly one matches the row (RFC 9700
    /// §4.14.2); the rest see the new jti and get `None`. A trigger stores the audit row of a
    /// rotation that matched, in the same transaction. `SET` reads the old row, so
    /// `previous_jti` becomes the token just consumed. Returns the session's end and `amr` (a
    /// refresh proves nothing new, so the new pair says what the sign-in proved) and its user's
    /// address as it is now (a verification or change since sign-in shows in the new access
    /// token), read in the same statement.
    pub async fn rotate_refresh(&self, rotation: Rotation<'_>) -> sqlx::Result<Option<Rotated>> {
        let live = live(7);
        on_writer!(self, |pool| {
            sqlx::query_as(&format!(
            "UPDATE sessions
             SET previous_jti = refresh_jti, refresh_jti = $1, access_jti = $2, rotated_at = $3, last_used_at = $4,
                 last_ip = $9
             WHERE id = $5 AND refresh_jti = $6 AND {live}
             RETURNING expires_at, amr,
                       (SELECT email FROM users WHERE users.id = sessions.user_id) AS email,
                       (SELECT email_verified_at FROM users WHERE users.id = sessions.user_id) AS email_verified_at"
        ))
        .bind(rotation.refresh_jti)
        .bind(rotation.access_jti)
        .bind(rotation.now)
        .bind(rotation.now)
        .bind(rotation.session_id)
        .bind(rotation.presented_jti)
        .bind(rotation.now)
        .bind(rotation.idle_cutoff)
        .bind(rotation.ip)
        .fetch_optional(pool)
        .await
        })
    }

    /// The live sessions of `user_id`, most recently used first.
    pub async fn live_sessions(
        &self,
        user_id: i64,
        now: i64,
        idle_cutoff: i64,
    ) -> sqlx::Result<Vec<SessionRow>> {
        let live = live(2);
        on_pool!(self, |pool| {
            sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 AND {live} ORDER BY last_used_at DESC, created_at DESC"
        ))
        .bind(user_id)
        .bind(now)
        .bind(idle_cutoff)
        .fetch_all(pool)
        .await
        })
    }

    /// Every stored session of `user_id`, ended ones too (until `flush_expired` deletes
    /// them), newest first: the user's data export.
    pub async fn all_sessions_of_user(&self, user_id: i64) -> sqlx::Result<Vec<SessionRow>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(user_id)
        .fetch_all(pool)
        .await)
    }

    /// How many sessions of all users are live (the `/metrics` gauge).
    pub async fn count_live_sessions(&self, now: i64, idle_cutoff: i64) -> sqlx::Result<i64> {
        let live = live(1);
        on_pool!(self, |pool| {
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM sessions WHERE {live}"))
                .bind(now)
                .bind(idle_cutoff)
                .fetch_one(pool)
                .await
        })
    }

    /// Ends session `id` if it has not ended yet. Returns whether it did.
    pub async fn revoke_session(&self, id: &str, reason: &str, now: i64) -> sqlx::Result<bool> {
        let result = on_writer!(self, |pool| {
            sqlx::query(
            "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
        })?;
        Ok(result == 1)
    }

    /// Ends every unrevoked session of `user_id`, except `keep` if given. Returns the ids ended.
    pub async fn revoke_user_sessions(
        &self,
        user_id: i64,
        keep: Option<&str>,
        reason: &str,
        now: i64,
    ) -> sqlx::Result<Vec<String>> {
        on_writer!(self, |pool| sqlx::query_scalar(REVOKE_USER_SESSIONS)
            .bind(now)
            .bind(reason)
            .bind(user_id)
            .bind(keep)
            .fetch_all(pool)
            .await)
    }

    /// Ends every session that has not ended (the emergency switch). Returns how many.
    pub async fn revoke_every_session(&self, reason: &str, now: i64) -> sqlx::Result<u64> {
        let result = on_writer!(self, |pool| sqlx::query(
            "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE revoked_at IS NULL",
        )
        .bind(now)
        .bind(reason)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(result)
    }

    /// Sessions revoked at or after `since`, with when: what an instance must refuse.
    pub async fn revoked_since(&self, since: i64) -> sqlx::Result<Vec<(String, i64)>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT id, revoked_at FROM sessions WHERE revoked_at >= $1"
        )
        .bind(since)
        .fetch_all(pool)
        .await)
    }

    /// Deletes sessions that can no longer be used: past their end or idle too long, and, if
    /// revoked, revoked before `revoked_cutoff` (their access tokens have all expired).
    pub async fn delete_dead_sessions(
        &self,
        now: i64,
        idle_cutoff: i64,
        revoked_cutoff: i64,
    ) -> sqlx::Result<u64> {
        let result = on_writer!(self, |pool| {
            sqlx::query(
            "DELETE FROM sessions
             WHERE (expires_at <= $1 OR last_used_at <= $2) AND (revoked_at IS NULL OR revoked_at < $3)",
        )
        .bind(now)
        .bind(idle_cutoff)
        .bind(revoked_cutoff)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
        })?;
        Ok(result)
    }
}
