//! Sign in with email and password; the way to a password reset, and to a new verification
//! mail when the server wants the address verified first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::LoginRequest;
use crate::auth::use_auth;
use crate::components::{
    Checks, Field, FormAlert, FormState, ResendVerification, Status, SubmitButton,
};
use crate::navigation::leave_if_signed_in;
use crate::{client, rules};

/// Where a password reset sends the visitor.
pub const PASSWORD_RESET_NOTICE: &str = "/login?notice=password-reset";
/// Where registration sends the visitor when the address must be verified before signing in.
pub const VERIFY_EMAIL_NOTICE: &str = "/login?notice=verify-email";

/// The text of `?notice=`. Only known notices: the query is the visitor's to edit, so it never
/// supplies the text.
fn notice(key: &str) -> Option<&'static str> {
    match key {
        "password-reset" => Some("Your password was changed; sign in with the new one."),
        "verify-email" => {
            Some("Check your inbox to verify your address: open the link we sent, then sign in.")
        }
        _ => None,
    }
}

/// The `code` of a sign-in refused until the address is verified (`EMAIL_VERIFICATION=mandatory`).
const EMAIL_NOT_VERIFIED: &str = "email_not_verified";

#[component]
pub fn LoginPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let auth = use_auth();
    leave_if_signed_in();
    let notice = use_query_map().with_untracked(|query| query.get_str("notice").and_then(notice));
    let unverified = Memo::new(move |_| {
        form.errors
            .with(|errors| errors.code.as_deref() == Some(EMAIL_NOT_VERIFIED))
    });

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
        form.submit(checks, async move {
            client::login(&request).await?;
            auth.set(true);
            Ok(())
        });
    };

    view! {
        <Title text="Sign in · Gatehouse"/>
        <section class="card">
            <h1>"Sign in"</h1>
            <p class="lead">"Welcome back. Sign in to your account."</p>
            <Status message=notice.map(str::to_owned)/>
            <form on:submit=on_submit novalidate>
                <FormAlert message=form.summary()/>
                {move || unverified.get().then(|| view! {
                    <ResendVerification email=email label="Resend the verification mail"/>
                })}
                <Field label="Email" name="email" kind="email" autocomplete="email" value=email error=form.field("email")/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password" value=password
                    error=form.field("password")/>
                <p class="aside"><a href="/forgot-password">"Forgot password?"</a></p>
                <SubmitButton form label="Sign in" busy="Signing in…"/>
            </form>
            <p class="switch">"New here? " <a href="/register">"Create an account"</a></p>
        </section>
    }
}
