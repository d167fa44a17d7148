//! `/api/admin/`: the staff's users (search, detail, disable/enable, staff status, sign out
//! everywhere) and the audit trail, paged as DRF pages. Every operation checks staff status
//! against the database first (`StaffMember`).

use app::api::{AdminUserDetail, AdminUserUpdate, EventPage, User, UserPage};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::admin::{self, Page, UserChange};
use crate::http::error::{ApiError, BadRequestBody, Detail};
use crate::http::extract::{AppJson, AppPath, AppQuery, ClientInfo, StaffMember};
use crate::http::openapi::{BearerRefused, JsonBody, NotStaff, Unavailable};
use crate::http::state::AppState;
use crate::http::views;
use crate::store::EventFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users))
        .routes(routes!(user_detail, update_user))
        .routes(routes!(logout_user))
        .routes(routes!(events))
}

/// `?search=&page=&page_size=` of the users list. Read as text so a wrong value gets the
/// paging's own answer (404 "Invalid page.", or a `page_size` field error).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// A prefix of the email (any case) or of the username (as stored).
    search: Option<String>,
    /// From 1; a page past the last is 404 "Invalid page.".
    #[param(value_type = Option<i64>, minimum = 1)]
    page: Option<String>,
    /// 1 to 100; 20 when absent.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    page_size: Option<String>,
}

/// `?user=&kind=&page=&page_size=` of the event log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EventsQuery {
    /// Only events about this user id.
    #[param(value_type = Option<i64>)]
    user: Option<String>,
    /// Only events of this kind (`login`, `user_disabled`, ...).
    kind: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1)]
    page: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    page_size: Option<String>,
}

/// The absolute URLs of the pages around `page` (DRF's `next` and `previous`): the same
/// query with another `page`.
fn page_links<T>(
    state: &AppState,
    path: &str,
    page: &Page<T>,
    filters: &[(&str, Option<&str>)],
) -> (Option<String>, Option<String>) {
    let link = |number: i64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        query.append_pair("page", &number.to_string());
        query.append_pair("page_size", &page.paging.page_size.to_string());
        format!(
            "{}/api/{path}/?{}",
            state.auth.email.public_url.trim_end_matches('/'),
            query.finish()
        )
    };
    let number = page.paging.page;
    (
        page.has_next().then(|| link(number + 1)),
        page.has_previous().then(|| link(number - 1)),
    )
}

/// Users, oldest account first, searched by a prefix of their email or username.
#[utoipa::path(
    get,
    path = "/admin/users",
    tag = "admin",
    security(("bearer" = [])),
    params(UsersQuery),
    responses(
        (status = 200, description = "One page of users", body = UserPage),
        (status = 400, description = "`page_size` outside 1 to 100", body = BadRequestBody),
        BearerRefused,
        NotStaff,
        (status = 404, description = "A page past the last: \"Invalid page.\"", body = Detail),
        Unavailable,
    )
)]
async fn users(
    State(state): State<AppState>,
    StaffMember(staff): StaffMember,
    AppQuery(query): AppQuery<UsersQuery>,
) -> Result<Json<UserPage>, ApiError> {
    let paging = admin::Paging::parse(query.page.as_deref(), query.page_size.as_deref())?;
    let page = admin::users(&state.auth, staff, query.search.as_deref(), paging).await?;
    let (next, previous) = page_links(
        &state,
        "admin/users",
        &page,
        &[("search", query.search.as_deref())],
    );
    Ok(Json(UserPage {
        count: page.count,
        next,
        previous,
        results: page.items.iter().map(views::user).collect(),
    }))
}

