//! What every request handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use secrecy::SecretString;

use crate::audit::Audit;
use crate::config::Config;
use crate::forwarded::TrustedProxies;
use crate::metrics::Metrics;
use crate::password::PasswordHasher;
use crate::password_policy::PasswordPolicy;
use crate::revocations::Revocations;
use crate::security_headers::SecurityHeaders;
use crate::store::Store;
use crate::throttle::Throttle;
use crate::tokens::{LEEWAY_SECS, TokenService};
use crate::user_cache::UserCache;

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
    pub store: Store,
    pub tokens: Arc<TokenService>,
    pub hasher: PasswordHasher,
    pub revocations: Arc<Revocations>,
    pub users: UserCache,
    pub policy: SessionPolicy,
    pub password_policy: PasswordPolicy,
    pub throttle: Arc<Throttle>,
    pub trusted_proxies: Arc<TrustedProxies>,
    pub audit: Audit,
    pub metrics: Arc<Metrics>,
    /// The bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<SecretString>,
    pub security_headers: Arc<SecurityHeaders>,
    pub leptos_options: LeptosOptions,
}

/// The session timings, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// How long an unused session lives.
    pub idle_timeout: i64,
    /// How long the refresh token just replaced gets the same new pair back.
    pub reuse_grace: i64,
    /// How long after a revocation an access token of the session could still be unexpired
    /// (the access lifetime plus the verification leeway).
    pub access_window: i64,
}

impl SessionPolicy {
    /// The timings `config` asks for.
    pub fn from_config(config: &Config) -> Self {
        let idle = config
            .session_idle_timeout
            .unwrap_or(config.jwt_refresh_token_lifetime);
        Self {
            idle_timeout: idle.as_secs() as i64,
            reuse_grace: config.refresh_reuse_grace.as_secs() as i64,
            access_window: config.jwt_access_token_lifetime.as_secs() as i64 + LEEWAY_SECS as i64,
        }
    }

    /// Sessions unused since this time have timed out.
    pub fn idle_cutoff(&self, now: i64) -> i64 {
        now - self.idle_timeout
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
