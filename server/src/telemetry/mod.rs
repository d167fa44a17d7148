//! What the server tells its operators: the audit trail and the Prometheus metrics registry.
//! Below the rules (`auth` records into it), above `store` (the trail's rows).

pub mod audit;
pub mod metrics;

pub use audit::{Audit, Event, EventKind, Outcome};
pub use metrics::Metrics;
