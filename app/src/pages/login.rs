//! Sign in with email and password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{leave_if_signed_in, submit_then_enter};
use crate::api::{ErrorBody, LoginRequest};
use crate::client;
use crate::components::{Field, FormAlert};

#[component]
pub fn LoginPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(ErrorBody::default());
    let busy = RwSignal::new(false);
    leave_if_signed_in();
    let sign_in = submit_then_enter(busy, errors, move || {
        let request = LoginRequest {
            email: Some(email.get_untracked()),
            password: Some(password.get_untracked()),
        };
        async move { client::login(&request).await }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        sign_in();
    };

    view! {
        <Title text="Sign in · Gatehouse"/>
        <section class="card">
            <h1>"Sign in"</h1>
            <p class="lead">"Welcome back. Sign in to your account."</p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=Signal::derive(move || errors.get().summary())/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email
                    error=Signal::derive(move || errors.get().field("email"))/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password" value=password
                    error=Signal::derive(move || errors.get().field("password"))/>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p class="switch">"New here? " <a href="/register">"Create an account"</a></p>
        </section>
    }
}
