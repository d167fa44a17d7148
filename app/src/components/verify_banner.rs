//! The banner on every page while the signed-in user's address is unverified.

use leptos::prelude::*;

use super::ResendVerification;
use crate::account::use_account;

#[component]
pub fn VerifyBanner() -> impl IntoView {
    let account = use_account();
    let unverified = Memo::new(move |_| {
        account
            .user()
            .filter(|user| !user.email_verified)
            .map(|user| user.email)
    });
    // An `Option` view rather than `<Show>`, whose children are type-erased (see `Protected`).
    move || {
        unverified.get().map(|email| {
            view! {
                <section class="banner" aria-label="Email verification">
                    <p>
                        "Verify your email address: open the link we sent to "
                        <strong>{email.clone()}</strong> "."
                    </p>
                    <ResendVerification email=RwSignal::new(email)/>
                </section>
            }
        })
    }
}
