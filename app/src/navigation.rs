//! How the app moves between pages, shared by pages and components.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::auth::use_auth;

/// Navigation that replaces the history entry: "back" must not return to a page the visitor
/// was sent away from.
pub fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..NavigateOptions::default()
    }
}

/// Sends a signed-in visitor on to the profile (sign-in and sign-up pages).
pub fn leave_if_signed_in() {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move || {
        if auth.signed_in() == Some(true) {
            navigate("/", replace());
        }
    });
}
