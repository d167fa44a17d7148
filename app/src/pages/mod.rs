//! One module per page.

mod admin;
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

pub use admin::{AdminUserPage, AdminUsersPage};
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

use leptos::either::EitherOf12;
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
    /// `/admin`: the users, for staff.
    AdminUsers,
    /// `/admin/users/:id`: one user, for staff (the page reads the id from the path).
    AdminUser,
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
        Page::Profile => EitherOf12::A(view! { <ProfilePage/> }),
        Page::Login => EitherOf12::B(view! { <LoginPage/> }),
        Page::Register => EitherOf12::C(view! { <RegisterPage/> }),
        Page::Sessions => EitherOf12::D(view! { <SessionsPage/> }),
        Page::Password => EitherOf12::E(view! { <PasswordPage/> }),
        Page::Security => EitherOf12::F(view! { <SecurityPage/> }),
        Page::AdminUsers => EitherOf12::G(view! { <AdminUsersPage/> }),
        Page::AdminUser => EitherOf12::H(view! { <AdminUserPage/> }),
        Page::ForgotPassword => EitherOf12::I(view! { <ForgotPasswordPage/> }),
        Page::ResetPassword => EitherOf12::J(view! { <ResetPasswordPage/> }),
        Page::EmailLink(link) => EitherOf12::K(view! { <EmailLinkPage link/> }),
        Page::NotFound => EitherOf12::L(view! { <NotFound/> }),
    }
}
