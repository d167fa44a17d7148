//! Administration (SPEC "Administration and self-service"): who counts as staff, and what
//! staff may do to accounts — list and search them, read one with its sessions and events,
//! disable or enable it, grant or revoke staff status, end its sessions — and the paged audit
//! trail. Staff status is read from the database on every call, never from a token, so a
//! revoked member loses access at their next request (OWASP ASVS 4.1.3: least privilege,
//! checked server-side on each request). Every change is audited with the acting member.

mod error;
mod paging;

pub use error::AdminError;
pub use paging::{Page, Paging};

use super::fields::{self, FieldErrors};
use super::second_factors::{self, SecondFactors};
use super::{Auth, Client, passkeys, revoke};
use crate::clock;
use crate::store::{EventFilter, PasskeyRow, SessionRow, Store, StoredEvent, UserRow, UserSearch};
use crate::telemetry::{Audit, Event, EventKind};

/// How many of a user's latest events their detail shows.
pub const RECENT_EVENTS: i64 = 50;

/// Proof that the caller is active staff, as the database says now: only `authorize` makes
/// one, and every use case here takes one.
#[derive(Debug, Clone, Copy)]
pub struct Staff {
    pub id: i64,
}

/// Checks that `user_id` (from a valid access token) is an active staff member right now.
pub async fn authorize(auth: &Auth, user_id: i64) -> Result<Staff, AdminError> {
    match auth.store.user_by_id(user_id).await? {
        Some(user) if user.is_active && user.is_staff => Ok(Staff { id: user.id }),
        _ => Err(AdminError::PermissionDenied),
    }
}

/// A page of users, oldest first; `search` (trimmed, empty = all) matches a prefix of the
/// email or the username.
pub async fn users(
    auth: &Auth,
    _staff: Staff,
    search: Option<&str>,
    paging: Paging,
) -> Result<Page<UserRow>, AdminError> {
    let prefix = search.map(str::trim).filter(|prefix| !prefix.is_empty());
    let (count, users) = auth
        .store
        .search_users(UserSearch {
            prefix,
            offset: paging.offset(),
            limit: paging.page_size,
        })
        .await?;
    paging.page(count, users)
}

/// Everything staff see of one user.
pub struct UserDetail {
    pub user: UserRow,
    /// Live sessions, most recently used first.
    pub sessions: Vec<SessionRow>,
    pub second_factors: SecondFactors,
    pub passkeys: Vec<PasskeyRow>,
    /// The latest `RECENT_EVENTS` events about the user, newest first.
    pub events: Vec<StoredEvent>,
}

pub async fn user_detail(
    auth: &Auth,
    _staff: Staff,
    user_id: i64,
) -> Result<UserDetail, AdminError> {
    let user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(AdminError::NotFound)?;
    let now = clock::now();
    let sessions = auth
        .store
        .live_sessions(user_id, now, auth.policy.idle_cutoff(now))
        .await?;
    Ok(UserDetail {
        sessions,
        second_factors: second_factors::status(auth, user_id).await?,
        passkeys: passkeys::list(auth, user_id).await?,
        events: auth.store.events_of_user(user_id, RECENT_EVENTS).await?,
        user,
    })
}

/// A change staff ask for: the fields given change, the others stay.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserChange {
    pub is_active: Option<bool>,
    pub is_staff: Option<bool>,
}

/// Applies `change` to `user_id`. Staff cannot disable themselves or drop their own staff
/// status, so the last member cannot lock everyone out by mistake (and a stolen session
/// cannot hide by demoting its owner). Disabling ends every session of the user at once, on
/// every instance (the revocation path logout takes). Each flag that changes is audited with
/// the acting member.
pub async fn change_user(
    auth: &Auth,
    staff: Staff,
    client: &Client,
    user_id: i64,
    change: UserChange,
) -> Result<UserRow, AdminError> {
    if let Some(errors) = refused_on_oneself(staff, user_id, change) {
        return Err(AdminError::Invalid(errors));
    }
    let mut user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(AdminError::NotFound)?;
    if let Some(active) = change.is_active.filter(|active| *active != user.is_active) {
        let kind = if active {
            EventKind::UserEnabled
        } else {
            EventKind::UserDisabled
        };
        let now = clock::now();
        let (updated, ended) = auth
            .store
            .set_user_active(user_id, active, kind.as_str(), now)
            .await?
            .ok_or(AdminError::NotFound)?;
        revoke::remember_all_revoked(auth, &ended, now);
        let detail = format!("{} sessions ended", ended.len());
        let event = Event::success(kind, &client.ip)
            .user(user_id)
            .actor(staff.id)
            .detail(&detail);
        auth.audit.record(event).await;
        user = updated;
    }
    if let Some(is_staff) = change
        .is_staff
        .filter(|is_staff| *is_staff != user.is_staff)
    {
        user = auth
            .store
            .set_user_staff(user_id, is_staff)
            .await?
            .ok_or(AdminError::NotFound)?;
        let kind = if is_staff {
            EventKind::StaffGranted
        } else {
            EventKind::StaffRevoked
        };
        let event = Event::success(kind, &client.ip)
            .user(user_id)
            .actor(staff.id);
        auth.audit.record(event).await;
    }
    Ok(user)
}

