//! A page part only a signed-in user sees: nothing private renders before the browser knows
//! the user is signed in, and a signed-out visitor is sent to the sign-in page.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::auth::use_auth;
use crate::navigation::replace;

#[component]
pub fn Protected<C: IntoView + 'static>(children: TypedChildrenFn<C>) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move || {
        // Not again when already there: a page that signs out and goes to the sign-in page
        // itself (a deleted account, with its notice in the query) keeps its address.
        if auth.signed_in() == Some(false)
            && location.pathname.with_untracked(|now| now != "/login")
        {
            navigate("/login", replace());
        }
    });
    // Typed children and a typed branch rather than `ChildrenFn` and `<Show fallback>`, which
    // are type-erased: every erased view brings its async-hydration code into the wasm (see
    // `CurrentPage`).
    let children = children.into_inner();
    let signed_in = Memo::new(move |_| auth.signed_in() == Some(true));
    move || {
        if signed_in.get() {
            Either::Left(children())
        } else {
            Either::Right(view! { <p class="muted">"Loading your account…"</p> })
        }
    }
}
