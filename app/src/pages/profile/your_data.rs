//! The user's own data (GDPR Art. 20 and 17): "Download my data", and "Delete account" in a
//! danger zone that says it cannot be undone and asks for the password first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api::PasswordRequest;
use crate::auth::use_auth;
use crate::client::ClientError;
use crate::client::account_data;
use crate::components::{Checks, Field, FormAlert, FormState};
use crate::navigation::replace;
use crate::pages::login::ACCOUNT_DELETED_NOTICE;

/// The name the export is saved under (the server's `Content-Disposition` names it too).
const EXPORT_FILE: &str = "gatehouse-export.json";

/// Hands `json` to the browser as a file download. The export is fetched with the Bearer
/// token, which a plain link cannot send, so the page saves what it fetched through a link of
/// its own: a data: URL, as the recovery codes' Download (nothing to revoke, no Blob bindings).
fn save_as_file(json: &str, name: &str) -> Option<()> {
    let link = document()
        .create_element("a")
        .ok()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()?;
    let url = format!(
        "data:application/json;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(json))
    );
    link.set_attribute("href", &url).ok()?;
    link.set_attribute("download", name).ok()?;
    link.click();
    Some(())
}

#[component]
pub fn DownloadData() -> impl IntoView {
    let auth = use_auth();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let download = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match account_data::export().await {
                Ok(json) => {
                    if save_as_file(&json, EXPORT_FILE).is_none() {
                        problem.try_set(Some("The browser did not allow the download.".into()));
                    }
                }
                Err(ClientError::SignedOut) => auth.ended(),
                Err(error) => {
                    problem.try_set(error.into_body().summary());
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="section">
            <h2>"Your data"</h2>
            <p class="muted">"Everything Gatehouse holds about you — profile, sessions, second factors (never their secrets) and the account's history — as one JSON file."</p>
            <FormAlert message=problem/>
            <button type="button" class="secondary" disabled=move || busy.get() on:click=download>
                {move || if busy.get() { "Preparing…" } else { "Download my data" }}
            </button>
        </section>
    }
}

/// Deleting asks for the password (OWASP Authentication Cheat Sheet: re-authenticate for
/// sensitive features) behind a first click, so one stray click deletes nothing.
#[component]
pub fn DeleteAccount() -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let asking = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let form = FormState::new();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut checks = Checks::default();
        checks.require(
            "password",
            password.get_untracked().is_empty(),
            "This field may not be blank.",
        );
        let request = PasswordRequest {
            password: Some(password.get_untracked()),
        };
        let navigate = navigate.clone();
        form.submit(checks, async move {
            account_data::delete_account(&request).await?;
            // To the sign-in page first, with its notice: signing out on a protected page
            // would send the tab there without it (see `Protected`).
            navigate(ACCOUNT_DELETED_NOTICE, replace());
            auth.ended();
            Ok(())
        });
    };

    view! {
        <section class="section danger-zone" aria-labelledby="danger-zone">
            <h2 id="danger-zone">"Danger zone"</h2>
            <p>
                <strong>"Deleting your account cannot be undone."</strong>
                " Your profile, sessions, second factors and pending email links are erased at once, and every device is signed out. Download your data first if you want to keep it."
            </p>
            <Show when=move || asking.get() fallback=move || view! {
                <button type="button" class="danger" on:click=move |_| asking.set(true)>"Delete account…"</button>
            }>
                <form on:submit=on_submit.clone() novalidate>
                    <FormAlert message=form.summary()/>
                    <Field label="Your password, to confirm" name="delete_password" kind="password"
                        autocomplete="current-password" value=password error=form.field("password")/>
                    <div class="actions">
                        <button type="submit" class="danger" disabled=move || form.busy.get()>
                            {move || if form.busy.get() { "Deleting…" } else { "Delete my account for good" }}
                        </button>
                        <button type="button" class="secondary" disabled=move || form.busy.get()
                            on:click=move |_| asking.set(false)>"Cancel"</button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
