//! Delivers the mail outbox: claims due mails, sends each through the transport, and records
//! the result. A failure is retried with backoff (1 s, doubling, capped at 60 s, SPEC "Account
//! email"), so a relay outage delays mail and loses none; a permanent refusal is given up and
//! audited. On PostgreSQL every instance runs this loop, and claiming with `SKIP LOCKED` plus a
//! lease sends each mail once.

use std::sync::Arc;
use std::time::Duration;

use super::mail_transport::{MailTransport, SEND_TIMEOUT, SendError};
use crate::auth::Auth;
use crate::clock;
use crate::store::OutboxMail;
use crate::telemetry::{Event, EventKind, Metrics};

/// How often the outbox is looked at when nothing wakes the sender (mail queued by another
/// instance, or a retry coming due).
const POLL: Duration = Duration::from_millis(500);
/// Mails claimed at once.
const BATCH: i64 = 16;
/// How long a claim holds: longer than the whole batch may take to send (`SEND_TIMEOUT` each,
/// one after another), so no other sender takes a mail this one still holds; a sender that dies
/// loses its claims after this. A crash between the relay's acceptance and the mark means one
/// more delivery after the lease: SMTP cannot join a transaction (at least once always, once
/// whenever the senders live).
const LEASE_MS: i64 = (BATCH + 1) * SEND_TIMEOUT.as_millis() as i64;

/// Starts the sender on the current runtime.
pub fn spawn(auth: Arc<Auth>, transport: MailTransport, metrics: Arc<Metrics>) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&auth, &transport, &metrics).await {
                // A full batch: there may be more waiting.
                Ok(claimed) if claimed as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "mail outbox unreachable; retrying"),
            }
            // A queued mail rings at once; otherwise look again after POLL.
            let _ = tokio::time::timeout(POLL, auth.mail_queued.notified()).await;
        }
    });
}

/// Claims and delivers what is due. Returns how many mails were claimed.
async fn deliver_due(
    auth: &Auth,
    transport: &MailTransport,
    metrics: &Metrics,
) -> sqlx::Result<usize> {
    let now = clock::now_ms();
    let lease = now + LEASE_MS;
    let claimed = auth.store.claim_mail(now, lease, BATCH).await?;
    for mail in &claimed {
        // Never start a delivery that could outlast the claim.
        if clock::now_ms() + SEND_TIMEOUT.as_millis() as i64 >= lease {
            break;
        }
        deliver(auth, transport, metrics, mail, lease).await?;
    }
    Ok(claimed.len())
}

async fn deliver(
    auth: &Auth,
    transport: &MailTransport,
    metrics: &Metrics,
    mail: &OutboxMail,
    lease: i64,
) -> sqlx::Result<()> {
    let result = match tokio::time::timeout(SEND_TIMEOUT, transport.send(mail)).await {
        Ok(result) => result,
        Err(_) => Err(SendError::Transient("timed out".into())),
    };
    match result {
        Ok(()) => {
            auth.store
                .mark_mail_sent(mail.id, lease, clock::now_ms())
                .await?;
            metrics.mail(&mail.kind, "sent");
            let event = Event::success(EventKind::MailSent, "")
                .user(mail.user_id)
                .detail(&mail.kind);
            auth.audit.record(event).await;
        }
        Err(SendError::Transient(error)) => {
            let wait = backoff(mail.attempts);
            tracing::warn!(mail = mail.id, kind = %mail.kind, attempts = mail.attempts, retry_in_ms = wait, %error, "mail not delivered; will retry");
            auth.store
                .mark_mail_retry(mail.id, lease, clock::now_ms() + wait, &error)
                .await?;
            metrics.mail(&mail.kind, "retry");
        }
        Err(SendError::Permanent(error)) => {
            tracing::error!(mail = mail.id, kind = %mail.kind, %error, "mail refused for good");
            auth.store
                .mark_mail_failed(mail.id, lease, clock::now_ms(), &error)
                .await?;
            metrics.mail(&mail.kind, "failed");
            let detail = format!("{}: {error}", mail.kind);
            let event = Event::failure(EventKind::MailFailed, "")
                .user(mail.user_id)
                .detail(&detail);
            auth.audit.record(event).await;
        }
    }
    Ok(())
}

/// Milliseconds to wait after the `attempts`-th failure: 1 s, 2 s, 4 s … capped at 60 s.
fn backoff(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 7) - 1;
    (1_000_i64 << doublings).min(60_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_a_second_doubles_and_caps_at_a_minute() {
        let waits: Vec<i64> = (1..=9).map(backoff).collect();
        assert_eq!(
            waits,
            [
                1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000
            ]
        );
        assert_eq!(backoff(0), 1_000);
    }
}
