//! The first- and last-name pair, side by side, used by sign-up and the profile.

use leptos::prelude::*;

use super::{Field, FormState};

#[component]
pub fn NameFields(
    first_name: RwSignal<String>,
    last_name: RwSignal<String>,
    form: FormState,
) -> impl IntoView {
    view! {
        <div class="field-row">
            <Field label="First name" name="first_name" autocomplete="given-name" value=first_name
                error=form.field("first_name")/>
            <Field label="Last name" name="last_name" autocomplete="family-name" value=last_name
                error=form.field("last_name")/>
        </div>
    }
}
