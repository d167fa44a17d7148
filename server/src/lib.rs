//! Gatehouse's server: configuration, the HTTP API, tokens, passwords and storage.

pub mod audit;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod extract;
pub mod forwarded;
pub mod lifetime;
pub mod limits;
pub mod metrics;
pub mod openapi;
pub mod password;
pub mod password_policy;
pub mod revocation_feed;
pub mod revocations;
pub mod routes;
pub mod secret;
pub mod security_headers;
pub mod sessions;
pub mod startup;
pub mod state;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod upkeep;
