//! A page part only a signed-in user sees: nothing private renders before the browser knows
//! the user is signed in, and a signed-out visitor is sent to the sign-in page.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::auth::use_auth;
use crate::pages::replace;

#[component]
pub fn Protected(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    Effect::new(move || {
        if auth.signed_in() == Some(false) {
            navigate("/login", replace());
        }
    });
    view! {
        <Show
            when=move || auth.signed_in() == Some(true)
            fallback=|| view! { <p class="muted">"Loading your account…"</p> }
        >
            {children()}
        </Show>
    }
}
