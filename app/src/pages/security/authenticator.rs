//! The authenticator app (TOTP, RFC 6238): set up with a QR code and a first code, then on
//! with its recovery codes; new codes or turning it off need the password.

use leptos::either::EitherOf3;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::factors::Factors;
use super::recovery_codes::RecoveryCodes;
use crate::api::{PasswordRequest, TotpConfirmRequest, TotpSetupResponse};
use crate::client;
use crate::components::{Checks, Field, FormAlert, FormState, Status, SubmitButton};

/// Where the section is: off, being set up (the pending secret), or on.
#[derive(Clone)]
enum Stage {
    Off,
    SettingUp(TotpSetupResponse),
    On,
}

#[component]
pub fn AuthenticatorApp(factors: Factors) -> impl IntoView {
    let on = Memo::new(move |_| {
        factors
            .status
            .with(|status| status.as_ref().is_some_and(|s| s.totp))
    });
    let pending = RwSignal::new(None::<TotpSetupResponse>);
    // New recovery codes, shown until the user says they are saved.
    let codes = RwSignal::new(None::<Vec<String>>);
    let notice = RwSignal::new(None::<String>);
    let form = FormState::new();

    let begin = move |_| {
        form.submit(Checks::default(), async move {
            notice.set(None);
            pending.set(Some(client::begin_totp().await?));
            Ok(())
        });
    };
    let stage = move || match (on.get(), pending.get()) {
        (true, _) => Stage::On,
        (false, Some(setup)) => Stage::SettingUp(setup),
        (false, None) => Stage::Off,
    };

    view! {
        <div class="section">
            <h2>"Authenticator app"</h2>
            <Status message=notice/>
            {move || codes.get().map(|shown| view! { <RecoveryCodes codes=shown done=move || codes.set(None)/> })}
            {move || match stage() {
                Stage::Off => EitherOf3::A(view! {
                    <p class="muted">"Off. Use an app such as Google Authenticator, Authy or 1Password to get a new code every 30 seconds."</p>
                    <FormAlert message=form.summary()/>
                    <button type="button" class="primary" on:click=begin disabled=move || form.busy.get()>
                        "Set up an authenticator app"
                    </button>
                }),
                Stage::SettingUp(setup) => EitherOf3::B(view! {
                    <Confirm setup pending codes notice factors/>
                }),
                Stage::On => EitherOf3::C(view! { <Manage factors codes notice/> }),
            }}
        </div>
    }
}

/// A pending setup: scan the QR code (or type the secret), then prove it with a first code.
#[component]
fn Confirm(
    setup: TotpSetupResponse,
    pending: RwSignal<Option<TotpSetupResponse>>,
    codes: RwSignal<Option<Vec<String>>>,
    notice: RwSignal<Option<String>>,
    factors: Factors,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let form = FormState::new();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let entered = code.get_untracked();
        let mut checks = Checks::default();
        checks.require(
            "code",
            entered.trim().is_empty(),
            "This field may not be blank.",
        );
        let request = TotpConfirmRequest {
            code: Some(entered),
        };
        form.submit(checks, async move {
            let answer = client::confirm_totp(&request).await?;
            codes.set(Some(answer.recovery_codes));
            notice.set(Some(
                "The authenticator app is on: sign-in now asks for a code.".into(),
            ));
            pending.set(None);
            factors.reload();
            Ok(())
        });
    };
    view! {
        <ol class="steps">
            <li>"Scan this QR code with your authenticator app."</li>
        </ol>
        // Drawn by the server (never a third-party QR service: it carries the secret).
        <div class="qr" inner_html=setup.qr_svg></div>
        <p class="small">"Can't scan it? Enter this key in the app: " <code data-testid="totp-secret">{setup.secret}</code></p>
        <form on:submit=on_submit novalidate>
            <FormAlert message=form.summary()/>
            <Field label="Code from the app" name="code" autocomplete="one-time-code" inputmode="numeric"
                value=code error=form.field("code")/>
            <div class="actions">
                <SubmitButton form label="Turn on" busy="Checking…"/>
                <button type="button" class="secondary" on:click=move |_| pending.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// TOTP is on: how many recovery codes are left; new codes, or off, with the password.
#[component]
fn Manage(
    factors: Factors,
    codes: RwSignal<Option<Vec<String>>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let left = move || {
        factors.status.with(|status| {
            status
                .as_ref()
                .map_or(0, |status| status.recovery_codes_left)
        })
    };
    let checked = move || {
        let mut checks = Checks::default();
        checks.require(
            "password",
            password.get_untracked().is_empty(),
            "Enter your password to confirm.",
        );
        let request = PasswordRequest {
            password: Some(password.get_untracked()),
        };
        (checks, request)
    };
    let renew = move |_| {
        let (checks, request) = checked();
        form.submit(checks, async move {
            let answer = client::new_recovery_codes(&request).await?;
            password.set(String::new());
            notice.set(Some(
                "New recovery codes: the old ones no longer work.".into(),
            ));
            codes.set(Some(answer.recovery_codes));
            factors.reload();
            Ok(())
        });
    };
    let turn_off = move |_| {
        let (checks, request) = checked();
        form.submit(checks, async move {
            client::disable_totp(&request).await?;
            password.set(String::new());
            codes.set(None);
            notice.set(Some(
                "The authenticator app is off: sign-in asks only for your password.".into(),
            ));
            factors.reload();
            Ok(())
        });
    };
    view! {
        <p>
            <span class="badge">"On"</span>
            " Sign-in asks for a code from your app. "
            <span data-testid="recovery-codes-left">{move || format!("{} recovery codes left.", left())}</span>
        </p>
        <form on:submit=|event: SubmitEvent| event.prevent_default() novalidate>
            <FormAlert message=form.summary()/>
            <Field label="Password" name="password" kind="password" autocomplete="current-password"
                value=password error=form.field("password")/>
            <div class="actions">
                <button type="button" class="secondary" on:click=renew disabled=move || form.busy.get()>
                    "New recovery codes"
                </button>
                <button type="button" class="danger" on:click=turn_off disabled=move || form.busy.get()>
                    "Turn off"
                </button>
            </div>
        </form>
    }
}
