//! All SQL lives behind this module: the connection pools, migrations, and one file per table.
//!
//! Two backends, one interface: SQLite (embedded, the default) and PostgreSQL (several
//! instances on one database). Each query is written once — `$N` placeholders, `RETURNING`
//! and `IS DISTINCT FROM` mean the same on both — and `on_pool!` runs it on the backend in use.
//!
//! Beside SQL, the one other shared state: rate-limit budgets in Redis (`rate_limits`), when
//! REDIS_URL is set.

mod account_tokens;
mod admin;
mod connect;
mod events;
mod mfa_challenges;
mod outbox;
mod passkeys;
mod pool;
mod rate_limits;
mod second_factors;
mod sessions;
mod users;

pub use account_tokens::{ChangeEmailError, NewAccountToken};
pub use admin::UserSearch;
pub use connect::{StoreOptions, is_unavailable};
pub use events::{EventFilter, EventRow, StoredEvent};
pub use mfa_challenges::{FactorUse, Finished, NewChallenge};
pub use outbox::{NewMail, OutboxMail};
pub use passkeys::{AddPasskeyError, NewCeremony, NewPasskey, PasskeyRow};
pub use pool::Store;
pub use rate_limits::{Budget, RateLimits, RateLimitsError, Verdict};
pub use sessions::{NewSession, Rotation, SessionRow};
pub use users::{CreateUserError, NewUser, UserRow};