/// A user with their live sessions, second factors and latest events.
#[utoipa::path(
    get,
    path = "/admin/users/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user in detail", body = AdminUserDetail),
        BearerRefused,
        NotStaff,
        (status = 404, description = "No such user", body = Detail),
        Unavailable,
    )
)]
async fn user_detail(
    State(state): State<AppState>,
    StaffMember(staff): StaffMember,
    AppPath(id): AppPath<i64>,
) -> Result<Json<AdminUserDetail>, ApiError> {
    let detail = admin::user_detail(&state.auth, staff, id).await?;
    Ok(Json(AdminUserDetail {
        user: views::user(&detail.user),
        sessions: detail
            .sessions
            .into_iter()
            .map(|row| views::session(row, ""))
            .collect(),
        second_factors: views::mfa_status(detail.second_factors, detail.passkeys),
        events: detail.events.into_iter().map(views::event).collect(),
    }))
}

/// Disables or enables a user, grants or revokes staff status. Disabling ends every session
/// of the user at once, on every instance. Staff cannot disable or demote themselves.
#[utoipa::path(
    patch,
    path = "/admin/users/{id}",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The user's id")),
    request_body = AdminUserUpdate,
    responses(
        (status = 200, description = "The user as changed", body = User),
        (status = 400, description = "A change staff may not make to themselves (`is_active`, \
                                      `is_staff`), or a body that is not a JSON object",
         body = BadRequestBody),
        BearerRefused,
        NotStaff,
        (status = 404, description = "No such user", body = Detail),
        JsonBody,
        Unavailable,
    )
)]
async fn update_user(
    State(state): State<AppState>,
    StaffMember(staff): StaffMember,
    ClientInfo(client): ClientInfo,
    AppPath(id): AppPath<i64>,
    AppJson(body): AppJson<AdminUserUpdate>,
) -> Result<Json<User>, ApiError> {
    let change = UserChange {
        is_active: body.is_active,
        is_staff: body.is_staff,
    };
    let user = admin::change_user(&state.auth, staff, &client, id, change).await?;
    // The user's own `GET /api/user/` shows the new flags at once on this instance.
    let user = state.users.put(views::user(&user));
    Ok(Json(User::clone(&user)))
}

/// Ends every session of a user: their tokens stop working on every instance.
#[utoipa::path(
    post,
    path = "/admin/users/{id}/logout",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Every session of the user ended"),
        BearerRefused,
        NotStaff,
        (status = 404, description = "No such user", body = Detail),
        Unavailable,
    )
)]
async fn logout_user(
    State(state): State<AppState>,
    StaffMember(staff): StaffMember,
    ClientInfo(client): ClientInfo,
    AppPath(id): AppPath<i64>,
) -> Result<StatusCode, ApiError> {
    admin::end_sessions(&state.auth, staff, &client, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The audit trail, newest first, filtered by user and/or kind.
#[utoipa::path(
    get,
    path = "/admin/events",
    tag = "admin",
    security(("bearer" = [])),
    params(EventsQuery),
    responses(
        (status = 200, description = "One page of events", body = EventPage),
        (status = 400, description = "`user` not a whole number, or `page_size` outside 1 to 100",
         body = BadRequestBody),
        BearerRefused,
        NotStaff,
        (status = 404, description = "A page past the last: \"Invalid page.\"", body = Detail),
        Unavailable,
    )
)]
async fn events(
    State(state): State<AppState>,
    StaffMember(staff): StaffMember,
    AppQuery(query): AppQuery<EventsQuery>,
) -> Result<Json<EventPage>, ApiError> {
    let user_id = match query.user.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .map_err(|_| ApiError::field("user", "A valid integer is required."))?,
        ),
    };
    let kind = query.kind.as_deref().filter(|kind| !kind.is_empty());
    let paging = admin::Paging::parse(query.page.as_deref(), query.page_size.as_deref())?;
    let filter = EventFilter { user_id, kind };
    let page = admin::events(&state.auth, staff, filter, paging).await?;
    let user = user_id.map(|id| id.to_string());
    let (next, previous) = page_links(
        &state,
        "admin/events",
        &page,
        &[("user", user.as_deref()), ("kind", kind)],
    );
    Ok(Json(EventPage {
        count: page.count,
        next,
        previous,
        results: page.items.into_iter().map(views::event).collect(),
    }))
}
