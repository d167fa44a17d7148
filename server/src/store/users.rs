//! The `users` table.

use super::pool::{Store, on_pool, on_writer};

/// Why an insert into `users` was refused.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("email already registered")]
    EmailTaken,
    #[error("username already taken")]
    UsernameTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A user as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub date_joined: i64,
    /// When the address was verified; `None` while it is not.
    pub email_verified_at: Option<i64>,
    /// False once staff disabled the account.
    pub is_active: bool,
    /// May use the administration API.
    pub is_staff: bool,
}

/// What registration inserts; every field already validated.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub date_joined: i64,
}

pub(super) const USER_COLUMNS: &str = "id, email, username, password_hash, first_name, last_name, \
     date_joined, email_verified_at, is_active, is_staff";

/// Ends every live mailed link (`account_tokens`) of user `$2`, whatever its purpose, at `$1`:
/// a new password ends every link sent before it (a pending change of address above all:
/// whoever asked for it may be the attacker the new password locks out).
pub(super) const END_ALL_USER_TOKENS: &str = "UPDATE account_tokens SET used_at = $1
     WHERE user_id = $2 AND used_at IS NULL";

/// Whether `error` is the UNIQUE constraint on `users.email` (two accounts, one mailbox).
pub(super) fn is_email_conflict(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains("email"))
}

impl Store {
    /// Inserts a user; the UNIQUE constraints (not a prior SELECT) decide duplicates, so two
    /// concurrent registrations of one email cannot both succeed.
    pub async fn create_user(&self, user: NewUser<'_>) -> Result<UserRow, CreateUserError> {
        on_writer!(self, |pool| sqlx::query_as::<_, UserRow>(&format!(
            "INSERT INTO users (email, username, password_hash, first_name, last_name, date_joined)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
        ))
        .bind(user.email)
        .bind(user.username)
        .bind(user.password_hash)
        .bind(user.first_name)
        .bind(user.last_name)
        .bind(user.date_joined)
        .fetch_one(pool)
        .await)
        .map_err(|error| match &error {
            _ if is_email_conflict(&error) => CreateUserError::EmailTaken,
            sqlx::Error::Database(db) if db.is_unique_violation() => CreateUserError::UsernameTaken,
            _ => CreateUserError::Database(error),
        })
    }

    pub async fn user_by_email(&self, email: &str) -> sqlx::Result<Option<UserRow>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(pool)
        .await)
    }

    pub async fn user_by_id(&self, id: i64) -> sqlx::Result<Option<UserRow>> {
        on_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await)
    }

    /// Sets the names given (`None` keeps the stored one); `None` if the user is gone.
    pub async fn update_names(
        &self,
        user_id: i64,
        first_name: Option<&str>,
        last_name: Option<&str>,
    ) -> sqlx::Result<Option<UserRow>> {
        on_writer!(self, |pool| {
            sqlx::query_as(&format!(
            "UPDATE users SET first_name = COALESCE($1, first_name), last_name = COALESCE($2, last_name)
             WHERE id = $3 RETURNING {USER_COLUMNS}"
        ))
        .bind(first_name)
        .bind(last_name)
        .bind(user_id)
        .fetch_optional(pool)
        .await
        })
    }

    /// Replaces the password hash of `user_id`; every unused link of the user (reset, change of
    /// address, verification) ends with the old password (OWASP Forgot Password Cheat Sheet).
    pub async fn set_password_hash(
        &self,
        user_id: i64,
        password_hash: &str,
        now: i64,
    ) -> sqlx::Result<()> {
        on_writer!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(END_ALL_USER_TOKENS)
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }
}
