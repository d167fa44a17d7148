//! Gatehouse's server: JWT sign-in, rotation and revocation over HTTP, users and sessions in SQL.
//!
//! The layers, each using only those below it (checked by `scripts/check-layers.py` in
//! `make lint`):
//!
//! 1. `cli`, `startup`, `config` — reading the configuration, building and running the app.
//! 2. `http` — routes, extractors, middleware, OpenAPI, the one mapping of errors to answers.
//! 3. `jobs` — background work (revocation sync and feed, flushing dead sessions); may use
//!    `auth` and `store`, never `http`.
//! 4. `auth` — the rules: sessions, credentials, tokens, revocations, rate limits, password
//!    hashing and policy, domain types. No HTTP types.
//! 5. `telemetry` — the audit trail and the metrics registry.
//! 6. `store` — all SQL.
//!
//! `clock` and `allocator` depend on nothing of ours. Only what `main`, the tests and the
//! benchmarks use is public, so the compiler reports whatever else goes unused.

pub mod allocator;
pub mod cli;
pub mod config;
pub mod startup;

mod auth;
mod clock;
mod http;
mod jobs;
mod store;
mod telemetry;

pub use auth::email::Verification;
pub use auth::keys;
pub use auth::throttle::Rate;
pub use auth::tokens;
pub use http::forwarded::TrustedProxies;
pub use http::user_cache;
