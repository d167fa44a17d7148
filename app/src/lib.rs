//! Gatehouse's Leptos app: pages, components, the API types shared with the server, and the
//! browser client.

// Type-erasing a page (`into_any`, for a `#[lazy]` function's output) makes the compiler lay out
// the page's whole nested view type at once, deeper than the default limit of 128 allows.
#![recursion_limit = "256"]

mod account;
pub mod api;
mod auth;
pub mod client;
mod components;
mod navigation;
mod pages;
pub mod rules;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

use account::provide_account;
use auth::provide_auth;
use components::{AccountNav, VerifyBanner};
use pages::{CurrentPage, EmailLink, Page};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: a header and the routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_auth();
    provide_account();
    let page = RwSignal::new(Page::NotFound);
    // Effects run only in the browser, after hydration: tests wait for this mark before they
    // click, since the server-rendered form is visible earlier.
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/gatehouse.css"/>
        <Title text="Gatehouse"/>
        <Router>
            <header class="topbar">
                <a class="brand" href="/">
                    <img class="brand-mark" src="/favicon.svg" alt="" width="24" height="24"/>
                    "Gatehouse"
                </a>
                <AccountNav/>
            </header>
            <VerifyBanner/>
            <main class="page">
                // Each route only names its page; `CurrentPage` shows it (see there why).
                <FlatRoutes fallback=move || page.set(Page::NotFound)>
                    <Route path=path!("/") view=move || page.set(Page::Profile)/>
                    <Route path=path!("/login") view=move || page.set(Page::Login)/>
                    <Route path=path!("/register") view=move || page.set(Page::Register)/>
                    <Route path=path!("/sessions") view=move || page.set(Page::Sessions)/>
                    <Route path=path!("/password") view=move || page.set(Page::Password)/>
                    <Route path=path!("/security") view=move || page.set(Page::Security)/>
                    <Route path=path!("/admin") view=move || page.set(Page::AdminUsers)/>
                    <Route path=path!("/admin/users/:id") view=move || page.set(Page::AdminUser)/>
                    <Route path=path!("/forgot-password") view=move || page.set(Page::ForgotPassword)/>
                    <Route path=path!("/reset-password") view=move || page.set(Page::ResetPassword)/>
                    <Route path=path!("/verify-email")
                        view=move || page.set(Page::EmailLink(EmailLink::Verify))/>
                    <Route path=path!("/confirm-email")
                        view=move || page.set(Page::EmailLink(EmailLink::ConfirmChange))/>
                </FlatRoutes>
                <CurrentPage page/>
            </main>
            <footer class="footer">"Signed tokens, rotated on every refresh."</footer>
        </Router>
    }
}
