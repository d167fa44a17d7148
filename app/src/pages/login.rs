//! Sign in with email and password, then a code when the account has a second factor; or with
//! a passkey alone. The way to a password reset, and to a new verification mail when the
//! server wants the address verified first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use leptos::either::Either;

use crate::api::{LoginRequest, MfaLoginRequest};
use crate::auth::use_auth;
use crate::client::{self, ClientError};
use crate::components::{
    Checks, Field, FormAlert, FormState, ResendVerification, Status, SubmitButton, lazy_view,
};
use crate::navigation::leave_if_signed_in;
use crate::rules;

/// Where a password reset sends the visitor.
pub const PASSWORD_RESET_NOTICE: &str = "/login?notice=password-reset";
/// Where deleting the account sends the visitor.
pub const ACCOUNT_DELETED_NOTICE: &str = "/login?notice=account-deleted";
/// Where registration sends the visitor when the address must be verified before signing in.
pub const VERIFY_EMAIL_NOTICE: &str = "/login?notice=verify-email";

/// The text of `?notice=`. Only known notices: the query is the visitor's to edit, so it never
/// supplies the text.
fn notice(key: &str) -> Option<&'static str> {
    match key {
        "password-reset" => Some("Your password was changed; sign in with the new one."),
        "account-deleted" => Some("Your account was deleted, with everything it held."),
        "verify-email" => {
            Some("Check your inbox to verify your address: open the link we sent, then sign in.")
        }
        _ => None,
    }
}

/// The `code` of a sign-in refused until the address is verified (`EMAIL_VERIFICATION=mandatory`).
const EMAIL_NOT_VERIFIED: &str = "email_not_verified";
/// The `code` of a right password for an account with a second factor: a code step follows.
const MFA_REQUIRED: &str = "mfa_required";
/// The `code` of a second step whose sign-in expired or had too many wrong codes.
const MFA_TOKEN_INVALID: &str = "mfa_token_invalid";

#[component]
pub fn LoginPage() -> impl IntoView {
    leave_if_signed_in();
    let notice = use_query_map().with_untracked(|query| query.get_str("notice").and_then(notice));
    // The `mfa_token` of a right password, while the code step is showing.
    let second_step = RwSignal::new(None::<String>);
    let message = RwSignal::new(notice.map(str::to_owned));
    move || match second_step.get() {
        None => Either::Left(view! { <PasswordStep second_step message/> }),
        Some(mfa_token) => Either::Right(lazy_view(
            code_step(mfa_token, second_step, message),
            "Loading…",
        )),
    }
}

/// The first step: email and password, or a passkey.
#[component]
fn PasswordStep(
    second_step: RwSignal<Option<String>>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let auth = use_auth();
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
            match client::login(&request).await {
                Err(ClientError::Api(refused)) if refused.code.as_deref() == Some(MFA_REQUIRED) => {
                    message.set(None);
                    second_step.set(refused.mfa_token);
                    Ok(())
                }
                Err(error) => Err(error),
                Ok(_) => {
                    auth.set(true);
                    Ok(())
                }
            }
        });
    };
    let with_passkey = move |_| {
        form.submit(Checks::default(), async move {
            client::login_with_passkey().await?;
            auth.set(true);
            Ok(())
        });
    };

    view! {
        <Title text="Sign in · Gatehouse"/>
        <section class="card">
            <h1>"Sign in"</h1>
            <p class="lead">"Welcome back. Sign in to your account."</p>
            <Status message/>
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
            <p class="or">"or"</p>
            <button type="button" class="secondary wide" on:click=with_passkey disabled=move || form.busy.get()>
                "Sign in with a passkey"
            </button>
            <p class="switch">"New here? " <a href="/register">"Create an account"</a></p>
        </section>
    }
}

/// The second step, in a wasm file of its own (see `lazy_view`): most sign-ins never need it.
#[lazy]
fn code_step(
    mfa_token: String,
    second_step: RwSignal<Option<String>>,
    message: RwSignal<Option<String>>,
) -> AnyView {
    view! { <CodeStep mfa_token second_step message/> }.into_any()
}

/// The second step: a code from the authenticator app, or one of the recovery codes.
#[component]
fn CodeStep(
    mfa_token: String,
    second_step: RwSignal<Option<String>>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let recovery = RwSignal::new(false);
    let form = FormState::new();
    let auth = use_auth();
    let mfa_token = StoredValue::new(mfa_token);

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let entered = code.get_untracked().trim().to_owned();
        let field = if recovery.get_untracked() {
            "recovery_code"
        } else {
            "code"
        };
        let mut checks = Checks::default();
        checks.require(field, entered.is_empty(), "This field may not be blank.");
        let mut request = MfaLoginRequest {
            mfa_token: Some(mfa_token.get_value()),
            ..MfaLoginRequest::default()
        };
        if recovery.get_untracked() {
            request.recovery_code = Some(entered);
        } else {
            request.code = Some(entered);
        }
        form.submit(checks, async move {
            match client::login_mfa(&request).await {
                Err(ClientError::Api(refused))
                    if refused.code.as_deref() == Some(MFA_TOKEN_INVALID) =>
                {
                    // The sign-in expired or had too many wrong codes: start again.
                    message.set(refused.detail);
                    second_step.set(None);
                    Ok(())
                }
                Err(error) => Err(error),
                Ok(_) => {
                    auth.set(true);
                    Ok(())
                }
            }
        });
    };
    let switch = move |_| {
        recovery.update(|on| *on = !*on);
        code.set(String::new());
        form.errors.set(Default::default());
    };

    view! {
        <section class="card">
            <h1>"Two-step verification"</h1>
            <p class="lead">
                {move || if recovery.get() {
                    "Enter one of the recovery codes you saved when you set up the app. Each works once."
                } else {
                    "Enter the 6-digit code your authenticator app shows for Gatehouse."
                }}
            </p>
            <form on:submit=on_submit novalidate>
                <FormAlert message=form.summary()/>
                {move || if recovery.get() {
                    Either::Left(view! {
                        <Field label="Recovery code" name="recovery_code" value=code error=form.field("recovery_code")/>
                    })
                } else {
                    Either::Right(view! {
                        <Field label="Authentication code" name="code" autocomplete="one-time-code" inputmode="numeric"
                            value=code error=form.field("code")/>
                    })
                }}
                <SubmitButton form label="Verify" busy="Verifying…"/>
            </form>
            <p class="switch">
                <button type="button" class="link" on:click=switch>
                    {move || if recovery.get() {
                        "Use the authenticator app instead"
                    } else {
                        "Use a recovery code instead"
                    }}
                </button>
                " · "
                <button type="button" class="link" on:click=move |_| second_step.set(None)>"Start over"</button>
            </p>
        </section>
    }
}
