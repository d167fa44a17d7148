//! A form's submit button, disabled and saying so while the form is being sent.

use leptos::prelude::*;

use super::FormState;

/// One component for every form, so the wasm holds its view code once.
#[component]
pub fn SubmitButton(
    form: FormState,
    /// The button's text.
    label: &'static str,
    /// Its text while the form is being sent ("Saving…").
    busy: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class="primary" disabled=move || form.busy.get()>
            {move || if form.busy.get() { busy } else { label }}
        </button>
    }
}
