//! The `totp_secrets` and `recovery_codes` tables: a user's authenticator app (pending until a
//! first code confirms it, then on) and the single-use codes that stand in for it.

use super::pool::{Store, on_pool, on_writer};

/// A user's authenticator app as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TotpRow {
    /// The shared secret, sealed.
    pub secret: String,
    /// `None` while the setup waits for its first code.
    pub confirmed_at: Option<i64>,
    /// The last time step a code was accepted for.
    pub last_step: i64,
}

/// What a user has as second factors.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SecondFactorsRow {
    /// When TOTP was turned on; `None` while it is off (or only pending).
    pub totp_confirmed_at: Option<i64>,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
}

/// Deletes every recovery code of user `$1`.
const DELETE_RECOVERY_CODES: &str = "DELETE FROM recovery_codes WHERE user_id = $1";

/// Stores recovery code `$2` of user `$1`, made at `$3`.
const INSERT_RECOVERY_CODE: &str =
    "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)";

/// Inside transaction `$tx`: the recovery codes of `$user_id` become exactly `$hashes`.
macro_rules! store_recovery_codes {
    ($tx:expr, $user_id:expr, $hashes:expr, $now:expr) => {{
        sqlx::query(DELETE_RECOVERY_CODES)
            .bind($user_id)
            .execute(&mut *$tx)
            .await?;
        for hash in $hashes {
            sqlx::query(INSERT_RECOVERY_CODE)
                .bind($user_id)
                .bind(hash)
                .bind($now)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

impl Store {
    /// Stores a pending setup for `user_id`, replacing an earlier pending one, but never a
    /// confirmed one: `false` (nothing stored) when TOTP is already on.
    pub async fn begin_totp(&self, user_id: i64, sealed: &str, now: i64) -> sqlx::Result<bool> {
        let stored = on_writer!(self, |pool| sqlx::query(
            "INSERT INTO totp_secrets (user_id, secret, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE
             SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0
             WHERE totp_secrets.confirmed_at IS NULL"
        )
        .bind(user_id)
        .bind(sealed)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(stored == 1)
    }

    /// The authenticator app of `user_id`, pending or on.
    pub async fn totp(&self, user_id: i64) -> sqlx::Result<Option<TotpRow>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT secret, confirmed_at, last_step FROM totp_secrets WHERE user_id = $1"
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await)
    }

    /// Turns TOTP on for `user_id` with the first code's time `step`, and replaces the recovery
    /// codes, in one transaction. Only the pending setup whose secret is `sealed` (the one the
    /// code was checked against) is confirmed: `false` (nothing changed) if another setup
    /// replaced it meanwhile, or it was confirmed already.
    pub async fn confirm_totp(
        &self,
        user_id: i64,
        sealed: &str,
        step: i64,
        recovery_code_hashes: &[String],
        now: i64,
    ) -> sqlx::Result<bool> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            let confirmed = sqlx::query(
                "UPDATE totp_secrets SET confirmed_at = $1, last_step = $2
                 WHERE user_id = $3 AND secret = $4 AND confirmed_at IS NULL AND last_step < $2",
            )
            .bind(now)
            .bind(step)
            .bind(user_id)
            .bind(sealed)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if confirmed == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            store_recovery_codes!(tx, user_id, recovery_code_hashes, now);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Turns TOTP off for `user_id`: the secret (on or pending) and every recovery code go, in
    /// one transaction. Returns whether TOTP was on.
    pub async fn delete_totp(&self, user_id: i64) -> sqlx::Result<bool> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            let was_on: Option<Option<i64>> = sqlx::query_scalar(
                "DELETE FROM totp_secrets WHERE user_id = $1 RETURNING confirmed_at",
            )
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(DELETE_RECOVERY_CODES)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(matches!(was_on, Some(Some(_))))
        })
    }

    /// Replaces the recovery codes of `user_id` with a new set, in one transaction: the old set
    /// stops working as the new one starts. `false` (nothing changed) unless TOTP is on.
    pub async fn replace_recovery_codes(
        &self,
        user_id: i64,
        hashes: &[String],
        now: i64,
    ) -> sqlx::Result<bool> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            // A no-op UPDATE, not a SELECT: it locks the row (on PostgreSQL; SQLite has one
            // writer), so a concurrent "turn TOTP off" either comes first and nothing is stored,
            // or waits and deletes the new codes with the rest.
            let on = sqlx::query(
                "UPDATE totp_secrets SET confirmed_at = confirmed_at
                 WHERE user_id = $1 AND confirmed_at IS NOT NULL",
            )
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if on == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            store_recovery_codes!(tx, user_id, hashes, now);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Whether `user_id` has TOTP on, and how many recovery codes are left, in one query.
    pub async fn second_factors(&self, user_id: i64) -> sqlx::Result<SecondFactorsRow> {
        on_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT (SELECT confirmed_at FROM totp_secrets WHERE user_id = $1) AS totp_confirmed_at,
                    (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL)
                        AS recovery_codes_left"
        )
        .bind(user_id)
        .fetch_one(pool)
        .await
        })
    }
}
