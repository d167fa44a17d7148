//! The new password and its confirmation, used by the password change and the reset.

use leptos::prelude::*;

use super::{Checks, Field, FormState};
use crate::rules;

/// The two fields, named as the API names them (`new_password`, `new_password2`).
#[component]
pub fn NewPasswordFields(
    new: RwSignal<String>,
    new2: RwSignal<String>,
    form: FormState,
) -> impl IntoView {
    view! {
        <Field label="New password" name="new_password" kind="password" autocomplete="new-password" value=new
            error=form.field("new_password")/>
        <Field label="Confirm new password" name="new_password2" kind="password" autocomplete="new-password"
            value=new2 error=form.field("new_password2")/>
    }
}

/// The server's rules for the pair: the password policy, and the same text twice.
pub fn check_new_password(checks: &mut Checks, new: &str, new2: &str) {
    checks.check("new_password", rules::password(new)).require(
        "new_password2",
        new2 != new,
        "The two password fields didn't match.",
    );
}
