//! "Resend the verification mail": a button, and its outcome announced.

use leptos::prelude::*;

use super::{Checks, FormAlert, FormState, Status};
use crate::api::EmailRequest;
use crate::client;

/// Asks the server to mail `email` a new verification link. The answer is the same whether or
/// not an account has the address, so the confirmation says no more than that.
#[component]
pub fn ResendVerification(
    /// The address to mail.
    email: RwSignal<String>,
    /// The button's text.
    #[prop(default = "Resend")]
    label: &'static str,
) -> impl IntoView {
    let form = FormState::new();
    let sent = RwSignal::new(None::<String>);
    let resend = move |_| {
        sent.set(None);
        let request = EmailRequest {
            email: Some(email.get_untracked()),
        };
        form.submit(Checks::default(), async move {
            client::resend_verification(&request).await?;
            sent.set(Some("A new link is on its way.".into()));
            Ok(())
        });
    };
    view! {
        <div class="resend">
            <button type="button" class="secondary compact" on:click=resend disabled=move || form.busy.get()>
                {label}
            </button>
            <Status message=sent/>
        </div>
        <FormAlert message=form.summary_with("email")/>
    }
}
