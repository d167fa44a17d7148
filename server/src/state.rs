//! What every request handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::password::PasswordHasher;
use crate::store::Store;
use crate::tokens::TokenService;

/// The application state behind `State<AppState>`; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub tokens: Arc<TokenService>,
    pub hasher: PasswordHasher,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
