//! The one place domain values become the API's JSON types (`app::api`, shared with the
//! browser): token pairs, users and sessions.

use app::api::{SessionInfo, TokenPair, User};

use crate::auth::tokens::IssuedPair;
use crate::clock::rfc3339;
use crate::store::{SessionRow, UserRow};

impl From<IssuedPair> for TokenPair {
    fn from(pair: IssuedPair) -> Self {
        Self {
            access: pair.access,
            refresh: pair.refresh,
        }
    }
}

/// The API's view of a stored user (never the password hash).
pub fn user(row: &UserRow) -> User {
    User {
        id: row.id,
        email: row.email.clone(),
        username: row.username.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        date_joined: rfc3339(row.date_joined),
    }
}

/// The API's view of a live session; `current` if it is the one asking.
pub fn session(row: SessionRow, current_id: &str) -> SessionInfo {
    SessionInfo {
        current: row.id == current_id,
        created_at: rfc3339(row.created_at),
        last_used_at: rfc3339(row.last_used_at),
        expires_at: rfc3339(row.expires_at),
        user_agent: row.user_agent,
        ip: row.ip,
        id: row.id,
    }
}
