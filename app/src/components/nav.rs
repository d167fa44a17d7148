//! The header's account links and the one "Sign out" button, shown to signed-in users; the
//! Admin link only to staff.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::account::use_account;
use crate::auth::use_auth;
use crate::client;

#[component]
pub fn AccountNav() -> impl IntoView {
    let auth = use_auth();
    let account = use_account();
    let staff = Memo::new(move |_| account.is_staff());
    let busy = RwSignal::new(false);
    let sign_out = move |_| {
        busy.set(true);
        spawn_local(async move {
            client::logout().await;
            auth.set(false);
            busy.set(false);
        });
    };
    view! {
        <Show when=move || auth.signed_in() == Some(true)>
            <nav class="account-nav" aria-label="Account">
                <a href="/">"Profile"</a>
                <a href="/sessions">"Sessions"</a>
                <a href="/password">"Password"</a>
                <a href="/security">"Security"</a>
                <Show when=move || staff.get()>
                    <a href="/admin">"Admin"</a>
                </Show>
                <button type="button" class="secondary compact" on:click=sign_out disabled=move || busy.get()>
                    "Sign out"
                </button>
            </nav>
        </Show>
    }
}
