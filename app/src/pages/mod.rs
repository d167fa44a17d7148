//! One module per page.

mod email_link;
mod forgot_password;
mod login;
mod not_found;
mod password;
mod profile;
mod register;
mod reset_password;
mod security;
mod sessions;

pub use email_link::{EmailLink, EmailLinkPage};
pub use forgot_password::ForgotPasswordPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use password::PasswordPage;
pub use profile::ProfilePage;
pub use register::RegisterPage;
pub use reset_password::ResetPasswordPage;
pub use security::SecurityPage;
pub use sessions::SessionsPage;

use leptos::either::EitherOf10;
use leptos::prelude::*;

/// The pages, one per route in `App`, and the fallback.
#[derive(Clone, Copy)]
pub enum Page {
    Profile,
    Login,
    Register,
    Sessions,
    Password,
    Security,
    ForgotPassword,
    ResetPassword,
    /// `/verify-email` and `/confirm-email`: one page, told which link it handles.
    EmailLink(EmailLink),
    NotFound,
}

/// The page the router last chose, shown with a typed match. `App`'s route views only set
/// `page` rather than render the page: the router type-erases route views into `AnyView`s,
/// and every erased view brings its whole async-hydration code into the wasm, unused since
/// the app hydrates synchronously (11 KB of the gzipped bundle). The router still matches
/// the paths and decides when a navigation changes the page, as before. `App` uses
/// `FlatRoutes` rather than `Routes` for the same reason: no route here is nested, and the
/// nested router's machinery costs 19 KB more.
#[component]
pub fn CurrentPage(page: RwSignal<Page>) -> impl IntoView {
    move || match page.get() {
        Page::Profile => EitherOf10::A(view! { <ProfilePage/> }),
        Page::Login => EitherOf10::B(view! { <LoginPage/> }),
        Page::Register => EitherOf10::C(view! { <RegisterPage/> }),
        Page::Sessions => EitherOf10::D(view! { <SessionsPage/> }),
        Page::Password => EitherOf10::E(view! { <PasswordPage/> }),
        Page::Security => EitherOf10::F(view! { <SecurityPage/> }),
        Page::ForgotPassword => EitherOf10::G(view! { <ForgotPasswordPage/> }),
        Page::ResetPassword => EitherOf10::H(view! { <ResetPasswordPage/> }),
        Page::EmailLink(link) => EitherOf10::I(view! { <EmailLinkPage link/> }),
        Page::NotFound => EitherOf10::J(view! { <NotFound/> }),
    }
}
