//! The pages mailed links open: `/verify-email` proves the address, `/confirm-email` moves the
//! account to a new one. Each posts its token once, in the browser after hydration (a mail
//! scanner fetching the link gets the page, not a used token), and shows what the server said.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::account::use_account;
use crate::api::EmailTokenRequest;
use crate::auth::use_auth;
use crate::client;
use crate::components::{Checks, FormAlert, FormState, Status};
use crate::navigation::{INCOMPLETE_LINK, link_token};

/// Which mailed link the page handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailLink {
    /// `/verify-email?token=T`, from registration or "Resend".
    Verify,
    /// `/confirm-email?token=T`, sent to the new address of a change.
    ConfirmChange,
}

impl EmailLink {
    fn title(self) -> &'static str {
        match self {
            Self::Verify => "Verify email · Gatehouse",
            Self::ConfirmChange => "Confirm email · Gatehouse",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Self::Verify => "Verify your email address",
            Self::ConfirmChange => "Confirm your new address",
        }
    }

    fn success(self) -> &'static str {
        match self {
            Self::Verify => "Your email address is verified.",
            Self::ConfirmChange => {
                "Your email address was changed. Your other sessions have been signed out."
            }
        }
    }
}

#[component]
pub fn EmailLinkPage(link: EmailLink) -> impl IntoView {
    let auth = use_auth();
    let account = use_account();
    let token = link_token();
    let form = FormState::new();
    let status = RwSignal::new(Some("Checking your link…".to_owned()));

    // Reads nothing reactive, so it runs once.
    Effect::new(move || {
        let mut checks = Checks::default();
        checks.require("token", token.is_none(), INCOMPLETE_LINK);
        if token.is_none() {
            status.set(None);
        }
        let request = EmailTokenRequest {
            token: token.clone(),
        };
        form.submit(checks, async move {
            let answer = match link {
                EmailLink::Verify => client::verify_email(&request).await,
                EmailLink::ConfirmChange => client::confirm_email_change(&request).await,
            };
            status.set(answer.is_ok().then(|| link.success().to_owned()));
            answer?;
            if auth.signed_in_untracked() == Some(true) {
                // The banner and the profile show the account as it is now.
                account.reload();
            }
            Ok(())
        });
    });
    let problem = form.summary_with("token");

    view! {
        <Title text=link.title()/>
        <section class="card">
            <h1>{link.heading()}</h1>
            <FormAlert message=problem/>
            <Status message=status/>
            <p class="switch"><a href="/">"Go to your account"</a></p>
        </section>
    }
}
