//! The users table: a search by email or username prefix (sent as the staff member types,
//! after a pause), and paging.

use gloo_timers::future::TimeoutFuture;
use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::refusal::{Refusal, RefusalNotice};
use crate::api::{User, UserPage};
use crate::auth::use_auth;
use crate::client;

/// Users per page (the server's default too).
const PAGE_SIZE: u32 = 20;
/// How long typing must pause before the search is sent: one request per word, not per key.
const SEARCH_PAUSE_MS: u32 = 300;

/// The number of pages for `count` users: at least one, the empty one.
fn page_count(count: i64) -> i64 {
    let size = i64::from(PAGE_SIZE);
    ((count.max(0) + size - 1) / size).max(1)
}

/// What the table shows: a search and a page of its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    search: String,
    page: u32,
}

#[component]
pub fn UserList() -> impl IntoView {
    let auth = use_auth();
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(Query {
        search: String::new(),
        page: 1,
    });
    let found = RwSignal::new(None::<UserPage>);
    let refusal = RwSignal::new(None::<Refusal>);
    // Answers may arrive out of order while the staff member types: only the latest counts.
    let latest = StoredValue::new(0_u32);

    Effect::new(move || {
        let Query { search, page } = query.get();
        let ticket = latest.get_value().wrapping_add(1);
        latest.set_value(ticket);
        spawn_local(async move {
            let answer = client::admin::users(&search, page, PAGE_SIZE).await;
            if latest.try_get_value() != Some(ticket) {
                return;
            }
            match answer {
                Ok(users) => {
                    refusal.set(None);
                    found.set(Some(users));
                }
                Err(error) => refusal.set(Some(Refusal::of(error, auth))),
            }
        });
    });

    let search_now = move |search: String| {
        if query.with_untracked(|shown| shown.search != search) {
            query.set(Query { search, page: 1 });
        }
    };
    let on_input = move |text: String| {
        typed.set(text.clone());
        spawn_local(async move {
            TimeoutFuture::new(SEARCH_PAUSE_MS).await;
            // Still what the box says, so typing has paused.
            if typed.try_get_untracked().as_ref() == Some(&text) {
                search_now(text);
            }
        });
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        search_now(typed.get_untracked());
    };
    let turn = move |step: i32| {
        query.update(|shown| shown.page = shown.page.saturating_add_signed(step).max(1));
    };

    let forbidden = Memo::new(move |_| refusal.get() == Some(Refusal::Forbidden));
    let ready = Memo::new(move |_| found.with(Option::is_some));
    move || {
        if forbidden.get() {
            EitherOf3::A(view! { <RefusalNotice refusal=Refusal::Forbidden/> })
        } else if ready.get() {
            EitherOf3::B(view! {
                <h1>"Users"</h1>
                <p class="lead">"Everyone with an account. Open one to disable it, end its sessions or change its staff status."</p>
                <form class="search" role="search" on:submit=on_submit>
                    <label for="user-search">"Search"</label>
                    <input id="user-search" type="search" placeholder="Email or username starts with…"
                        autocomplete="off" prop:value=move || typed.get()
                        on:input:target=move |event| on_input(event.target().value())/>
                    <button type="submit" class="secondary compact">"Search"</button>
                </form>
                {move || refusal.get().map(|refusal| view! { <RefusalNotice refusal/> })}
                <UserTable found/>
                <Pager found query turn/>
            })
        } else {
            EitherOf3::C(move || match refusal.get() {
                Some(refusal) => Either::Left(view! { <RefusalNotice refusal/> }),
                None => Either::Right(view! { <p class="muted">"Loading users…"</p> }),
            })
        }
    }
}

#[component]
fn UserTable(found: RwSignal<Option<UserPage>>) -> impl IntoView {
    let users = move || found.with(|page| page.as_ref().map(|page| page.results.clone()));
    view! {
        <div class="table-scroll">
            <table class="admin-table" data-testid="admin-users">
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Username"</th>
                        <th scope="col">"Joined"</th>
                        <th scope="col">"Active"</th>
                        <th scope="col">"Staff"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || users().unwrap_or_default() key=|user| user.id let:user>
                        <UserRow user/>
                    </For>
                </tbody>
            </table>
        </div>
        <Show when=move || found.with(|page| page.as_ref().is_some_and(|page| page.results.is_empty()))>
            <p class="muted">"No user's email or username starts with that."</p>
        </Show>
    }
}

#[component]
fn UserRow(user: User) -> impl IntoView {
    let joined = user.date_joined.get(..10).unwrap_or_default().to_owned();
    view! {
        <tr class:inactive=!user.is_active>
            <td><a href=format!("/admin/users/{}", user.id)>{user.email}</a></td>
            <td>{user.username}</td>
            <td>{joined}</td>
            <td>{if user.is_active { "Yes" } else { "Disabled" }}</td>
            <td>{if user.is_staff { "Staff" } else { "—" }}</td>
        </tr>
    }
}

#[component]
fn Pager(
    found: RwSignal<Option<UserPage>>,
    query: RwSignal<Query>,
    turn: impl Fn(i32) + Copy + 'static,
) -> impl IntoView {
    let has = move |link: fn(&UserPage) -> bool| found.with(|page| page.as_ref().is_some_and(link));
    let summary = move || {
        let count = found.with(|page| page.as_ref().map_or(0, |page| page.count));
        let page = query.with(|shown| shown.page);
        let users = if count == 1 { "user" } else { "users" };
        format!("Page {page} of {} · {count} {users}", page_count(count))
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" class="secondary compact" disabled=move || !has(|page| page.previous.is_some())
                on:click=move |_| turn(-1)>"Previous"</button>
            <span class="muted" data-testid="admin-pages">{summary}</span>
            <button type="button" class="secondary compact" disabled=move || !has(|page| page.next.is_some())
                on:click=move |_| turn(1)>"Next"</button>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_counted_up_and_never_fewer_than_one() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(1), 1);
        assert_eq!(page_count(20), 1);
        assert_eq!(page_count(21), 2);
        assert_eq!(page_count(41), 3);
    }
}
