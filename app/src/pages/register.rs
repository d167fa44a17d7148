//! Create an account; success signs the new user in, or, when the server wants the address
//! verified first (`EMAIL_VERIFICATION=mandatory`), sends them to the sign-in page, which asks
//! them to open the mailed link first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::RegisterRequest;
use crate::auth::use_auth;
use crate::client::Registered;
use crate::components::{Checks, Field, FormAlert, FormState, NameFields, SubmitButton};
use crate::navigation::{leave_if_signed_in, replace};
use crate::{client, rules};

use super::login::VERIFY_EMAIL_NOTICE;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password2 = RwSignal::new(String::new());
    let form = FormState::new();
    let auth = use_auth();
    let navigate = use_navigate();
    leave_if_signed_in();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let request = RegisterRequest {
            email: Some(email.get_untracked()),
            username: Some(username.get_untracked()),
            password: Some(password.get_untracked()),
            password2: Some(password2.get_untracked()),
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
        };
        let mut checks = Checks::default();
        checks
            .check("email", rules::email(&email.get_untracked()))
            .check("username", rules::username(&username.get_untracked()))
            .check(
                "first_name",
                rules::person_name(&first_name.get_untracked()),
            )
            .check("last_name", rules::person_name(&last_name.get_untracked()))
            .check("password", rules::password(&password.get_untracked()))
            // As the server does: a mismatch is reported on `password`, once the password itself passes.
            .require(
                "password",
                rules::password(&password.get_untracked()).is_ok()
                    && password2.get_untracked() != password.get_untracked(),
                "Password fields didn't match.",
            );
        let navigate = navigate.clone();
        form.submit(checks, async move {
            match client::register(&request).await? {
                Registered::SignedIn(_) => auth.set(true),
                Registered::PendingVerification(_) => navigate(VERIFY_EMAIL_NOTICE, replace()),
            }
            Ok(())
        });
    };

    view! {
        <Title text="Create account · Gatehouse"/>
        <section class="card">
            <h1>"Create your account"</h1>
            <p class="lead">"One account, signed in securely on every device."</p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=form.summary()/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=form.field("email")/>
                <Field label="Username" name="username" autocomplete="username" value=username error=form.field("username")/>
                <NameFields first_name last_name form/>
                <Field label="Password" name="password" kind="password" autocomplete="new-password" value=password
                    error=form.field("password")/>
                <Field label="Confirm password" name="password2" kind="password" autocomplete="new-password" value=password2
                    error=form.field("password2")/>
                <SubmitButton form label="Create account" busy="Creating account…"/>
            </form>
            <p class="switch">"Already have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
