//! Proving the password again before a sensitive change (new password, new address, second
//! factors off or new recovery codes): one rule, audited the same way everywhere.

use super::fields::{self, FieldErrors};
use super::{Auth, Client};
use crate::store::UserRow;
use crate::telemetry::{Event, EventKind};

/// The field message for a wrong password (Django's wording).
const WRONG_PASSWORD: &str = "Your password was entered incorrectly. Please enter it again.";

/// A change a signed-in user asks for (`kind`), from `session_id`.
pub struct SignedInChange<'a> {
    pub user: &'a UserRow,
    pub session_id: &'a str,
    pub kind: EventKind,
}

impl SignedInChange<'_> {
    /// Whether `password` is the user's: the one rule for proving the password again before
    /// a sensitive change (OWASP ASVS 3.3.3, 2.5.x). A wrong one is audited as a failed
    /// `kind` with `detail`; the caller refuses in its own field's words.
    pub async fn password_is(
        &self,
        auth: &Auth,
        client: &Client,
        password: &str,
        detail: &str,
    ) -> anyhow::Result<bool> {
        let matches = auth
            .hasher
            .verify(password, Some(self.user.password_hash.clone()))
            .await?;
        if !matches {
            let event = Event::failure(self.kind, &client.ip)
                .user(self.user.id)
                .session(self.session_id)
                .detail(detail);
            auth.audit.record(event).await;
        }
        Ok(matches)
    }

    /// `password_is` for a form whose field is `password`: the field error to answer when it is
    /// wrong (audited as "wrong password"), `None` when it is the user's.
    pub async fn password_field_error(
        &self,
        auth: &Auth,
        client: &Client,
        password: &str,
    ) -> anyhow::Result<Option<FieldErrors>> {
        let right = self
            .password_is(auth, client, password, "wrong password")
            .await?;
        Ok((!right).then(|| fields::one("password", WRONG_PASSWORD)))
    }
}
