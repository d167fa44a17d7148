//! Keeping a tab in step: other tabs' sign-ins and sign-outs arrive through the `storage`
//! event, and while the page is visible the access token is refreshed shortly before it
//! expires, so users rarely meet a 401 at all.

use std::time::Duration;

use wasm_bindgen::prelude::*;

use super::{refresh, tokens};

/// Calls `changed(signed_in)` whenever another tab stores or clears the tokens. The `storage`
/// event fires only in the *other* tabs of the origin.
pub fn on_other_tabs(changed: impl Fn(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener =
        Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
            // `key` is null when another tab cleared all of localStorage.
            let key = event.key();
            if key.is_none() || key.as_deref() == Some(tokens::REFRESH_KEY) {
                changed(tokens::present());
            }
        });
    let _ = window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    listener.forget();
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_none_or(|document| document.visibility_state() == web_sys::VisibilityState::Visible)
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// When to refresh a token issued at `iat` expiring at `exp`: with a fifth of its life left
/// (30 s at most), so a refresh is in before any request could fail.
fn refresh_at(iat: i64, exp: i64) -> i64 {
    exp - ((exp - iat) / 5).clamp(1, 30)
}

/// Refreshes ahead of expiry for as long as the page lives; `signed_out` hears of a refresh
/// the server refused. Sleeps while the page is hidden or no tokens are stored, so a
/// background tab never loops.
pub async fn keep_fresh(signed_out: impl Fn()) {
    loop {
        let wait =
            match tokens::access().and_then(|access| Some((tokens::lifetime(&access)?, access))) {
                Some(((iat, exp), access)) if page_visible() && tokens::present() => {
                    let due = refresh_at(iat, exp) - now();
                    if due <= 0 {
                        // A network error leaves the tokens; try again a little later.
                        match refresh::refresh_after(&access).await {
                            Ok(()) => Duration::from_secs(1),
                            Err(super::ClientError::SignedOut) => {
                                signed_out();
                                Duration::from_secs(2)
                            }
                            Err(_) => Duration::from_secs(5),
                        }
                    } else {
                        Duration::from_secs(due as u64)
                    }
                }
                _ => Duration::from_secs(2),
            };
        // Wake at least every few seconds to notice a tab becoming visible or a new sign-in.
        gloo_timers::future::sleep(wait.min(Duration::from_secs(5))).await;
    }
}
