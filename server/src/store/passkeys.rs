//! The `passkeys`, `passkey_users` and `webauthn_ceremonies` tables: an account's passkeys, the
//! WebAuthn user handle it presents to authenticators, and ceremonies between begin and finish.
//! A ceremony is taken (deleted) by the statement that reads it, so of concurrent finishes of
//! one challenge exactly one gets it.

use super::pool::{Store, on_pool, on_writer};

/// A passkey as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    pub id: String,
    pub user_id: i64,
    pub name: String,
    /// webauthn-rs's `Passkey` as JSON.
    pub credential: String,
    pub sign_count: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A passkey to store.
#[derive(Debug, Clone, Copy)]
pub struct NewPasskey<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub credential_id: &'a str,
    pub name: &'a str,
    pub credential: &'a str,
    pub sign_count: i64,
    pub now: i64,
}

/// A ceremony to store.
#[derive(Debug, Clone, Copy)]
pub struct NewCeremony<'a> {
    pub id: &'a str,
    /// `register` or `sign_in`.
    pub kind: &'a str,
    /// The account registering; `None` for a sign-in.
    pub user_id: Option<i64>,
    pub state: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// Why a passkey could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum AddPasskeyError {
    /// Its credential id is registered already (to this account or another).
    #[error("credential already registered")]
    CredentialTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The columns of `PasskeyRow`.
const COLUMNS: &str = "id, user_id, name, credential, sign_count, created_at, last_used_at";

impl Store {
    /// The WebAuthn user handle of `user_id`: the stored one, or `new_handle`, stored now.
    pub async fn passkey_user_handle(
        &self,
        user_id: i64,
        new_handle: &str,
    ) -> sqlx::Result<String> {
        // A no-op update on conflict, so RETURNING gives the handle that was there first,
        // whichever of two concurrent registrations stores one.
        on_writer!(self, |pool| sqlx::query_scalar(
            "INSERT INTO passkey_users (user_id, handle) VALUES ($1, $2)
             ON CONFLICT (user_id) DO UPDATE SET handle = passkey_users.handle
             RETURNING handle"
        )
        .bind(user_id)
        .bind(new_handle)
        .fetch_one(pool)
        .await)
    }

    /// The account whose WebAuthn user handle is `handle`.
    pub async fn user_of_passkey_handle(&self, handle: &str) -> sqlx::Result<Option<i64>> {
        on_pool!(self, |pool| sqlx::query_scalar(
            "SELECT user_id FROM passkey_users WHERE handle = $1"
        )
        .bind(handle)
        .fetch_optional(pool)
        .await)
    }

    /// Stores a ceremony's state.
    pub async fn create_ceremony(&self, ceremony: NewCeremony<'_>) -> sqlx::Result<()> {
        on_writer!(self, |pool| sqlx::query(
            "INSERT INTO webauthn_ceremonies (id, kind, user_id, state, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(ceremony.id)
        .bind(ceremony.kind)
        .bind(ceremony.user_id)
        .bind(ceremony.state)
        .bind(ceremony.now)
        .bind(ceremony.expires_at)
        .execute(pool)
        .await
        .map(drop))
    }

    /// Takes ceremony `id` of `kind` (and of `user_id`, for a registration): deletes it and
    /// returns its state if it was live at `now`. Deleted whatever comes next, so a challenge
    /// is answered at most once; `None` if unknown, taken, expired or another's.
    pub async fn take_ceremony(
        &self,
        id: &str,
        kind: &str,
        user_id: Option<i64>,
        now: i64,
    ) -> sqlx::Result<Option<String>> {
        let state: Option<(String, i64)> = on_writer!(self, |pool| sqlx::query_as(
            "DELETE FROM webauthn_ceremonies
             WHERE id = $1 AND kind = $2 AND user_id IS NOT DISTINCT FROM $3
             RETURNING state, expires_at"
        )
        .bind(id)
        .bind(kind)
        .bind(user_id)
        .fetch_optional(pool)
        .await)?;
        Ok(state.and_then(|(state, expires_at)| (expires_at > now).then_some(state)))
    }

    /// Deletes ceremonies that expired before `now`. Returns how many.
    pub async fn delete_expired_ceremonies(&self, now: i64) -> sqlx::Result<u64> {
        on_writer!(self, |pool| sqlx::query(
            "DELETE FROM webauthn_ceremonies WHERE expires_at <= $1"
        )
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    }

    /// Stores a new passkey; its credential id must be no other passkey's.
    pub async fn add_passkey(&self, passkey: NewPasskey<'_>) -> Result<(), AddPasskeyError> {
        on_writer!(self, |pool| sqlx::query(
            "INSERT INTO passkeys
                 (id, user_id, credential_id, name, credential, sign_count, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(passkey.id)
        .bind(passkey.user_id)
        .bind(passkey.credential_id)
        .bind(passkey.name)
        .bind(passkey.credential)
        .bind(passkey.sign_count)
        .bind(passkey.now)
        .execute(pool)
        .await
        .map(drop))
        .map_err(|error| match error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AddPasskeyError::CredentialTaken
            }
            error => AddPasskeyError::Database(error),
        })
    }

    /// The passkeys of `user_id`, oldest first.
    pub async fn passkeys_of(&self, user_id: i64) -> sqlx::Result<Vec<PasskeyRow>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .bind(user_id)
        .fetch_all(pool)
        .await)
    }

    /// The passkey whose credential id is `credential_id` (base64url).
    pub async fn passkey_by_credential(
        &self,
        credential_id: &str,
    ) -> sqlx::Result<Option<PasskeyRow>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM passkeys WHERE credential_id = $1"
        ))
        .bind(credential_id)
        .fetch_optional(pool)
        .await)
    }

    /// Records a sign-in with passkey `id`: its new `credential` and `sign_count`, and
    /// `last_used_at`. Only if the stored counter is below the new one (or both are 0: an
    /// authenticator that keeps no counter), in one conditional statement, so of two
    /// assertions with one counter value, concurrent or not, one at most is accepted.
    pub async fn use_passkey(
        &self,
        id: &str,
        credential: &str,
        sign_count: i64,
        now: i64,
    ) -> sqlx::Result<bool> {
        let updated = on_writer!(self, |pool| sqlx::query(
            "UPDATE passkeys SET credential = $2, sign_count = $3, last_used_at = $4
             WHERE id = $1 AND (sign_count < $3 OR (sign_count = 0 AND $3 = 0))"
        )
        .bind(id)
        .bind(credential)
        .bind(sign_count)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(updated == 1)
    }

    /// Renames passkey `id` of `user_id`; `None` if it is no passkey of theirs.
    pub async fn rename_passkey(
        &self,
        id: &str,
        user_id: i64,
        name: &str,
    ) -> sqlx::Result<Option<PasskeyRow>> {
        on_writer!(self, |pool| sqlx::query_as(&format!(
            "UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(user_id)
        .bind(name)
        .fetch_optional(pool)
        .await)
    }

    /// Deletes passkey `id` of `user_id`; `false` if it is no passkey of theirs.
    pub async fn delete_passkey(&self, id: &str, user_id: i64) -> sqlx::Result<bool> {
        let deleted = on_writer!(self, |pool| sqlx::query(
            "DELETE FROM passkeys WHERE id = $1 AND user_id = $2"
        )
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(deleted == 1)
    }
}
