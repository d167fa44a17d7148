//! How the app moves between pages, shared by pages and components.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

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

/// What a mailed link's page says when its `token` is missing.
pub const INCOMPLETE_LINK: &str = "This link is incomplete: copy the whole link from the mail.";

/// The `token` of the mailed link the page was opened with (`/reset-password?token=T`).
pub fn link_token() -> Option<String> {
    use_query_map()
        .with_untracked(|query| query.get("token"))
        .filter(|token| !token.trim().is_empty())
}