/// What of `change` staff may not do to their own account (`None`: all of it is allowed):
/// disable it, or drop their own staff status.
fn refused_on_oneself(staff: Staff, user_id: i64, change: UserChange) -> Option<FieldErrors> {
    if user_id != staff.id {
        return None;
    }
    let mut errors = FieldErrors::new();
    if change.is_active == Some(false) {
        errors.extend(fields::one(
            "is_active",
            "You cannot disable your own account.",
        ));
    }
    if change.is_staff == Some(false) {
        errors.extend(fields::one(
            "is_staff",
            "You cannot remove your own staff status.",
        ));
    }
    (!errors.is_empty()).then_some(errors)
}

/// Ends every session of `user_id` ("sign out everywhere" by staff).
pub async fn end_sessions(
    auth: &Auth,
    staff: Staff,
    client: &Client,
    user_id: i64,
) -> Result<(), AdminError> {
    if auth.store.user_by_id(user_id).await?.is_none() {
        return Err(AdminError::NotFound);
    }
    let now = clock::now();
    let ended = auth
        .store
        .revoke_user_sessions(user_id, None, EventKind::AdminLogout.as_str(), now)
        .await?;
    revoke::remember_all_revoked(auth, &ended, now);
    let detail = format!("{} sessions", ended.len());
    let event = Event::success(EventKind::AdminLogout, &client.ip)
        .user(user_id)
        .actor(staff.id)
        .detail(&detail);
    auth.audit.record(event).await;
    Ok(())
}

/// `server users grant-staff` / `revoke-staff`: sets staff status by email from the command
/// line (no acting member: the row says so). `None` if no user has that address.
pub async fn set_staff_by_email(
    store: &Store,
    audit: &Audit,
    email: &str,
    staff: bool,
) -> sqlx::Result<Option<UserRow>> {
    let Some(user) = store.user_by_email(email).await? else {
        return Ok(None);
    };
    let Some(user) = store.set_user_staff(user.id, staff).await? else {
        return Ok(None);
    };
    let kind = if staff {
        EventKind::StaffGranted
    } else {
        EventKind::StaffRevoked
    };
    audit
        .record(
            Event::success(kind, "")
                .user(user.id)
                .detail("command line"),
        )
        .await;
    Ok(Some(user))
}

/// A page of the audit trail, newest first, filtered by user and/or kind.
pub async fn events(
    auth: &Auth,
    _staff: Staff,
    filter: EventFilter<'_>,
    paging: Paging,
) -> Result<Page<StoredEvent>, AdminError> {
    let (count, events) = auth
        .store
        .events_page(filter, paging.offset(), paging.page_size)
        .await?;
    paging.page(count, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAFF: Staff = Staff { id: 7 };

    fn change(is_active: Option<bool>, is_staff: Option<bool>) -> UserChange {
        UserChange {
            is_active,
            is_staff,
        }
    }

    #[test]
    fn staff_cannot_disable_or_demote_themselves() {
        let errors = refused_on_oneself(STAFF, 7, change(Some(false), Some(false))).unwrap();
        assert_eq!(
            errors.keys().copied().collect::<Vec<_>>(),
            ["is_active", "is_staff"]
        );
        assert!(refused_on_oneself(STAFF, 7, change(Some(false), None)).is_some());
        assert!(refused_on_oneself(STAFF, 7, change(None, Some(false))).is_some());
    }

    #[test]
    fn staff_may_confirm_their_own_status_and_change_anyone_else() {
        assert!(refused_on_oneself(STAFF, 7, change(Some(true), Some(true))).is_none());
        assert!(refused_on_oneself(STAFF, 7, change(None, None)).is_none());
        assert!(refused_on_oneself(STAFF, 8, change(Some(false), Some(false))).is_none());
    }
}
