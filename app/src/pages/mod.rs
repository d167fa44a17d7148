//! One module per page.

mod login;
mod not_found;
mod password;
mod profile;
mod register;
mod sessions;

pub use login::LoginPage;
pub use not_found::NotFound;
pub use password::PasswordPage;
pub use profile::ProfilePage;
pub use register::RegisterPage;
pub use sessions::SessionsPage;

use leptos::either::EitherOf6;
use leptos::prelude::*;

/// The pages, one per route in `App`, and the fallback.
#[derive(Clone, Copy)]
pub enum Page {
    Profile,
    Login,
    Register,
    Sessions,
    Password,
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
        Page::Profile => EitherOf6::A(view! { <ProfilePage/> }),
        Page::Login => EitherOf6::B(view! { <LoginPage/> }),
        Page::Register => EitherOf6::C(view! { <RegisterPage/> }),
        Page::Sessions => EitherOf6::D(view! { <SessionsPage/> }),
        Page::Password => EitherOf6::E(view! { <PasswordPage/> }),
        Page::NotFound => EitherOf6::F(view! { <NotFound/> }),
    }
}
