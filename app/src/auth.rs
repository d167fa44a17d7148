//! Whether this tab is signed in, as every page sees it: unknown until the page has hydrated
//! (the server cannot see localStorage), then kept in step with the other tabs and with
//! refreshes the server refuses.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::client;

/// The signed-in state, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    signed_in: RwSignal<Option<bool>>,
}

impl Auth {
    /// `None` until the browser has looked at its tokens.
    pub fn signed_in(&self) -> Option<bool> {
        self.signed_in.get()
    }

    /// `signed_in`, read without subscribing (for async work checking it is still wanted).
    pub fn signed_in_untracked(&self) -> Option<bool> {
        self.signed_in.get_untracked()
    }

    pub fn set(&self, signed_in: bool) {
        self.signed_in.set(Some(signed_in));
    }

    /// The user's session ended (signed out here or elsewhere, or refused by the server).
    pub fn ended(&self) {
        client::tokens::clear();
        self.set(false);
    }
}

/// Provides `Auth` to the app and, in the browser, starts following other tabs and keeping
/// the access token fresh.
pub fn provide_auth() {
    let signed_in = RwSignal::new(None);
    provide_context(Auth { signed_in });
    // Effects run only in the browser, once hydrated.
    Effect::new(move || {
        signed_in.set(Some(client::tokens::present()));
        client::watch::on_other_tabs(move |present| signed_in.set(Some(present)));
        spawn_local(client::watch::keep_fresh(move || {
            signed_in.set(Some(false))
        }));
    });
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
