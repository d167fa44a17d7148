//! Changing the password; the server signs out every other session (OWASP ASVS 3.3.3).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::PasswordChangeRequest;
use crate::client;
use crate::components::{Checks, Field, FormAlert, FormState, Protected};
use crate::rules;

#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <Title text="Password · Gatehouse"/>
        <section class="card">
            <h1>"Change your password"</h1>
            <p class="lead">"Your other devices will be signed out."</p>
            <Protected>
                <PasswordForm/>
            </Protected>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let new2 = RwSignal::new(String::new());
    let form = FormState::new();
    let changed = RwSignal::new(false);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        changed.set(false);
        let mut checks = Checks::default();
        checks
            .require(
                "current_password",
                current.get_untracked().is_empty(),
                "This field may not be blank.",
            )
            .check("new_password", rules::password(&new.get_untracked()))
            .require(
                "new_password2",
                new2.get_untracked() != new.get_untracked(),
                "The two password fields didn't match.",
            );
        let request = PasswordChangeRequest {
            current_password: Some(current.get_untracked()),
            new_password: Some(new.get_untracked()),
            new_password2: Some(new2.get_untracked()),
        };
        form.submit(
            checks,
            move || async move { client::change_password(&request).await },
            move |()| {
                for field in [current, new, new2] {
                    field.set(String::new());
                }
                changed.set(true);
            },
        );
    };

    view! {
        <form on:submit=on_submit novalidate>
            <FormAlert message=form.summary()/>
            <Show when=move || changed.get()>
                <p class="success" role="status">"Password changed. Your other sessions have been signed out."</p>
            </Show>
            <Field label="Current password" name="current_password" kind="password" autocomplete="current-password"
                value=current error=form.field("current_password")/>
            <Field label="New password" name="new_password" kind="password" autocomplete="new-password" value=new
                error=form.field("new_password")/>
            <Field label="Confirm new password" name="new_password2" kind="password" autocomplete="new-password"
                value=new2 error=form.field("new_password2")/>
            <button type="submit" class="primary" disabled=move || form.busy.get()>
                {move || if form.busy.get() { "Changing password…" } else { "Change password" }}
            </button>
        </form>
    }
}
