//! Builds the application from a `Config`: database, keys, the rules' state, the background
//! jobs, the HTTP app, and the listener (port 0 picks a free port, as the API tests do).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::Request;
use axum::{Router, ServiceExt};
use leptos::config::get_configuration;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::normalize_path::NormalizePath;

use crate::auth::email::EmailPolicy;
use crate::auth::passkeys::PasskeyPolicy;
use crate::auth::password::PasswordHasher;
use crate::auth::sealed::Sealer;
use crate::auth::second_factors::MfaPolicy;
use crate::auth::throttle::{SharedLimits, Throttle};
use crate::auth::tokens::{KeyRing, TokenService};
use crate::auth::{Auth, revoke};
use crate::config::email::MailSettings;
use crate::config::{AppEnv, Config, secret, signing_key};
use crate::http::middleware::{cors, security_headers::SecurityHeaders};
use crate::http::state::{AppState, Shared};
use crate::http::user_cache::UserCache;
use crate::jobs;
use crate::jobs::mail_sender;
use crate::jobs::mail_transport::MailTransport;
use crate::store::{RateLimits, Store};
use crate::telemetry::{Audit, Metrics};

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// Set when the server begins to stop, so endless answers (the revocation stream) end.
    stopping: watch::Sender<bool>,
}

impl Application {
    /// Opens the database (applying migrations), loads the keys and binds `config.site_addr`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let (current, previous) = secret::resolve(&config)?;
        let keys = signing_key::key_ring(&config, &current, &previous)?;
        let cors = cors::layer(&config.cors_allowed_origins)?;
        let store = Store::connect(&config.store_options()).await?;
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("could not listen on {}", config.site_addr))?;
        let mut leptos_options = get_configuration(None)
            .context("could not read the Leptos configuration")?
            .leptos_options;
        leptos_options.site_addr = listener.local_addr()?;
        let metrics = Arc::new(Metrics::default());
        let mail = config.mail_settings()?;
        let transport = MailTransport::new(&mail.from, &mail.delivery)?;
        let secrets = (&current, previous.as_slice());
        let auth = Arc::new(rules(&config, store, keys, secrets, &metrics, mail)?);
        revoke::load_revocations(&auth)
            .await
            .context("could not load revoked sessions")?;
        if auth.throttle.shared().is_some() {
            let auth = auth.clone();
            tokio::spawn(async move {
                if let Some(shared) = auth.throttle.shared() {
                    shared.warm_up().await;
                }
            });
        }
        jobs::spawn(&auth);
        mail_sender::spawn(auth.clone(), transport, metrics.clone());
        let (stopping, stopping_seen) = watch::channel(false);
        let state = AppState::new(Shared {
            auth,
            users: UserCache::default(),
            trusted_proxies: config.trusted_proxies.clone(),
            metrics,
            // An empty METRICS_TOKEN (as in .env.example) means none.
            metrics_token: config
                .metrics_token
                .clone()
                .filter(|token| !token.expose_secret().is_empty()),
            revocation_stream_token: config
                .revocation_stream_token
                .clone()
                .filter(|token| !token.expose_secret().is_empty()),
            security_headers: Arc::new(SecurityHeaders {
                production: config.app_env == AppEnv::Production,
            }),
            leptos_options,
            stopping: stopping_seen,
        });
        Ok(Self {
            listener,
            router: crate::http::app(state, cors),
            stopping,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|address| address.port())
            .unwrap_or_default()
    }

    /// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(address = %self.listener.local_addr()?, "listening");
        // Trim the trailing slash before routing, so `/api/user/` and `/api/user` are one route.
        let service = NormalizePath::trim_trailing_slash(self.router);
        let service =
            ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(service);
        let stopping = self.stopping;
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                // The graceful shutdown waits for every answer to end; a stream ends only so.
                let _ = stopping.send(true);
            })
            .await?;
        // No audit row is left to store: each request waited for its own (`Audit::record`).
        Ok(())
    }
}

/// The rules' state for `config`: keys, hashing threads, limits, the audit writer, and the
/// account-email, second-factor and passkey policies. The secrets seal second factors whatever
/// the algorithm, so an HS256 deployment moving to a key pair keeps its TOTP secrets readable.
fn rules(
    config: &Config,
    store: Store,
    keys: KeyRing,
    (current, previous): (&secrecy::SecretString, &[secrecy::SecretString]),
    metrics: &Arc<Metrics>,
    mail: MailSettings,
) -> anyhow::Result<Auth> {
    let hashing_threads = std::thread::available_parallelism().map_or(1, usize::from);
    let relying_party = config.relying_party(&mail.public_url)?;
    let passkeys = PasskeyPolicy::new(&relying_party).with_context(|| {
        format!(
            "WEBAUTHN_RP_ID `{}` is not the host of WEBAUTHN_RP_ORIGIN `{}` nor a parent domain of it",
            relying_party.id, relying_party.origin
        )
    })?;
    Ok(Auth {
        audit: Audit::spawn(store.clone(), metrics.clone()),
        store,
        tokens: TokenService::new(
            keys,
            signing_key::issuer(config, &mail.public_url),
            config.jwt_access_token_lifetime,
            config.jwt_refresh_token_lifetime,
        ),
        hasher: PasswordHasher::new(hashing_threads)
            .context("could not start the password hashing threads")?,
        revocations: Default::default(),
        policy: config.session_policy(),
        password_policy: config.password_policy(),
        throttle: throttle(config, current, metrics)?,
        email: EmailPolicy {
            verification: config.email_verification,
            public_url: mail.public_url,
            reset_lifetime: config.password_reset_timeout,
            verification_lifetime: config.email_verification_timeout,
        },
        mfa: MfaPolicy {
            sealer: Sealer::new(current, previous),
            challenge_lifetime: config.mfa_token_lifetime,
        },
        passkeys,
        mail_queued: Arc::default(),
    })
}

/// The rate limits: in memory, and with REDIS_URL in Redis too (the memory then only stands in
/// while Redis does not answer). Redis is not reached here: the server starts whether it is up
/// or not, and a task connects in the background.
fn throttle(
    config: &Config,
    secret: &secrecy::SecretString,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<Throttle> {
    let rates = (config.rate_limit_per_ip, config.rate_limit_per_account);
    let throttle = Throttle::new(config.rate_limit_enabled, rates.0, rates.1, metrics.clone());
    let Some(url) = config
        .redis_url
        .as_ref()
        .map(|url| url.expose_secret())
        .filter(|url| !url.is_empty())
    else {
        return Ok(throttle);
    };
    // The URL may hold a password: never echo it.
    let store = RateLimits::new(url, Duration::from_millis(config.redis_timeout_ms))
        .context("REDIS_URL is not a Redis URL (redis://[:password@]host[:port][/db])")?;
    let shared = SharedLimits::new(
        store,
        &config.redis_key_prefix,
        secret,
        rates,
        metrics.clone(),
    );
    Ok(throttle.with_shared(shared))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
