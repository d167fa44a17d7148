//! The signed-in user's profile: who they are, how many devices are signed in, their names to
//! edit, the change of address, and their data to download or delete.

mod your_data;

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

use crate::account::use_account;
use crate::api::{EmailChangeRequest, UpdateUserRequest, User};
use crate::client;
use crate::components::{
    Checks, Field, FormAlert, FormState, NameFields, Protected, Status, SubmitButton, lazy_view,
};
use crate::rules;
use your_data::{DeleteAccount, DownloadData};

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Your account · Gatehouse"/>
        <section class="card" aria-live="polite">
            <Protected>
                {lazy_view(profile(), "Loading your account…")}
            </Protected>
        </section>
    }
}

/// The profile, in a wasm file of its own (see `lazy_view`).
#[lazy]
fn profile() -> AnyView {
    view! { <Profile/> }.into_any()
}

#[component]
fn Profile() -> impl IntoView {
    let account = use_account();
    let devices = RwSignal::new(None::<usize>);

    Effect::new(move || {
        // The account again, as the visitor may have changed it elsewhere; at the same time as
        // the sessions, so after an expired access token both share one refresh.
        account.load();
        spawn_local(async move {
            if let Ok(sessions) = client::sessions().await {
                devices.set(Some(sessions.len()));
            }
        });
    });

    let waiting = move || {
        move || match account.problem() {
            Some(problem) => Either::Left(view! { <p class="alert" role="alert">{problem}</p> }),
            None => Either::Right(view! { <p class="muted">"Loading your account…"</p> }),
        }
    };
    // A typed branch rather than `<Show fallback>`, whose fallback is type-erased (see
    // `Protected`). `waiting` is a view of its own so that a new problem redraws only it.
    let loaded = Memo::new(move |_| account.loaded());
    move || {
        if loaded.get() {
            Either::Left(view! {
                {move || account.user().map(|found| view! { <Details user=found devices/> })}
                <EditNames/>
                <ChangeEmail/>
                <DownloadData/>
                <DeleteAccount/>
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
fn EditNames() -> impl IntoView {
    let account = use_account();
    let current =
        untrack(|| account.user()).unwrap_or_else(|| unreachable!("shown only with a user"));
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
        form.submit(checks, async move {
            account.set(client::update_user(&request).await?);
            saved.set(true);
            Ok(())
        });
    };

    view! {
        <form class="section" on:submit=on_submit novalidate>
            <h2>"Your name"</h2>
            <FormAlert message=form.summary()/>
            <NameFields first_name last_name form/>
            <div class="actions">
                <SubmitButton form label="Save changes" busy="Saving…"/>
                <Show when=move || saved.get()>
                    <p class="success" role="status">"Saved."</p>
                </Show>
            </div>
        </form>
    }
}

/// A change of address takes effect only once a link mailed to the new address is opened, so a
/// typo or someone else's address cannot take the account away; the password proves the owner
/// is asking (OWASP Authentication Cheat Sheet: re-authenticate for sensitive features).
#[component]
fn ChangeEmail() -> impl IntoView {
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let sent = RwSignal::new(None::<String>);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        sent.set(None);
        let mut checks = Checks::default();
        checks
            .check("new_email", rules::email(&new_email.get_untracked()))
            .require(
                "password",
                password.get_untracked().is_empty(),
                "This field may not be blank.",
            );
        let address = new_email.get_untracked().trim().to_owned();
        let request = EmailChangeRequest {
            new_email: Some(address.clone()),
            password: Some(password.get_untracked()),
        };
        form.submit(checks, async move {
            client::change_email(&request).await?;
            new_email.set(String::new());
            password.set(String::new());
            sent.set(Some(format!(
                "Check your new inbox: open the link we sent to {address} to finish the change."
            )));
            Ok(())
        });
    };

    view! {
        <form class="section" on:submit=on_submit novalidate>
            <h2>"Change email"</h2>
            <FormAlert message=form.summary()/>
            <Field label="New email address" name="new_email" kind="email" autocomplete="email" value=new_email
                error=form.field("new_email")/>
            <Field label="Current password" name="password" kind="password" autocomplete="current-password"
                value=password error=form.field("password")/>
            <SubmitButton form label="Change email" busy="Sending…"/>
            <Status message=sent/>
        </form>
    }
}
