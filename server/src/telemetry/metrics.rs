//! The Prometheus (OpenMetrics) registry: counters of every audit event kind and outcome and
//! of rate-limit refusals, which store keeps the rate limits (Redis or memory), a latency
//! histogram per route, the number of live sessions, and mail delivery (attempts by template
//! and result, and the outbox's backlog).
//! `http` serves it at `/metrics` and feeds the request histogram.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

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
struct BackendLabels {
    /// redis or memory.
    backend: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route pattern (`/api/sessions/{id}`), never the raw path: bounded label values.
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MailLabels {
    /// The template (password_reset, verify_email, ...): a bounded set.
    kind: String,
    /// sent, retry (a transient failure: tried again later) or failed (refused for good).
    result: &'static str,
}

type HistogramFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The registry and the metrics in it.
pub struct Metrics {
    registry: Registry,
    events: Family<EventLabels, Counter>,
    throttled: Family<ActionLabels, Counter>,
    rate_limit_backend: Family<BackendLabels, Gauge>,
    /// Held while the two backend gauges change, so a race of two changes cannot leave both
    /// at 0 or both at 1.
    backend_change: std::sync::Mutex<()>,
    requests: HistogramFamily,
    active_sessions: Gauge,
    mail: Family<MailLabels, Counter>,
    mail_pending: Gauge,
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
        let rate_limit_backend = Family::<BackendLabels, Gauge>::default();
        registry.register(
            "rate_limit_backend",
            "Where the rate limits are kept now: 1 for the backend in use (redis: shared by \
             every instance; memory: this instance's own), 0 for the other",
            rate_limit_backend.clone(),
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
        let mail = Family::<MailLabels, Counter>::default();
        registry.register(
            "mail_deliveries",
            "Mail delivery attempts by template and result (sent, retry, failed)",
            mail.clone(),
        );
        let mail_pending = Gauge::default();
        registry.register(
            "mail_outbox_pending",
            "Mails queued and not yet delivered or given up",
            mail_pending.clone(),
        );
        Self {
            registry,
            events,
            throttled,
            rate_limit_backend,
            backend_change: std::sync::Mutex::default(),
            requests,
            active_sessions,
            mail,
            mail_pending,
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

    /// Counts one rate-limit refusal of `action`.
    pub fn throttled(&self, action: &'static str) {
        self.throttled.get_or_create(&ActionLabels { action }).inc();
    }

    /// Says whether the rate limits are kept in Redis (true) or in this instance's memory.
    pub fn set_rate_limit_backend(&self, redis: bool) {
        let (in_use, other) = if redis {
            ("redis", "memory")
        } else {
            ("memory", "redis")
        };
        let _changing = self
            .backend_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.rate_limit_backend
            .get_or_create(&BackendLabels { backend: in_use })
            .set(1);
        self.rate_limit_backend
            .get_or_create(&BackendLabels { backend: other })
            .set(0);
    }

    /// Records how long one request took to answer.
    pub fn request(&self, labels: &RequestLabels, seconds: f64) {
        self.requests.get_or_create(labels).observe(seconds);
    }

    /// Sets the number of sessions that can still be refreshed.
    pub fn set_active_sessions(&self, count: i64) {
        self.active_sessions.set(count);
    }

    /// Counts one delivery attempt of a `kind` mail that ended as `result`.
    pub fn mail(&self, kind: &str, result: &'static str) {
        self.mail
            .get_or_create(&MailLabels {
                kind: kind.to_owned(),
                result,
            })
            .inc();
    }

    /// Sets the outbox's backlog.
    pub fn set_mail_pending(&self, count: i64) {
        self.mail_pending.set(count);
    }

    /// The registry as OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail; an error would only mean a truncated page.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
