//! The account as the API shows it: the user object and the user's sessions.

use serde::{Deserialize, Serialize};

/// `GET /api/user/` and the `user` of sign-in answers (seed 004).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub first_name: String,
    pub last_name: String,
    /// RFC 3339, UTC.
    pub date_joined: String,
    /// Whether the address was proven by a link mailed to it (`EMAIL_VERIFICATION`).
    pub email_verified: bool,
    /// False once staff disabled the account (Django's name): it cannot sign in.
    pub is_active: bool,
    /// Whether the user may use the Admin pages and `/api/admin/` (Django's name).
    pub is_staff: bool,
}

/// One entry of `GET /api/sessions/`: where the user is signed in. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC: the last sign-in or refresh.
    pub last_used_at: String,
    /// RFC 3339, UTC: the absolute end.
    pub expires_at: String,
    pub user_agent: String,
    pub ip: String,
    /// Whether this is the session making the request.
    pub current: bool,
}
