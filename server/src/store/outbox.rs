//! The `mail_outbox` table: mail written with what it announces, claimed and delivered by
//! the sender job. Times here are unix milliseconds (backoff starts at one second).

use super::pool::{Pool, Store, on_pool, on_writer};

/// A mail to queue; every field already rendered.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub user_id: Option<i64>,
}

/// A claimed mail, to deliver now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub user_id: Option<i64>,
    /// Delivery attempts so far, this one included.
    pub attempts: i64,
}

/// The INSERT of one outbox row, bound: `$1` is now in milliseconds (created and due).
macro_rules! insert_mail {
    ($mail:expr, $now_ms:expr) => {
        sqlx::query(
            "INSERT INTO mail_outbox (kind, recipient, subject, text_body, html_body, user_id,
                                      created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($mail.kind)
        .bind($mail.recipient)
        .bind($mail.subject)
        .bind($mail.text_body)
        .bind($mail.html_body)
        .bind($mail.user_id)
        .bind($now_ms / 1000)
        .bind($now_ms)
    };
}
pub(super) use insert_mail;

/// Rows due for delivery and not claimed by a live sender: `$1` now, `$2` the batch size.
const DUE: &str = "SELECT id FROM mail_outbox
     WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
       AND (claimed_until IS NULL OR claimed_until < $1)
     ORDER BY id LIMIT $2";

const CLAIMED_COLUMNS: &str =
    "id, kind, recipient, subject, text_body, html_body, user_id, attempts";

impl Store {
    /// Queues one mail on its own (a notice that announces nothing stored).
    pub async fn enqueue_mail(&self, mail: NewMail<'_>, now_ms: i64) -> sqlx::Result<()> {
        on_writer!(self, |pool| insert_mail!(mail, now_ms)
            .execute(pool)
            .await
            .map(drop))
    }

    /// Claims up to `limit` due mails until `claimed_until` and counts the attempt; the marks
    /// take the same `claimed_until`, so a sender whose claim lapsed (and was taken by another)
    /// records nothing. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets instances claim side by
    /// side without taking the same row; SQLite's one writer makes the UPDATE atomic on its own.
    pub async fn claim_mail(
        &self,
        now_ms: i64,
        claimed_until: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<OutboxMail>> {
        // Only PostgreSQL needs (and has) row locks here.
        let lock = match &self.pool {
            Pool::Sqlite { .. } => "",
            Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        };
        let claim = format!(
            "UPDATE mail_outbox SET claimed_until = $3, attempts = attempts + 1
             WHERE id IN ({DUE}{lock}) RETURNING {CLAIMED_COLUMNS}"
        );
        on_writer!(self, |pool| sqlx::query_as(&claim)
            .bind(now_ms)
            .bind(limit)
            .bind(claimed_until)
            .fetch_all(pool)
            .await)
    }

    /// Records a delivery and blanks the bodies: a link's token must not outlive its mail
    /// in clear.
    pub async fn mark_mail_sent(
        &self,
        id: i64,
        claimed_until: i64,
        now_ms: i64,
    ) -> sqlx::Result<()> {
        on_writer!(self, |pool| sqlx::query(
            "UPDATE mail_outbox SET sent_at = $1, claimed_until = NULL, text_body = '',
                                    html_body = '', last_error = NULL
             WHERE id = $2 AND claimed_until = $3"
        )
        .bind(now_ms)
        .bind(id)
        .bind(claimed_until)
        .execute(pool)
        .await
        .map(drop))
    }

    /// Releases a mail that failed for now, due again at `next_attempt_ms`.
    pub async fn mark_mail_retry(
        &self,
        id: i64,
        claimed_until: i64,
        next_attempt_ms: i64,
        error: &str,
    ) -> sqlx::Result<()> {
        on_writer!(self, |pool| sqlx::query(
            "UPDATE mail_outbox SET claimed_until = NULL, next_attempt_at = $1, last_error = $2
             WHERE id = $3 AND claimed_until = $4"
        )
        .bind(next_attempt_ms)
        .bind(error)
        .bind(id)
        .bind(claimed_until)
        .execute(pool)
        .await
        .map(drop))
    }

    /// Gives a mail up: the relay refused it for good. Bodies are blanked as on delivery.
    pub async fn mark_mail_failed(
        &self,
        id: i64,
        claimed_until: i64,
        now_ms: i64,
        error: &str,
    ) -> sqlx::Result<()> {
        on_writer!(self, |pool| sqlx::query(
            "UPDATE mail_outbox SET failed_at = $1, claimed_until = NULL, text_body = '',
                                    html_body = '', last_error = $2
             WHERE id = $3 AND claimed_until = $4"
        )
        .bind(now_ms)
        .bind(error)
        .bind(id)
        .bind(claimed_until)
        .execute(pool)
        .await
        .map(drop))
    }

    /// Mails not yet delivered nor given up (the `/metrics` gauge).
    pub async fn pending_mail_count(&self) -> sqlx::Result<i64> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL"
        )
        .fetch_one(pool)
        .await)
    }
}
