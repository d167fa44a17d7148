//! A user's copy of everything Gatehouse holds about them (GDPR Art. 15 and 20): the profile,
//! every stored session, the second factors and passkeys by name, and the audit trail — never
//! a secret (no password hash, TOTP secret, recovery code, passkey key or token).

use super::second_factors::{self, SecondFactors};
use super::users::AccountError;
use super::{Auth, Client, passkeys};
use crate::store::{PasskeyRow, SessionRow, StoredEvent, UserRow};
use crate::telemetry::{Event, EventKind};

/// What the export holds; `http` decides which fields of each row are shown.
pub struct AccountData {
    pub user: UserRow,
    /// Every stored session, ended ones too, newest first.
    pub sessions: Vec<SessionRow>,
    pub second_factors: SecondFactors,
    pub passkeys: Vec<PasskeyRow>,
    /// The whole trail about the user, newest first (this export's own row included).
    pub events: Vec<StoredEvent>,
}

/// Gathers `user_id`'s data, asked for from `session_id`; the export itself is audited first,
/// so the copy shows it.
pub async fn export(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
) -> Result<AccountData, AccountError> {
    let user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(AccountError::UserNotFound)?;
    let event = Event::success(EventKind::DataExported, &client.ip)
        .user(user_id)
        .session(session_id);
    auth.audit.record(event).await;
    Ok(AccountData {
        sessions: auth.store.all_sessions_of_user(user_id).await?,
        second_factors: second_factors::status(auth, user_id).await?,
        passkeys: passkeys::list(auth, user_id).await?,
        events: auth.store.events_of_user(user_id, i64::MAX).await?,
        user,
    })
}
