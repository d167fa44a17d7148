//! Changing the password; the server signs out every other session (OWASP ASVS 3.3.3).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::PasswordChangeRequest;
use crate::client;
use crate::components::{
    Checks, Field, FormAlert, FormState, NewPasswordFields, Protected, SubmitButton,
    check_new_password, lazy_view,
};

#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <Title text="Password · Gatehouse"/>
        <section class="card">
            <h1>"Change your password"</h1>
            <p class="lead">"Your other devices will be signed out."</p>
            <Protected>
                {lazy_view(password_form(), "Loading…")}
            </Protected>
        </section>
    }
}

/// The form, in a wasm file of its own (see `lazy_view`).
#[lazy]
fn password_form() -> AnyView {
    view! { <PasswordForm/> }.into_any()
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
        checks.require(
            "current_password",
            current.get_untracked().is_empty(),
            "This field may not be blank.",
        );
        check_new_password(&mut checks, &new.get_untracked(), &new2.get_untracked());
        let request = PasswordChangeRequest {
            current_password: Some(current.get_untracked()),
            new_password: Some(new.get_untracked()),
            new_password2: Some(new2.get_untracked()),
        };
        form.submit(checks, async move {
            client::change_password(&request).await?;
            for field in [current, new, new2] {
                field.set(String::new());
            }
            changed.set(true);
            Ok(())
        });
    };

    view! {
        <form on:submit=on_submit novalidate>
            <FormAlert message=form.summary()/>
            <Show when=move || changed.get()>
                <p class="success" role="status">"Password changed. Your other sessions have been signed out."</p>
            </Show>
            <Field label="Current password" name="current_password" kind="password" autocomplete="current-password"
                value=current error=form.field("current_password")/>
            <NewPasswordFields new new2 form/>
            <SubmitButton form label="Change password" busy="Changing password…"/>
        </form>
    }
}
