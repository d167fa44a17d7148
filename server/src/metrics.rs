//! `/metrics` in the Prometheus (OpenMetrics) text format: counters of every audit event kind
//! and outcome and of rate-limit refusals, a latency histogram per route, and the number of
//! live sessions. Optionally behind a bearer token (`METRICS_TOKEN`).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::clock;
use crate::error::ApiError;
use crate::state::AppState;
use crate::throttle::Action;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    action: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route pattern (`/api/sessions/{id}`), never the raw path: bounded label values.
    route: String,
    status: u16,
}

type HistogramFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The registry and the metrics in it.
pub struct Metrics {
    registry: Registry,
    events: Family<EventLabels, Counter>,
    throttled: Family<ActionLabels, Counter>,
    requests: HistogramFamily,
    active_sessions: Gauge,
}

/// 0.25 ms to ~4 s: API answers are sub-millisecond, sign-ins take tens of milliseconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("gatehouse");
        let events = Family::<EventLabels, Counter>::default();
        registry.register(
            "auth_events",
            "Audit events by kind (login, refresh, token_reused, ...) and outcome",
            events.clone(),
        );
        let throttled = Family::<ActionLabels, Counter>::default();
        registry.register(
            "rate_limited",
            "Requests refused by a rate limit, by action",
            throttled.clone(),
        );
        let requests = HistogramFamily::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route and status",
            requests.clone(),
        );
        let active_sessions = Gauge::default();
        registry.register(
            "active_sessions",
            "Sessions that can still be refreshed (not revoked, expired or idle)",
            active_sessions.clone(),
        );
        Self {
            registry,
            events,
            throttled,
            requests,
            active_sessions,
        }
    }
}

impl Metrics {
    /// Counts one audit event.
    pub fn event(&self, kind: &'static str, outcome: &'static str) {
        self.events
            .get_or_create(&EventLabels { kind, outcome })
            .inc();
    }

    /// Counts one rate-limit refusal.
    pub fn throttled(&self, action: Action) {
        self.throttled
            .get_or_create(&ActionLabels {
                action: action.as_str(),
            })
            .inc();
    }

    fn encode(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}

/// Middleware: times every request, labelled by its route pattern.
pub async fn track_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let labels = RequestLabels {
        method,
        route,
        status: response.status().as_u16(),
    };
    state
        .metrics
        .requests
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus/OpenMetrics text", content_type = "application/openmetrics-text"),
        (status = 401, description = "METRICS_TOKEN is set and the bearer token is not it"),
    )
)]
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorized(state.metrics_token.as_ref(), &headers) {
        return ApiError::Unauthorized(crate::error::AuthFailure::NotAuthenticated).into_response();
    }
    let now = clock::now();
    match state
        .store
        .count_live_sessions(now, state.policy.idle_cutoff(now))
        .await
    {
        Ok(count) => {
            state.metrics.active_sessions.set(count);
        }
        Err(error) => tracing::warn!(%error, "could not count live sessions"),
    }
    let mut response = (StatusCode::OK, state.metrics.encode()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// Whether the request carries the metrics token, if one is configured. The digests are
/// compared, so the comparison's timing says nothing about the token.
fn authorized(token: Option<&SecretString>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return true;
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(presented.trim().as_bytes()) == Sha256::digest(token.expose_secret().as_bytes())
}
