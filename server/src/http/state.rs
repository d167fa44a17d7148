//! What every request handler shares: the rules (`Auth`) and what only HTTP needs.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use secrecy::SecretString;
use tokio::sync::watch;

use super::forwarded::TrustedProxies;
use super::middleware::security_headers::SecurityHeaders;
use super::user_cache::UserCache;
use crate::auth::Auth;
use crate::telemetry::Metrics;

/// The application state behind `State<AppState>`: one shared `Shared`, so the clone every
/// extractor and middleware makes is one reference count (the benchmarks' profile showed
/// field-by-field clones and drops costing several percent of a request).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What every request handler shares.
pub struct Shared {
    pub auth: Arc<Auth>,
    /// `GET /api/user/`'s answers, kept for a moment.
    pub users: UserCache,
    pub trusted_proxies: TrustedProxies,
    pub metrics: Arc<Metrics>,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<SecretString>,
    /// The bearer token `/api/revocations/stream` asks for; none: the stream is closed.
    pub revocation_stream_token: Option<SecretString>,
    pub security_headers: Arc<SecurityHeaders>,
    pub leptos_options: LeptosOptions,
    /// Becomes true when the server begins to stop: streams end then.
    pub stopping: watch::Receiver<bool>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<Metrics> {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

impl FromRef<AppState> for Arc<SecurityHeaders> {
    fn from_ref(state: &AppState) -> Self {
        state.security_headers.clone()
    }
}
