//! The staff's calls (SPEC "Administration and self-service"): the users list, one user's
//! detail, enabling, disabling and staff status, and ending a user's sessions.

use super::http::{Verb, decode, expect_empty, json};
use super::{ClientError, authorized};
use crate::api::{AdminUserDetail, AdminUserUpdate, EventPage, User, UserPage};

/// One page (from 1, of `page_size`) of the users whose email or username starts with `search`.
pub async fn users(search: &str, page: u32, page_size: u32) -> Result<UserPage, ClientError> {
    // The visitor types the search: encoded, so `&` or `#` stay part of it.
    let search = String::from(js_sys::encode_uri_component(search));
    let path = format!("/api/admin/users/?search={search}&page={page}&page_size={page_size}");
    decode(authorized(Verb::Get, &path, None).await?).await
}

/// A user with their live sessions, second factors and latest events.
pub async fn user(id: i64) -> Result<AdminUserDetail, ClientError> {
    decode(authorized(Verb::Get, &format!("/api/admin/users/{id}/"), None).await?).await
}

/// Enables or disables a user, or grants or revokes staff status; the user as it now is.
pub async fn update_user(id: i64, change: &AdminUserUpdate) -> Result<User, ClientError> {
    let body = json(change)?;
    decode(authorized(Verb::Patch, &format!("/api/admin/users/{id}/"), Some(&body)).await?).await
}

/// Ends every session of a user.
pub async fn sign_out_user(id: i64) -> Result<(), ClientError> {
    let path = format!("/api/admin/users/{id}/logout/");
    expect_empty(authorized(Verb::Post, &path, None).await?).await
}

/// One page (from 1) of the audit trail, newest first, optionally about one user.
pub async fn events(user: Option<i64>, page: u32) -> Result<EventPage, ClientError> {
    let user = user.map(|id| format!("&user={id}")).unwrap_or_default();
    let path = format!("/api/admin/events/?page={page}{user}");
    decode(authorized(Verb::Get, &path, None).await?).await
}
