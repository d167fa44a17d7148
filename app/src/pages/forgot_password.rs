//! Asking for a password reset link. The answer is the same whether or not an account has the
//! address, so the page cannot be used to find out who has an account (OWASP Forgot Password
//! Cheat Sheet).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::EmailRequest;
use crate::components::{Checks, Field, FormAlert, FormState, Status, SubmitButton};
use crate::{client, rules};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let sent = RwSignal::new(None::<String>);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        sent.set(None);
        let mut checks = Checks::default();
        checks.check("email", rules::email(&email.get_untracked()));
        let address = email.get_untracked().trim().to_owned();
        let request = EmailRequest {
            email: Some(address.clone()),
        };
        form.submit(checks, async move {
            client::request_password_reset(&request).await?;
            sent.set(Some(format!(
                "Check your inbox: if an account uses {address}, a link to choose a new \
                 password is on its way."
            )));
            Ok(())
        });
    };

    view! {
        <Title text="Forgot password · Gatehouse"/>
        <section class="card">
            <h1>"Reset your password"</h1>
            <p class="lead">"Enter the address you signed up with; we will mail you a link to choose a new password."</p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=form.summary()/>
                <Status message=sent/>
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=form.field("email")/>
                <SubmitButton form label="Send reset link" busy="Sending…"/>
            </form>
            <p class="switch">"Remembered it? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
