//! The administration and self-service bodies (SPEC "Administration and self-service"): the
//! staff's paged lists of users and events, a user's detail and the changes staff may make,
//! and a user's export of their own data.

use serde::{Deserialize, Serialize};

use super::account::{SessionInfo, User};
use super::second_factors::MfaStatus;

/// `GET /api/admin/users/`: one page of users (DRF's `PageNumberPagination`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserPage {
    /// Users matching the search, on every page.
    pub count: i64,
    /// The next page's URL; null on the last page.
    pub next: Option<String>,
    /// The previous page's URL; null on the first page.
    pub previous: Option<String>,
    /// Oldest account first.
    pub results: Vec<User>,
}

/// `GET /api/admin/events/`: one page of the audit trail, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventPage {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<AuditEvent>,
}

/// One row of the audit trail. Ids and addresses, never a token, a code or a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// `login`, `refresh`, `logout`, `password_changed`, `user_disabled`, ...
    pub kind: String,
    /// `success` or `failure`.
    pub outcome: String,
    /// The account the event is about; null when there is none (an unknown address).
    pub user_id: Option<i64>,
    pub session_id: Option<String>,
    /// The staff member who acted, for administration events; null otherwise.
    pub actor_id: Option<i64>,
    pub ip: String,
    pub detail: String,
}

/// `GET /api/admin/users/{id}/`: a user, their live sessions, second factors and latest events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminUserDetail {
    pub user: User,
    /// Live sessions, most recently used first (`current` is always false here).
    pub sessions: Vec<SessionInfo>,
    pub second_factors: MfaStatus,
    /// The latest events about the user, newest first (at most 50).
    pub events: Vec<AuditEvent>,
}

/// `PATCH /api/admin/users/{id}/`: the fields present change, the others stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdminUserUpdate {
    /// False disables the account: every session ends at once and sign-in is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Grants or revokes staff status (the Admin pages and this API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_staff: Option<bool>,
}

/// `GET /api/user/export/`: everything Gatehouse holds about the user, secrets excluded
/// (GDPR Art. 20): no password hash, no TOTP secret, no recovery code, no passkey key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountExport {
    /// RFC 3339, UTC: when this export was made.
    pub exported_at: String,
    pub profile: User,
    /// Every stored session, ended ones included (until they are cleaned away).
    pub sessions: Vec<ExportedSession>,
    pub second_factors: MfaStatus,
    /// The audit trail about the user, newest first.
    pub events: Vec<AuditEvent>,
}

/// A stored session in the export: a `SessionInfo` with how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExportedSession {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub last_used_at: String,
    pub expires_at: String,
    /// RFC 3339, UTC; null while the session is live.
    pub revoked_at: Option<String>,
    /// Why it ended (`logout`, `password_changed`, ...); null while live.
    pub revoked_reason: Option<String>,
    pub user_agent: String,
    pub ip: String,
}
