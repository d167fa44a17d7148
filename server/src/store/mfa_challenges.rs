//! The `mfa_challenges` table: sign-ins between their password and their second factor. A
//! challenge is finished in one transaction with the factor it uses up, so neither a token nor
//! a code can be spent twice by concurrent requests.

use super::pool::{Store, on_pool, on_writer};

/// A challenge to store (its token's hash only).
#[derive(Debug, Clone, Copy)]
pub struct NewChallenge<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub now: i64,
    pub expires_at: i64,
}

/// The second factor a sign-in is finished with, as it is used up.
#[derive(Debug, Clone, Copy)]
pub enum FactorUse<'a> {
    /// A TOTP code of this time step; `resealed` replaces the stored secret when given (sealed
    /// under the current key after a change of signing secret).
    TotpStep {
        step: i64,
        resealed: Option<&'a str>,
    },
    /// The recovery code with this hash.
    RecoveryCode { code_hash: &'a str },
}

/// How finishing a challenge ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// The challenge and the factor are used up: the sign-in may proceed.
    SignedIn,
    /// The challenge is used, expired, out of attempts or unknown; nothing changed.
    ChallengeGone,
    /// The factor was refused (a TOTP step not later than the last one accepted, or a used
    /// recovery code); nothing changed.
    FactorRefused,
}

/// The challenge `$2` if live at `$1` with fewer than `$3` failures.
const LIVE: &str = "token_hash = $2 AND used_at IS NULL AND expires_at > $1 AND failures < $3";

impl Store {
    pub async fn create_mfa_challenge(&self, challenge: NewChallenge<'_>) -> sqlx::Result<()> {
        on_writer!(self, |pool| sqlx::query(
            "INSERT INTO mfa_challenges (token_hash, user_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)"
        )
        .bind(challenge.token_hash)
        .bind(challenge.user_id)
        .bind(challenge.now)
        .bind(challenge.expires_at)
        .execute(pool)
        .await
        .map(drop))
    }

    /// The user of challenge `token_hash` if it is live at `now` with fewer than `max_failures`
    /// wrong codes, without using it.
    pub async fn live_mfa_challenge(
        &self,
        token_hash: &str,
        now: i64,
        max_failures: i64,
    ) -> sqlx::Result<Option<i64>> {
        on_pool!(self, |pool| sqlx::query_scalar(&format!(
            "SELECT user_id FROM mfa_challenges WHERE {LIVE}"
        ))
        .bind(now)
        .bind(token_hash)
        .bind(max_failures)
        .fetch_optional(pool)
        .await)
    }

    /// Finishes challenge `token_hash` of `user_id` with `factor`, in one transaction: the
    /// challenge is used up only if the factor is, and the other way round. Each is a
    /// conditional UPDATE, so of concurrent requests with one token (or one code) exactly one
    /// succeeds.
    pub async fn finish_mfa_challenge(
        &self,
        token_hash: &str,
        user_id: i64,
        factor: FactorUse<'_>,
        now: i64,
        max_failures: i64,
    ) -> sqlx::Result<Finished> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            let used = sqlx::query(&format!(
                "UPDATE mfa_challenges SET used_at = $1 WHERE {LIVE} AND user_id = $4"
            ))
            .bind(now)
            .bind(token_hash)
            .bind(max_failures)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used == 0 {
                tx.rollback().await?;
                return Ok(Finished::ChallengeGone);
            }
            let factor_used = match factor {
                // Only a later step than the last accepted one (RFC 6238 §5.2: no replay).
                FactorUse::TotpStep { step, resealed } => sqlx::query(
                    "UPDATE totp_secrets SET last_step = $1, secret = COALESCE($2, secret)
                     WHERE user_id = $3 AND confirmed_at IS NOT NULL AND last_step < $1",
                )
                .bind(step)
                .bind(resealed)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                FactorUse::RecoveryCode { code_hash } => sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1
                     WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                )
                .bind(now)
                .bind(user_id)
                .bind(code_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if factor_used == 0 {
                tx.rollback().await?;
                return Ok(Finished::FactorRefused);
            }
            tx.commit().await?;
            Ok(Finished::SignedIn)
        })
    }

    /// Counts a wrong code against challenge `token_hash`.
    pub async fn fail_mfa_challenge(&self, token_hash: &str) -> sqlx::Result<()> {
        on_writer!(self, |pool| sqlx::query(
            "UPDATE mfa_challenges SET failures = failures + 1
             WHERE token_hash = $1 AND used_at IS NULL"
        )
        .bind(token_hash)
        .execute(pool)
        .await
        .map(drop))
    }

    /// Deletes challenges that expired before `now` (used or not). Returns how many.
    pub async fn delete_expired_mfa_challenges(&self, now: i64) -> sqlx::Result<u64> {
        on_writer!(self, |pool| sqlx::query(
            "DELETE FROM mfa_challenges WHERE expires_at <= $1"
        )
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    }
}
