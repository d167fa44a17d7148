//! Page parts built into wasm files of their own (`#[lazy]` functions; `cargo leptos --split`),
//! so the wasm every page downloads holds only what the first render needs.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shows `waiting` until `load` (a `#[lazy]` function's call) has fetched the part's wasm file
/// and built it, then the part. Only for parts the server never renders — those behind
/// `Protected`, which waits for the browser, or shown after a click — so a lazy part is never
/// hydrated, only built.
pub fn lazy_view(
    load: impl Future<Output = AnyView> + 'static,
    waiting: &'static str,
) -> impl IntoView {
    let part = StoredValue::new_local(None::<AnyView>);
    let loaded = RwSignal::new(false);
    spawn_local(async move {
        let built = load.await;
        // The page may have been left meanwhile: then there is nothing to show it in.
        if part.try_set_value(Some(built)).is_none() {
            loaded.try_set(true);
        }
    });
    move || {
        if loaded.get() {
            // Taken once: the part moves into the page, and `loaded` never changes again.
            Either::Left(part.try_update_value(Option::take).flatten())
        } else {
            Either::Right(view! { <p class="muted">{waiting}</p> })
        }
    }
}
