//! Gatehouse's server: configuration, the HTTP API, tokens, passwords and storage.

pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod extract;
pub mod lifetime;
pub mod password;
pub mod revocation_feed;
pub mod revocations;
pub mod routes;
pub mod secret;
pub mod sessions;
pub mod startup;
pub mod state;
pub mod store;
pub mod tokens;
pub mod upkeep;
