//! The `account_tokens` table: the single-use links mailed to users, each written in one
//! transaction with the mail that carries it, and used up in one transaction with what it
//! changes.

use super::outbox::{NewMail, insert_mail};
use super::pool::{Store, on_pool, on_writer};
use super::users::{END_ALL_USER_TOKENS, is_email_conflict};

/// A link to store (its token's hash only).
#[derive(Debug, Clone, Copy)]
pub struct NewAccountToken<'a> {
    pub hash: &'a str,
    pub purpose: &'a str,
    pub user_id: i64,
    /// Where the link goes: the new address for a change.
    pub email: &'a str,
    /// For a change of address, the session that asked.
    pub session_id: Option<&'a str>,
    pub now: i64,
    pub expires_at: i64,
}

/// A live link as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountTokenRow {
    pub user_id: i64,
    pub email: String,
    pub session_id: Option<String>,
}

/// Why a change of address could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum ChangeEmailError {
    /// Another account took the address since the link was sent.
    #[error("email already registered")]
    EmailTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Uses up the live token `$2` of purpose `$3` at `$1`, returning what it was for.
const CONSUME: &str = "UPDATE account_tokens SET used_at = $1
     WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
     RETURNING user_id, email, session_id";

/// Ends every live token of user `$2` with purpose `$3` at `$1`.
const END_USER_TOKENS: &str = "UPDATE account_tokens SET used_at = $1
     WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL";

impl Store {
    /// Stores a new link and queues its mails, in one transaction; the user's older links of
    /// the same purpose end (OWASP: a newer link replaces the older).
    pub async fn issue_account_token(
        &self,
        token: NewAccountToken<'_>,
        mails: &[NewMail<'_>],
        now_ms: i64,
    ) -> sqlx::Result<()> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(END_USER_TOKENS)
                .bind(token.now)
                .bind(token.user_id)
                .bind(token.purpose)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO account_tokens (token_hash, purpose, user_id, email, session_id,
                                             created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token.hash)
            .bind(token.purpose)
            .bind(token.user_id)
            .bind(token.email)
            .bind(token.session_id)
            .bind(token.now)
            .bind(token.expires_at)
            .execute(&mut *tx)
            .await?;
            for mail in mails {
                insert_mail!(mail, now_ms).execute(&mut *tx).await?;
            }
            tx.commit().await
        })
    }

    /// The live (unused, unexpired) token with this hash and purpose, without using it.
    pub async fn live_account_token(
        &self,
        hash: &str,
        purpose: &str,
        now: i64,
    ) -> sqlx::Result<Option<AccountTokenRow>> {
        on_pool!(self, |pool| sqlx::query_as(
            "SELECT user_id, email, session_id FROM account_tokens
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3"
        )
        .bind(hash)
        .bind(purpose)
        .bind(now)
        .fetch_optional(pool)
        .await)
    }

    /// A password reset, in one transaction: uses up the token, sets the hash (and marks the
    /// address verified), ends every other link of the user and every session (`reason`), and
    /// queues the notice. Returns the user and the sessions ended, or `None` (nothing changed)
    /// if the token was used or expired meanwhile. Ending the sessions in the same transaction
    /// means a reset never stands without them: no window where the new password is set and an
    /// intruder's session lives on.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        notice: NewMail<'_>,
        reason: &str,
        now: i64,
        now_ms: i64,
    ) -> sqlx::Result<Option<(i64, Vec<String>)>> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            let Some(token) = sqlx::query_as::<_, AccountTokenRow>(CONSUME)
                .bind(now)
                .bind(token_hash)
                .bind("password_reset")
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(None);
            };
            // Opening the link proved the mailbox it went to: that address counts as verified.
            sqlx::query(
                "UPDATE users SET password_hash = $1,
                        email_verified_at = CASE WHEN email = $2 THEN COALESCE(email_verified_at, $3)
                                                 ELSE email_verified_at END
                 WHERE id = $4",
            )
            .bind(password_hash)
            .bind(&token.email)
            .bind(now)
            .bind(token.user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(END_ALL_USER_TOKENS)
                .bind(now)
                .bind(token.user_id)
                .execute(&mut *tx)
                .await?;
            let ended: Vec<String> = sqlx::query_scalar(
                "UPDATE sessions SET revoked_at = $1, revoked_reason = $2
                 WHERE user_id = $3 AND revoked_at IS NULL
                 RETURNING id",
            )
            .bind(now)
            .bind(reason)
            .bind(token.user_id)
            .fetch_all(&mut *tx)
            .await?;
            insert_mail!(notice, now_ms).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some((token.user_id, ended)))
        })
    }

    /// Uses up a verification token and marks the address verified, if it is still the
    /// user's address. Returns the user verified.
    pub async fn verify_email(&self, token_hash: &str, now: i64) -> sqlx::Result<Option<i64>> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            let Some(token) = sqlx::query_as::<_, AccountTokenRow>(CONSUME)
                .bind(now)
                .bind(token_hash)
                .bind("verify_email")
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(None);
            };
            let verified = sqlx::query(
                "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1)
                 WHERE id = $2 AND email = $3",
            )
            .bind(now)
            .bind(token.user_id)
            .bind(&token.email)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if verified == 0 {
                // The address changed since the link was sent: it proves nothing now.
                tx.rollback().await?;
                return Ok(None);
            }
            tx.commit().await?;
            Ok(Some(token.user_id))
        })
    }

    /// Uses up a change-of-address token and moves the account to the new address, verified;
    /// the user's other links (change, verification, reset) end. Returns the token's row.
    pub async fn change_email(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<AccountTokenRow>, ChangeEmailError> {
        // An async block, so `?` and `return` leave the transaction, not this function: the
        // unique violation must reach the mapping below.
        let result: sqlx::Result<Option<AccountTokenRow>> = on_writer!(self, |pool| async {
            let mut tx = pool.begin().await?;
            let Some(token) = sqlx::query_as::<_, AccountTokenRow>(CONSUME)
                .bind(now)
                .bind(token_hash)
                .bind("change_email")
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(None);
            };
            sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
                .bind(&token.email)
                .bind(now)
                .bind(token.user_id)
                .execute(&mut *tx)
                .await?;
            // Links sent to the old address must not act on the account any more.
            for purpose in ["change_email", "verify_email", "password_reset"] {
                sqlx::query(END_USER_TOKENS)
                    .bind(now)
                    .bind(token.user_id)
                    .bind(purpose)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(Some(token))
        }
        .await);
        result.map_err(|error| {
            if is_email_conflict(&error) {
                ChangeEmailError::EmailTaken
            } else {
                ChangeEmailError::Database(error)
            }
        })
    }
}
