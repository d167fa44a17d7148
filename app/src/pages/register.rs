//! Create an account; success signs the new user in.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{leave_if_signed_in, submit_then_enter};
use crate::api::{ErrorBody, RegisterRequest};
use crate::client;
use crate::components::{Field, FormAlert};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password2 = RwSignal::new(String::new());
    let errors = RwSignal::new(ErrorBody::default());
    let busy = RwSignal::new(false);
    leave_if_signed_in();
    let create = submit_then_enter(busy, errors, move || {
        let request = RegisterRequest {
            email: Some(email.get_untracked()),
            username: Some(username.get_untracked()),
            password: Some(password.get_untracked()),
            password2: Some(password2.get_untracked()),
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
        };
        async move { client::register(&request).await }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        create();
    };
    let error = move |field: &'static str| Signal::derive(move || errors.get().field(field));

    view! {
        <Title text="Create account · Gatehouse"/>
        <section class="card">
            <h1>"Create your account"</h1>
            <p class="lead">"One account, signed in securely on every device."</p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=Signal::derive(move || errors.get().summary())/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=error("email")/>
                <Field label="Username" name="username" autocomplete="username" value=username error=error("username")/>
                <div class="field-row">
                    <Field label="First name" name="first_name" autocomplete="given-name" value=first_name error=error("first_name")/>
                    <Field label="Last name" name="last_name" autocomplete="family-name" value=last_name error=error("last_name")/>
                </div>
                <Field label="Password" name="password" kind="password" autocomplete="new-password" value=password error=error("password")/>
                <Field label="Confirm password" name="password2" kind="password" autocomplete="new-password" value=password2 error=error("password2")/>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Creating account…" } else { "Create account" }}
                </button>
            </form>
            <p class="switch">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
