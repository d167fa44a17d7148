//! The signed-in user's profile: who they are, how many devices are signed in, and their
//! names to edit.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::{UpdateUserRequest, User};
use crate::auth::use_auth;
use crate::client::{self, ClientError};
use crate::components::{Checks, FormAlert, FormState, NameFields, Protected};
use crate::rules;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Your account · Gatehouse"/>
        <section class="card" aria-live="polite">
            <Protected>
                <Profile/>
            </Protected>
        </section>
    }
}

#[component]
fn Profile() -> impl IntoView {
    let auth = use_auth();
    let user = RwSignal::new(None::<User>);
    let devices = RwSignal::new(None::<usize>);
    let problem = RwSignal::new(None::<String>);

    Effect::new(move || {
        spawn_local(async move {
            // Both at once: after an expired access token they share one refresh.
            let (found, sessions) = futures::join!(client::current_user(), client::sessions());
            match found {
                Ok(found) => user.set(Some(found)),
                Err(ClientError::SignedOut) => auth.ended(),
                Err(error) => problem.set(error.into_body().summary()),
            }
            if let Ok(sessions) = sessions {
                devices.set(Some(sessions.len()));
            }
        });
    });

    let waiting = move || {
        move || match problem.get() {
            Some(problem) => Either::Left(view! { <p class="alert" role="alert">{problem}</p> }),
            None => Either::Right(view! { <p class="muted">"Loading your account…"</p> }),
        }
    };
    // A typed branch rather than `<Show fallback>`, whose fallback is type-erased (see
    // `Protected`). `waiting` is a view of its own so that a new problem redraws only it.
    let loaded = Memo::new(move |_| user.with(Option::is_some));
    move || {
        if loaded.get() {
            Either::Left(view! {
                {move || user.get().map(|found| view! { <Details user=found devices/> })}
                <EditNames user/>
            })
        } else {
            Either::Right(waiting())
        }
    }
}

#[component]
fn Details(user: User, devices: RwSignal<Option<usize>>) -> impl IntoView {
    let full_name = format!("{} {}", user.first_name, user.last_name)
        .trim()
        .to_owned();
    let greeting = if full_name.is_empty() {
        user.username.clone()
    } else {
        full_name.clone()
    };
    let joined = user.date_joined.get(..10).unwrap_or_default().to_owned();
    view! {
        <h1>"Hello, " {greeting}</h1>
        <dl class="details">
            <dt>"Email"</dt>
            <dd data-testid="profile-email">{user.email}</dd>
            <dt>"Username"</dt>
            <dd>{user.username}</dd>
            <dt>"Member since"</dt>
            <dd>{joined}</dd>
            <dt>"Signed in on"</dt>
            <dd>
                <a href="/sessions">
                    {move || match devices.get() {
                        Some(1) => "1 device".to_owned(),
                        Some(count) => format!("{count} devices"),
                        None => "…".to_owned(),
                    }}
                </a>
            </dd>
        </dl>
    }
}

#[component]
fn EditNames(user: RwSignal<Option<User>>) -> impl IntoView {
    let current = user
        .get_untracked()
        .unwrap_or_else(|| unreachable!("shown only with a user"));
    let first_name = RwSignal::new(current.first_name);
    let last_name = RwSignal::new(current.last_name);
    let form = FormState::new();
    let saved = RwSignal::new(false);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        saved.set(false);
        let mut checks = Checks::default();
        checks
            .check(
                "first_name",
                rules::person_name(&first_name.get_untracked()),
            )
            .check("last_name", rules::person_name(&last_name.get_untracked()));
        let request = UpdateUserRequest {
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
        };
        form.submit(
            checks,
            move || async move { client::update_user(&request).await },
            move |updated| {
                user.set(Some(updated));
                saved.set(true);
            },
        );
    };

    view! {
        <form class="section" on:submit=on_submit novalidate>
            <h2>"Your name"</h2>
            <FormAlert message=form.summary()/>
            <NameFields first_name last_name form/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Saving…" } else { "Save changes" }}
                </button>
                <Show when=move || saved.get()>
                    <p class="success" role="status">"Saved."</p>
                </Show>
            </div>
        </form>
    }
}
