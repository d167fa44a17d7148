//! The signed-in user's profile. Protected: without a session the visitor goes to /login,
//! and nothing private renders before the API has answered for this user.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::replace;
use crate::api::User;
use crate::client::{self, ClientError};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let user = RwSignal::new(None::<User>);
    let problem = RwSignal::new(None::<String>);
    let signing_out = RwSignal::new(false);
    let navigate = use_navigate();

    let load = navigate.clone();
    Effect::new(move || {
        if !client::tokens::present() {
            load("/login", replace());
            return;
        }
        let to_login = load.clone();
        spawn_local(async move {
            match client::current_user().await {
                Ok(found) => user.set(Some(found)),
                Err(ClientError::SignedOut) => to_login("/login", replace()),
                Err(error) => problem.set(error.into_body().summary()),
            }
        });
    });

    let sign_out = move |_| {
        signing_out.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            client::logout().await;
            navigate("/login", replace());
        });
    };

    view! {
        <Title text="Your account · Gatehouse"/>
        <section class="card" aria-live="polite">
            {move || match (user.get(), problem.get()) {
                (Some(user), _) => view! { <Profile user/> }.into_any(),
                (None, Some(problem)) => view! { <p class="alert" role="alert">{problem}</p> }.into_any(),
                (None, None) => view! { <p class="muted">"Loading your account…"</p> }.into_any(),
            }}
            <Show when=move || user.get().is_some()>
                <button type="button" class="secondary" on:click=sign_out.clone() disabled=move || signing_out.get()>
                    "Sign out"
                </button>
            </Show>
        </section>
    }
}

#[component]
fn Profile(user: User) -> impl IntoView {
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
            <dt>"Name"</dt>
            <dd>{if full_name.is_empty() { "—".to_owned() } else { full_name }}</dd>
            <dt>"Member since"</dt>
            <dd>{joined}</dd>
        </dl>
    }
}
