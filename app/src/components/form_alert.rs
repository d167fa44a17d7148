//! The message above a form for errors that belong to no single field.

use leptos::prelude::*;

/// Shows `message` in an alert region, or nothing.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="alert" role="alert">
                {move || message.get()}
            </div>
        </Show>
    }
}
