//! A labelled form input with its server error shown beside it.

use leptos::prelude::*;

/// One form field: a real `<label>`, the input, and the field's error (announced to screen
/// readers through `aria-describedby`).
#[component]
pub fn Field(
    /// The visible label, also the input's accessible name.
    label: &'static str,
    /// The input's `id` and `name`, and the API's field name.
    name: &'static str,
    /// The input `type`.
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` hint for password managers.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// The `inputmode` hint for on-screen keyboards ("numeric" for codes).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// The field's value, two-way.
    value: RwSignal<String>,
    /// The error to show under the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input:target=move |event| value.set(event.target().value())
            />
            <p class="field-error" id=error_id>
                {move || error.get()}
            </p>
        </div>
    }
}
