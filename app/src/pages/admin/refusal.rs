//! What the Admin pages show instead of data when the server refuses: the 403 page for a
//! visitor who is not staff, "no such user", or the server's message.

use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::auth::Auth;
use crate::client::ClientError;

/// Why an admin call gave no data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 403 `permission_denied`: the visitor is not staff (or no longer is).
    Forbidden,
    /// 404: no user has the id, or the page is past the end.
    NotFound(String),
    /// Anything else, in the words to show.
    Problem(String),
}

impl Refusal {
    /// The refusal of a failed call; a session that ended signs the tab out (`Protected` then
    /// leaves for the sign-in page).
    pub fn of(error: ClientError, auth: Auth) -> Self {
        if error == ClientError::SignedOut {
            auth.ended();
        }
        let body = error.into_body();
        let message = body.summary().unwrap_or_default();
        match body.code.as_deref() {
            Some("permission_denied") => Self::Forbidden,
            Some("not_found") => Self::NotFound(message),
            _ => Self::Problem(message),
        }
    }
}

/// The refusal as a page of its own.
#[component]
pub fn RefusalNotice(refusal: Refusal) -> impl IntoView {
    match refusal {
        Refusal::Forbidden => EitherOf3::A(view! {
            <h1>"403 · Staff only"</h1>
            <p class="alert" role="alert" data-testid="forbidden">
                "You do not have permission to open the Admin pages."
            </p>
            <p><a href="/">"Go to your account"</a></p>
        }),
        Refusal::NotFound(message) => EitherOf3::B(view! {
            <h1>"Not found"</h1>
            <p class="alert" role="alert">{message}</p>
            <p><a href="/admin">"All users"</a></p>
        }),
        Refusal::Problem(message) => EitherOf3::C(view! {
            <p class="alert" role="alert">{message}</p>
        }),
    }
}
