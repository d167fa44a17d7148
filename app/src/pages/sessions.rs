//! "Signed in on these devices": the user's sessions, this one marked, and ending the others.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::api::SessionInfo;
use crate::auth::use_auth;
use crate::client::{self, ClientError};
use crate::components::{FormAlert, Protected, lazy_view};

#[component]
pub fn SessionsPage() -> impl IntoView {
    view! {
        <Title text="Sessions · Gatehouse"/>
        <section class="card wide" aria-live="polite">
            <h1>"Signed in on these devices"</h1>
            <p class="lead">"End any session you do not recognise. Its tokens stop working at once."</p>
            <Protected>
                {lazy_view(session_list(), "Loading your sessions…")}
            </Protected>
        </section>
    }
}

/// A short name for a browser from its user agent ("Chrome on Linux").
pub(super) fn device(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map_or("Unknown browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| format!(" on {name}"))
    .unwrap_or_default();
    format!("{browser}{system}")
}

/// The list, in a wasm file of its own (see `lazy_view`).
#[lazy]
fn session_list() -> AnyView {
    view! { <SessionList/> }.into_any()
}

#[component]
fn SessionList() -> impl IntoView {
    let auth = use_auth();
    let sessions = RwSignal::new(None::<Vec<SessionInfo>>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let settle = move |outcome: Result<(), ClientError>| match outcome {
        Ok(()) => problem.set(None),
        Err(ClientError::SignedOut) => auth.ended(),
        Err(error) => problem.set(error.into_body().summary()),
    };
    let load = move || {
        spawn_local(async move {
            match client::sessions().await {
                Ok(found) => {
                    sessions.set(Some(found));
                    settle(Ok(()));
                }
                Err(error) => settle(Err(error)),
            }
        })
    };
    Effect::new(load);

    let end = move |id: String| {
        busy.set(true);
        spawn_local(async move {
            settle(client::end_session(&id).await);
            busy.set(false);
            load();
        });
    };
    let end_others = move |_| {
        busy.set(true);
        spawn_local(async move {
            settle(client::sign_out_others().await);
            busy.set(false);
            load();
        });
    };

    view! {
        <FormAlert message=Signal::derive(move || problem.get())/>
        <ul class="sessions">
            <For each=move || sessions.get().unwrap_or_default() key=|session| session.id.clone() let:session>
                <li class="session" class:current=session.current>
                    <div>
                        <p class="device">
                            {device(&session.user_agent)}
                            {session.current.then(|| view! { <span class="badge">"This device"</span> })}
                        </p>
                        <p class="muted small">
                            {format!("{} · last active {} · signed in {}", session.ip,
                                session.last_used_at.replace('T', " ").trim_end_matches('Z'),
                                session.created_at.get(..10).unwrap_or_default())}
                        </p>
                    </div>
                    {(!session.current).then(|| {
                        let id = session.id.clone();
                        view! {
                            <button type="button" class="secondary compact" disabled=move || busy.get()
                                on:click=move |_| end(id.clone())>"End session"</button>
                        }
                    })}
                </li>
            </For>
        </ul>
        <Show when=move || sessions.with(|found| found.as_ref().is_some_and(|found| found.len() > 1))>
            <button type="button" class="secondary" disabled=move || busy.get() on:click=end_others>
                "Sign out everywhere else"
            </button>
        </Show>
    }
}
