//! The verifier against a real Gatehouse: tokens accepted and refused as the server would,
//! revocations followed across dropped streams, keys rotated without a restart, and the
//! example service end to end.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the finding"
)]

mod example;
mod keys;
mod revocation;
mod support;
