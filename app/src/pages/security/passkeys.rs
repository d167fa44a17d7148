//! The user's passkeys: add one (the browser's WebAuthn ceremony), rename or remove it.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::factors::Factors;
use crate::api::{PasskeyInfo, PasskeyRenameRequest};
use crate::client;
use crate::components::{Checks, Field, FormAlert, FormState, Status, SubmitButton};

/// The longest name the server takes.
const NAME_MAX: usize = 64;

/// A name the server will take: not blank, at most 64 characters.
fn check_name(checks: &mut Checks, name: &str) {
    checks.require("name", name.trim().is_empty(), "Give it a name.");
    checks.require(
        "name",
        name.trim().chars().count() > NAME_MAX,
        "Use at most 64 characters.",
    );
}

/// "Added 2026-12-02 · last used 2026-12-02 10:11".
fn dates(passkey: &PasskeyInfo) -> String {
    let added = passkey.created_at.get(..10).unwrap_or_default();
    match &passkey.last_used_at {
        Some(used) => format!(
            "Added {added} · last used {}",
            used.get(..16).unwrap_or_default().replace('T', " ")
        ),
        None => format!("Added {added} · not used yet"),
    }
}

#[component]
pub fn Passkeys(factors: Factors) -> impl IntoView {
    let name = RwSignal::new(String::from("Passkey"));
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let passkeys = move || {
        factors.status.with(|status| {
            status
                .as_ref()
                .map(|status| status.passkeys.clone())
                .unwrap_or_default()
        })
    };
    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let chosen = name.get_untracked().trim().to_owned();
        let mut checks = Checks::default();
        check_name(&mut checks, &chosen);
        form.submit(checks, async move {
            let added = client::add_passkey(&chosen).await?;
            notice.set(Some(format!(
                "Added “{}”: you can sign in with it.",
                added.name
            )));
            factors.reload();
            Ok(())
        });
    };
    view! {
        <div class="section">
            <h2>"Passkeys"</h2>
            <p class="muted">"Sign in with your fingerprint, face or device PIN instead of a password and code."</p>
            <Status message=notice/>
            <ul class="sessions" data-testid="passkeys">
                <For each=passkeys key=|passkey| (passkey.id.clone(), passkey.name.clone(), passkey.last_used_at.clone()) let:passkey>
                    <Passkey passkey factors notice/>
                </For>
            </ul>
            <form on:submit=add novalidate>
                <FormAlert message=form.summary()/>
                <Field label="Name for a new passkey" name="name" value=name error=form.field("name")/>
                <SubmitButton form label="Add a passkey" busy="Waiting for the passkey…"/>
            </form>
        </div>
    }
}

/// One passkey: its name and dates, renamed in place or removed after a confirmation.
#[component]
fn Passkey(
    passkey: PasskeyInfo,
    factors: Factors,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = StoredValue::new(passkey.id.clone());
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let name = RwSignal::new(passkey.name.clone());
    let form = FormState::new();
    let shown = StoredValue::new(passkey.name.clone());
    let used = dates(&passkey);

    let rename = move |event: SubmitEvent| {
        event.prevent_default();
        let chosen = name.get_untracked().trim().to_owned();
        let mut checks = Checks::default();
        check_name(&mut checks, &chosen);
        let request = PasskeyRenameRequest { name: Some(chosen) };
        form.submit(checks, async move {
            client::rename_passkey(&id.get_value(), &request).await?;
            notice.set(None);
            editing.set(false);
            factors.reload();
            Ok(())
        });
    };
    let remove = move |_| {
        let removed = shown.get_value();
        form.submit(Checks::default(), async move {
            client::remove_passkey(&id.get_value()).await?;
            notice.set(Some(format!("Removed “{removed}”.")));
            factors.reload();
            Ok(())
        });
    };
    view! {
        <li class="session">
            {move || if editing.get() {
                Either::Left(view! {
                    <form class="inline" on:submit=rename novalidate>
                        <FormAlert message=form.summary()/>
                        <Field label="New name" name="rename" value=name error=form.field("name")/>
                        <div class="actions">
                            <SubmitButton form label="Save" busy="Saving…"/>
                            <button type="button" class="secondary" on:click=move |_| editing.set(false)>"Cancel"</button>
                        </div>
                    </form>
                })
            } else {
                Either::Right(view! {
                    <div>
                        <p class="device">{shown.get_value()}</p>
                        <p class="muted small">{used.clone()}</p>
                        <FormAlert message=form.summary()/>
                    </div>
                })
            }}
            <div class="actions">
                {move || if confirming.get() {
                    Either::Left(view! {
                        <span class="small">"Remove it?"</span>
                        <button type="button" class="danger compact" on:click=remove disabled=move || form.busy.get()>
                            "Remove"
                        </button>
                        <button type="button" class="secondary compact" on:click=move |_| confirming.set(false)>"Keep"</button>
                    })
                } else {
                    Either::Right(view! {
                        <button type="button" class="secondary compact" on:click=move |_| editing.set(true)>"Rename"</button>
                        <button type="button" class="secondary compact" on:click=move |_| confirming.set(true)>"Remove…"</button>
                    })
                }}
            </div>
        </li>
    }
}
