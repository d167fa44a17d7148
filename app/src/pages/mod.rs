//! One module per page.

mod login;
mod not_found;
mod profile;
mod register;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use profile::ProfilePage;
pub use register::RegisterPage;

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::ErrorBody;
use crate::client::{self, ClientError};

/// Navigation that replaces the history entry: "back" must not return to a page the visitor
/// was sent away from.
fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..NavigateOptions::default()
    }
}

/// Sends a visitor who already holds a session on to the profile (sign-in and sign-up pages).
fn leave_if_signed_in() {
    let navigate = use_navigate();
    Effect::new(move || {
        if client::tokens::present() {
            navigate("/", replace());
        }
    });
}

/// A form submission that signs in: one at a time (`busy`), the server's errors into
/// `errors`, and on success on to the profile.
fn submit_then_enter<T, Call, Pending>(
    busy: RwSignal<bool>,
    errors: RwSignal<ErrorBody>,
    call: Call,
) -> impl Fn()
where
    Call: Fn() -> Pending + 'static,
    Pending: Future<Output = Result<T, ClientError>> + 'static,
{
    let navigate = use_navigate();
    move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let pending = call();
        let navigate = navigate.clone();
        spawn_local(async move {
            match pending.await {
                Ok(_) => navigate("/", replace()),
                Err(error) => errors.set(error.into_body()),
            }
            busy.set(false);
        });
    }
}
