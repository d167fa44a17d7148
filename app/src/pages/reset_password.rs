//! Choosing a new password with the link of a reset mail. Success signs nobody in: the server
//! ends every session of the user, and the visitor signs in with the new password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::login::PASSWORD_RESET_NOTICE;
use crate::api::PasswordResetConfirmRequest;
use crate::auth::use_auth;
use crate::client;
use crate::components::{
    Checks, FormAlert, FormState, NewPasswordFields, SubmitButton, check_new_password,
};
use crate::navigation::{INCOMPLETE_LINK, link_token, replace};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = link_token();
    let new = RwSignal::new(String::new());
    let new2 = RwSignal::new(String::new());
    let form = FormState::new();
    let auth = use_auth();
    let navigate = use_navigate();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut checks = Checks::default();
        checks.require("token", token.is_none(), INCOMPLETE_LINK);
        check_new_password(&mut checks, &new.get_untracked(), &new2.get_untracked());
        let request = PasswordResetConfirmRequest {
            token: token.clone(),
            new_password: Some(new.get_untracked()),
            new_password2: Some(new2.get_untracked()),
        };
        let navigate = navigate.clone();
        form.submit(checks, async move {
            client::confirm_password_reset(&request).await?;
            // A session this tab still holds has ended on the server (or belongs to someone
            // else, who should not stay signed in here either).
            client::logout().await;
            auth.set(false);
            navigate(PASSWORD_RESET_NOTICE, replace());
            Ok(())
        });
    };
    // A used, expired or unknown token comes back as the `token` field, which has no input.
    let problem = form.summary_with("token");

    view! {
        <Title text="New password · Gatehouse"/>
        <section class="card">
            <h1>"Choose a new password"</h1>
            <p class="lead">"Your devices will all be signed out; then sign in with the new password."</p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=problem/>
                <NewPasswordFields new new2 form/>
                <SubmitButton form label="Set new password" busy="Saving…"/>
            </form>
            <p class="switch">"Link expired or used? " <a href="/forgot-password">"Request a new one"</a></p>
        </section>
    }
}
