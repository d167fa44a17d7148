//! Gatehouse's HTTP API, tested over real HTTP against a real server and a fresh database:
//! SQLite by default, PostgreSQL with `GATEHOUSE_TEST_BACKEND=postgres` (`make test` runs both).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test and benchmark code: a failure is the finding"
)]

mod admin;
mod audit;
mod claims;
mod commands;
mod cors;
mod email;
mod errors;
mod expiry;
mod forged;
mod fuzz;
mod headers;
mod health;
mod helpers;
mod instances;
mod keys;
mod login;
mod logout;
mod mail_sink;
mod metrics;
mod mfa;
mod openapi;
mod passkeys;
mod password;
mod password_policy;
mod profile;
mod refresh;
mod register;
mod revocation;
mod revocation_stream;
mod rotation;
mod self_service;
mod sessions;
mod shared_limits;
mod signing_keys;
mod throttle;
mod user;
mod verify;
