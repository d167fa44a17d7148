//! Builds the application from a `Config`: database, keys, routes, the Leptos UI, and the
//! listener (port 0 picks a free port, as the API tests do).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use app::{App, shell};
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, ServiceExt, middleware};
use leptos::config::get_configuration;
use leptos_axum::{LeptosRoutes, generate_route_list};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;
use tower_http::normalize_path::NormalizePath;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::audit::Audit;
use crate::config::{AppEnv, Config};
use crate::error::ApiError;
use crate::limits::{self, MAX_JSON_BODY_BYTES};
use crate::metrics::{self, Metrics};
use crate::password::PasswordHasher;
use crate::password_policy::PasswordPolicy;
use crate::security_headers::{self, SecurityHeaders};
use crate::state::{AppState, SessionPolicy, Shared};
use crate::store::Store;
use crate::throttle::Throttle;
use crate::tokens::TokenService;
use crate::user_cache::UserCache;
use crate::{routes, secret, upkeep};

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    audit: Audit,
}

impl Application {
    /// Opens the database (applying migrations), loads the keys and binds `config.site_addr`.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let (current, previous) = secret::resolve(&config)?;
        let cors = cors_layer(&config.cors_allowed_origins)?;
        let store = Store::connect(&config.store_options()).await?;
        let tokens = TokenService::new(
            &current,
            &previous,
            config.jwt_access_token_lifetime,
            config.jwt_refresh_token_lifetime,
        );
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("could not listen on {}", config.site_addr))?;
        let mut leptos_options = get_configuration(None)
            .context("could not read the Leptos configuration")?
            .leptos_options;
        leptos_options.site_addr = listener.local_addr()?;
        let hashing_threads = std::thread::available_parallelism().map_or(1, usize::from);
        let metrics = Arc::new(Metrics::default());
        let state = AppState::new(Shared {
            audit: Audit::spawn(store.clone(), metrics.clone()),
            store,
            tokens: Arc::new(tokens),
            hasher: PasswordHasher::new(hashing_threads),
            revocations: Arc::default(),
            users: UserCache::default(),
            policy: SessionPolicy::from_config(&config),
            password_policy: PasswordPolicy {
                min_chars: usize::from(config.password_min_length),
            },
            throttle: Arc::new(Throttle::new(
                config.rate_limit_enabled,
                config.rate_limit_per_ip,
                config.rate_limit_per_account,
                metrics.clone(),
            )),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            metrics,
            // An empty METRICS_TOKEN (as in .env.example) means none.
            metrics_token: config
                .metrics_token
                .clone()
                .filter(|token| !token.expose_secret().is_empty()),
            security_headers: Arc::new(SecurityHeaders {
                production: config.app_env == AppEnv::Production,
            }),
            leptos_options,
        });
        let sync_from = upkeep::load_revocations(&state)
            .await
            .context("could not load revoked sessions")?;
        upkeep::spawn(state.clone(), sync_from);
        Ok(Self {
            listener,
            audit: state.audit.clone(),
            router: router(state, cors),
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
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        // The audit rows of the last requests are stored before the process ends.
        self.audit.flush().await;
        Ok(())
    }
}

fn router(state: AppState, cors: Option<CorsLayer>) -> Router {
    let pages = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (api, _) = routes::router();
    // Token and account answers must never sit in a browser or proxy cache (RFC 9111 §5.2.2.5;
    // OWASP REST Security Cheat Sheet).
    let api = api.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let (operations, _) = routes::health::router().split_for_parts();
    let page_context = security_headers::page_context(&state);
    let router = Router::new()
        .nest("/api", api)
        .merge(operations)
        .leptos_routes_with_context(&state, pages, page_context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(middleware::from_fn(limits::limit_authorization))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track_requests,
        ))
        .layer(CatchPanicLayer::custom(panic_answer))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::apply,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// A panicking handler answers like any internal error: JSON, no stack trace.
fn panic_answer(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
}

/// Exact origins only: a wildcard or `null` origin would let any page read the API's answers.
fn cors_layer(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    let origins = origins
        .iter()
        .map(|origin| origin.trim().trim_end_matches('/'))
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            anyhow::ensure!(
                origin.starts_with("https://") || origin.starts_with("http://"),
                "CORS_ALLOWED_ORIGINS: `{origin}` is not an exact origin like https://app.example.com"
            );
            HeaderValue::from_str(origin)
                .with_context(|| format!("CORS_ALLOWED_ORIGINS: `{origin}` is not a valid origin"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if origins.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("x-requested-with"),
            ]),
    ))
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
