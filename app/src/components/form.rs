//! What every form shares: client-side checks with the server's rules (`crate::rules`), a
//! busy state, errors from either side shown at their fields, and focus moved to the first one.

use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::ErrorBody;
use crate::auth::{Auth, use_auth};
use crate::client::ClientError;

/// Field errors found before sending, in the server's shape.
#[derive(Default)]
pub struct Checks(ErrorBody);

impl Checks {
    /// Records `outcome`'s message for `field`, if it failed.
    pub fn check<T>(&mut self, field: &str, outcome: Result<T, String>) -> &mut Self {
        if let Err(message) = outcome {
            self.0
                .fields
                .entry(field.to_owned())
                .or_default()
                .push(message);
        }
        self
    }

    /// Records `message` for `field` when `failed`.
    pub fn require(&mut self, field: &str, failed: bool, message: &str) -> &mut Self {
        self.check(
            field,
            if failed {
                Err(message.to_owned())
            } else {
                Ok(())
            },
        )
    }

    fn into_errors(self) -> Option<ErrorBody> {
        (!self.0.fields.is_empty()).then_some(self.0)
    }
}

/// Focuses the first field marked invalid, once the page shows the errors (WCAG 3.3.1).
pub fn focus_first_error() {
    request_animation_frame(|| {
        let invalid = document()
            .query_selector("[aria-invalid='true']")
            .ok()
            .flatten();
        if let Some(field) =
            invalid.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = field.focus();
        }
    });
}

/// A form's state: its errors and whether a submission is under way.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: RwSignal<ErrorBody>,
    pub busy: RwSignal<bool>,
    auth: Auth,
}

impl FormState {
    pub fn new() -> Self {
        Self {
            errors: RwSignal::new(ErrorBody::default()),
            busy: RwSignal::new(false),
            auth: use_auth(),
        }
    }

    /// The error to show beside `field`.
    pub fn field(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.errors.get().field(field))
    }

    /// The error to show above the form.
    pub fn summary(self) -> Signal<Option<String>> {
        Signal::derive(move || self.errors.get().summary())
    }

    /// The error to show above the form, `field`'s included: a field without an input (the
    /// `token` of a mailed link, or the `email` a resend button sends).
    pub fn summary_with(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.errors
                .with(|errors| errors.field(field).or_else(|| errors.summary()))
        })
    }

    /// Submits once at a time: `checks` first (nothing is sent if they fail), then `work`,
    /// which calls the API and, on success, shows the outcome; its error goes to the fields. A
    /// session that ended meanwhile signs the tab out (the protected page then leaves for the
    /// sign-in page).
    pub fn submit(
        self,
        checks: Checks,
        work: impl Future<Output = Result<(), ClientError>> + 'static,
    ) {
        self.run(checks, Box::pin(work));
    }

    // One body for every form: generic over each form's future, it would be compiled once per
    // form into the wasm.
    fn run(self, checks: Checks, work: Pin<Box<dyn Future<Output = Result<(), ClientError>>>>) {
        if self.busy.get_untracked() {
            return;
        }
        if let Some(errors) = checks.into_errors() {
            self.errors.set(errors);
            focus_first_error();
            return;
        }
        self.busy.set(true);
        self.errors.set(ErrorBody::default());
        spawn_local(async move {
            if let Err(error) = work.await {
                if error == ClientError::SignedOut {
                    self.auth.ended();
                }
                self.errors.set(error.into_body());
                focus_first_error();
            }
            self.busy.set(false);
        });
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}
