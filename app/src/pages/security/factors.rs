//! The user's second factors as the Security page shows them: fetched when it opens and again
//! after each change.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::MfaStatus;
use crate::auth::Auth;
use crate::client::{self, ClientError};

/// The user's second factors as the server last told them, and a way to ask again after a
/// change.
#[derive(Clone, Copy)]
pub struct Factors {
    pub status: RwSignal<Option<MfaStatus>>,
    pub problem: RwSignal<Option<String>>,
    auth: Auth,
}

impl Factors {
    pub fn new(auth: Auth) -> Self {
        Self {
            status: RwSignal::new(None),
            problem: RwSignal::new(None),
            auth,
        }
    }

    /// Fetches the status again.
    pub fn reload(self) {
        let auth = self.auth;
        spawn_local(async move {
            match client::mfa_status().await {
                Ok(found) => {
                    self.problem.set(None);
                    self.status.set(Some(found));
                }
                Err(ClientError::SignedOut) => auth.ended(),
                Err(error) => self.problem.set(error.into_body().summary()),
            }
        });
    }
}
