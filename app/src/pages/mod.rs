//! One module per page.

mod login;
mod not_found;
mod profile;
mod register;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use profile::ProfilePage;
pub use register::RegisterPage;

use leptos_router::NavigateOptions;

/// Navigation that replaces the history entry: "back" must not return to a page the visitor
/// was sent away from.
fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..NavigateOptions::default()
    }
}
