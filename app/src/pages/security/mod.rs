//! The Security page: the user's second factors — an authenticator app with its recovery
//! codes, and passkeys — each set up, changed or removed here. Its parts are a wasm file of
//! their own, loaded when a signed-in user opens the page (`cargo leptos --split`), so the
//! pages everybody sees download less.

mod authenticator;
mod factors;
mod passkeys;
mod recovery_codes;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::auth::use_auth;
use crate::components::{FormAlert, Protected, lazy_view};
use authenticator::AuthenticatorApp;
use factors::Factors;
use passkeys::Passkeys;

#[component]
pub fn SecurityPage() -> impl IntoView {
    view! {
        <Title text="Security · Gatehouse"/>
        <section class="card wide" aria-live="polite">
            <h1>"Security"</h1>
            <p class="lead">"A second step at sign-in keeps your account safe even if your password leaks."</p>
            <Protected>
                {lazy_view(factor_list(), "Loading your second factors…")}
            </Protected>
        </section>
    }
}

/// The page's parts, in a wasm file of their own (see `lazy_view`); type-erased, as a lazy
/// function's output must be a concrete type.
#[lazy]
fn factor_list() -> AnyView {
    view! { <FactorList/> }.into_any()
}

#[component]
fn FactorList() -> impl IntoView {
    let factors = Factors::new(use_auth());
    Effect::new(move || factors.reload());
    let loaded = Memo::new(move |_| factors.status.with(Option::is_some));
    view! {
        <FormAlert message=factors.problem/>
        {move || if loaded.get() {
            Either::Left(view! {
                <AuthenticatorApp factors/>
                <Passkeys factors/>
            })
        } else {
            Either::Right(view! { <p class="muted">"Loading your second factors…"</p> })
        }}
    }
}
