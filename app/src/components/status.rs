//! A polite live region for what a form or a link achieved.

use leptos::prelude::*;

/// Always in the page, empty until there is news: screen readers announce what appears in a
/// live region that already exists, not one inserted with its text.
#[component]
pub fn Status(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! { <p class="status" role="status">{move || message.get()}</p> }
}
