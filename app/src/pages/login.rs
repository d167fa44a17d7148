//! Sign in with email and password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::LoginRequest;
use crate::auth::use_auth;
use crate::components::{Checks, Field, FormAlert, FormState};
use crate::navigation::leave_if_signed_in;
use crate::{client, rules};

#[component]
pub fn LoginPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let auth = use_auth();
    leave_if_signed_in();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut checks = Checks::default();
        checks.check("email", rules::email(&email.get_untracked()));
        checks.require(
            "password",
            password.get_untracked().is_empty(),
            "This field may not be blank.",
        );
        let request = LoginRequest {
            email: Some(email.get_untracked()),
            password: Some(password.get_untracked()),
        };
        form.submit(
            checks,
            move || async move { client::login(&request).await },
            move |_| auth.set(true),
        );
    };

    view! {
        <Title text="Sign in · Gatehouse"/>
        <section class="card">
            <h1>"Sign in"</h1>
            <p class="lead">"Welcome back. Sign in to your account."</p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=form.summary()/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=form.field("email")/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password" value=password
                    error=form.field("password")/>
                <button type="submit" class="primary" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="switch">"New here? " <a href="/register">"Create an account"</a></p>
        </section>
    }
}
