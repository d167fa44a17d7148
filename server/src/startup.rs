//! Builds the application from a `Config`: database, keys, routes, the Leptos UI, and the
//! listener (port 0 picks a free port, as the API tests do).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use app::{App, shell};
use axum::Router;
use axum::ServiceExt;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, Method, header};
use leptos::config::get_configuration;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;
use tower_http::normalize_path::NormalizePath;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::password::PasswordHasher;
use crate::state::{AppState, SessionPolicy};
use crate::store::Store;
use crate::tokens::TokenService;
use crate::{routes, secret, upkeep};

/// JSON bodies above this answer 413: no endpoint needs more (OWASP REST Security: limit
/// request sizes).
pub const MAX_JSON_BODY_BYTES: usize = 16 * 1024;

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
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
        let state = AppState {
            store,
            tokens: Arc::new(tokens),
            hasher: PasswordHasher::new(hashing_threads),
            revocations: Arc::default(),
            policy: SessionPolicy::from_config(&config),
            leptos_options,
        };
        let sync_from = upkeep::load_revocations(&state)
            .await
            .context("could not load revoked sessions")?;
        upkeep::spawn(state.clone(), sync_from);
        Ok(Self {
            listener,
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
            .await
    }
}

fn router(state: AppState, cors: Option<CorsLayer>) -> Router {
    let pages = generate_route_list(App);
    let options = state.leptos_options.clone();
    // Token and account answers must never sit in a browser or proxy cache (RFC 9111 §5.2.2.5;
    // OWASP REST Security Cheat Sheet).
    let api = routes::router().layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    let router = Router::new()
        .nest("/api", api)
        .merge(routes::health::router())
        .leptos_routes(&state, pages, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        // OWASP Secure Headers: no MIME sniffing, no framing (clickjacking), no full URLs
        // leaking to other sites.
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
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
