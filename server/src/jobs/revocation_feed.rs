//! PostgreSQL's LISTEN/NOTIFY feed of revoked sessions: a trigger notifies at every
//! revocation's commit, and each instance adds the session to its in-memory set at once.
//! After a gap in the connection (notifications sent then are lost) the set is reloaded.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use crate::auth::{Auth, revoke};

/// The channel the `sessions_notify_revoked` trigger notifies (see the PostgreSQL migration).
const CHANNEL: &str = "gatehouse_session_revoked";
/// How often a lost connection is retried and a pending reload attempted.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Listens until the runtime stops, reconnecting by itself.
pub fn spawn(auth: Arc<Auth>, pool: PgPool) {
    tokio::spawn(async move {
        // Start with a reload: revocations made before the first LISTEN would be missed.
        let mut reload_pending = true;
        loop {
            let mut listener = match connect(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "revocation feed: cannot listen yet");
                    tokio::time::sleep(RETRY_EVERY).await;
                    continue;
                }
            };
            let mut retry = tokio::time::interval(RETRY_EVERY);
            loop {
                tokio::select! {
                    received = listener.try_recv() => match received {
                        Ok(Some(notification)) => apply(&auth, notification.payload()),
                        // The connection dropped: the next try_recv reconnects, but what was
                        // notified meanwhile is gone.
                        Ok(None) => reload_pending = true,
                        Err(error) => {
                            tracing::warn!(%error, "revocation feed: connection lost");
                            reload_pending = true;
                            break;
                        }
                    },
                    _ = retry.tick(), if reload_pending => {
                        reload_pending = reload(&auth).await.is_err();
                    }
                }
            }
            tokio::time::sleep(RETRY_EVERY).await;
        }
    });
}

async fn connect(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// `payload` is "<session id> <revoked_at>".
fn apply(auth: &Auth, payload: &str) {
    match payload
        .split_once(' ')
        .and_then(|(id, at)| Some((id, at.parse::<i64>().ok()?)))
    {
        Some((id, revoked_at)) => revoke::remember_revoked(auth, id, revoked_at),
        None => tracing::warn!(payload, "revocation feed: unreadable notification"),
    }
}

/// Reloads every revocation whose access tokens may still be alive (after a gap).
async fn reload(auth: &Auth) -> sqlx::Result<()> {
    revoke::load_revocations(auth)
        .await
        .inspect_err(|error| tracing::warn!(%error, "revocation feed: reload failed, will retry"))
}
