//! The Admin pages, for staff: the users with search and paging, and one user's page with
//! their sessions, second factors and recent events, where staff disable or enable the
//! account, end its sessions and grant or revoke staff status. Their parts are wasm files of
//! their own (`cargo leptos --split`): only staff who open them download them.
//!
//! The server decides who is staff on every call, so the pages show nothing of the data until
//! the first call answered: a signed-in visitor who is not staff sees the refusal, never a
//! flash of users.

mod actions;
mod refusal;
mod user;
mod users;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::components::{Protected, lazy_view};
use user::UserDetail;
use users::UserList;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <Title text="Users · Admin · Gatehouse"/>
        <section class="card admin" aria-live="polite">
            <Protected>
                {lazy_view(user_list(), "Loading…")}
            </Protected>
        </section>
    }
}

/// The users table, in a wasm file of its own (see `lazy_view`).
#[lazy]
fn user_list() -> AnyView {
    view! { <UserList/> }.into_any()
}

/// The id in `/admin/users/{id}`, if it is one.
fn user_id(path: &str) -> Option<i64> {
    path.strip_prefix("/admin/users/")?
        .trim_end_matches('/')
        .parse()
        .ok()
}

#[component]
pub fn AdminUserPage() -> impl IntoView {
    // Read from the address rather than the route's parameters: `CurrentPage` shows the page
    // outside the router's routes, and going from one user's page to another's keeps the page.
    let location = use_location();
    let id = Memo::new(move |_| location.pathname.with(|path| user_id(path)));
    view! {
        <Title text="User · Admin · Gatehouse"/>
        <section class="card admin" aria-live="polite">
            <Protected>
                {move || match id.get() {
                    Some(id) => Either::Left(lazy_view(user_detail(id), "Loading…")),
                    None => Either::Right(view! { <p class="alert" role="alert">"This is not a user's address."</p> }),
                }}
            </Protected>
        </section>
    }
}

/// One user's page, in a wasm file of its own (see `lazy_view`).
#[lazy]
fn user_detail(id: i64) -> AnyView {
    view! { <UserDetail id/> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_page_address_names_the_user_id() {
        assert_eq!(user_id("/admin/users/42"), Some(42));
        assert_eq!(user_id("/admin/users/42/"), Some(42));
        assert_eq!(user_id("/admin/users/abc"), None);
        assert_eq!(user_id("/admin"), None);
    }
}
