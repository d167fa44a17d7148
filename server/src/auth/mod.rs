//! The rules of authentication, free of HTTP: sessions (start, rotate, logout, revoke),
//! credentials (registration, sign-in, password change), second factors (TOTP with recovery
//! codes, the second step of a sign-in, passkeys and passkey sign-in, `amr`), account email
//! (recovery, verification, change of address, and the mails they send), administration and
//! self-service (staff, disabling, deletion, export), tokens, the revocation set, rate limits, password
//! hashing and policy, signing keys, and the domain types input is parsed into. Each use
//! case is a function taking `&Auth` and returning its own error enum; `http` maps those
//! errors to answers.

pub mod account_deletion;
pub mod admin;
pub mod amr;
pub mod client;
pub mod credentials;
pub mod crypto;
pub mod data_export;
pub mod derived_key;
pub mod domain;
pub mod email;
pub mod email_change;
pub mod failure;
pub mod fields;
pub mod key_ring;
pub mod keys;
pub mod mail;
pub mod mfa_challenge;
pub mod one_time;
pub mod passkey_sign_in;
pub mod passkeys;
pub mod password;
pub mod password_policy;
pub mod policy;
pub mod reauthentication;
pub mod recovery;
pub mod recovery_codes;
pub mod revocations;
pub mod revoke;
pub mod sealed;
pub mod second_factors;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod users;
pub mod verification;

pub use client::Client;
pub use failure::AuthFailure;
pub use fields::FieldErrors;
pub use policy::SessionPolicy;

use std::sync::Arc;

use tokio::sync::Notify;

use crate::store::Store;
use crate::telemetry::Audit;

/// What the rules work with, built once at start and shared by every request and job.
pub struct Auth {
    pub store: Store,
    pub tokens: tokens::TokenService,
    pub hasher: password::PasswordHasher,
    pub revocations: revocations::Revocations,
    pub policy: SessionPolicy,
    pub password_policy: password_policy::PasswordPolicy,
    pub throttle: throttle::Throttle,
    pub audit: Audit,
    pub email: email::EmailPolicy,
    pub mfa: second_factors::MfaPolicy,
    pub passkeys: passkeys::PasskeyPolicy,
    /// Rung when a mail is queued, so the sender delivers at once rather than at its next poll.
    pub mail_queued: Arc<Notify>,
}
