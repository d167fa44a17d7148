//! The names of the budgets in Redis. They carry no personal data in clear: the address and
//! the email (or user id) are replaced by a keyed hash (HMAC-SHA256, RFC 2104), so a copy of
//! Redis or its logs names no one, and without the key the names cannot be matched against a
//! list of addresses or emails. The key comes from JWT_SECRET_KEY, which every instance shares,
//! so all instances name a budget alike.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use secrecy::SecretString;
use sha2::Sha256;

use super::budget::{Account, Action};
use crate::auth::derived_key;

/// Where budget names start unless REDIS_KEY_PREFIX says otherwise.
pub const DEFAULT_PREFIX: &str = "gatehouse:rl";

/// HKDF's `info` (RFC 5869 §3.2): this key differs from the others taken from the same secret
/// (the sealing key of `auth::sealed`).
const INFO: &[u8] = b"gatehouse rate-limit keys v1";

/// How much of the HMAC a name keeps: 64 bits, far from colliding among the budgets alive at
/// once, and short keys are cheaper to store.
const DIGEST_BYTES: usize = 8;

pub(super) struct KeyNames {
    prefix: String,
    mac: Hmac<Sha256>,
}

impl KeyNames {
    #[allow(clippy::expect_used, reason = "HMAC takes a key of any length")]
    pub(super) fn new(prefix: &str, secret: &SecretString) -> Self {
        let key = derived_key::derive(secret, INFO);
        Self {
            prefix: prefix.trim_end_matches(':').to_owned(),
            mac: Hmac::new_from_slice(&key).expect("HMAC accepts any key length"),
        }
    }

    /// `{prefix}:{action}:ip:{hash}`: the budget of one client address.
    pub(super) fn ip(&self, action: Action, ip: IpAddr) -> String {
        self.name(action, "ip", &[b"ip\0", ip.to_string().as_bytes()])
    }

    /// `{prefix}:{action}:account:{hash}`: the budget of one account.
    pub(super) fn account(&self, action: Action, account: &Account) -> String {
        match account {
            Account::Email(email) => self.name(action, "account", &[b"email\0", email.as_bytes()]),
            Account::User(id) => {
                self.name(action, "account", &[b"user\0", id.to_string().as_bytes()])
            }
        }
    }

    /// The kind of value comes first in what is hashed, so an email and a user id never share
    /// a budget by accident.
    fn name(&self, action: Action, kind: &str, parts: &[&[u8]]) -> String {
        let mut mac = self.mac.clone();
        for part in parts {
            mac.update(part);
        }
        let digest = mac.finalize().into_bytes();
        let hash = hex::encode(&digest[..DIGEST_BYTES]);
        format!("{}:{}:{kind}:{hash}", self.prefix, action.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(secret: &str) -> KeyNames {
        KeyNames::new(DEFAULT_PREFIX, &SecretString::from(secret.to_owned()))
    }

    #[test]
    fn names_hold_no_address_or_email_in_clear() {
        let names = names("a shared secret of every instance");
        let ip = IpAddr::from([198, 51, 100, 7]);
        let by_ip = names.ip(Action::Login, ip);
        let by_email = names.account(Action::Login, &Account::email("Ada@Example.com"));
        for name in [&by_ip, &by_email] {
            assert!(
                !name.contains("198.51") && !name.contains("100.7"),
                "{name}"
            );
            assert!(!name.to_lowercase().contains("ada"), "{name}");
            assert!(!name.contains("example"), "{name}");
        }
        assert!(by_ip.starts_with("gatehouse:rl:login:ip:"), "{by_ip}");
        assert!(
            by_email.starts_with("gatehouse:rl:login:account:"),
            "{by_email}"
        );
        assert_eq!(by_ip.rsplit(':').next().map(str::len), Some(16), "{by_ip}");
    }

    #[test]
    fn every_instance_with_the_secret_names_a_budget_alike() {
        let ip = IpAddr::from([198, 51, 100, 7]);
        let (first, second) = (names("the same secret"), names("the same secret"));
        assert_eq!(first.ip(Action::Login, ip), second.ip(Action::Login, ip));
        // Another secret gives other names: they cannot be guessed without it.
        assert_ne!(
            first.ip(Action::Login, ip),
            names("another secret").ip(Action::Login, ip)
        );
    }

    #[test]
    fn budgets_differ_by_action_kind_and_value() {
        let names = names("a secret");
        let ip = IpAddr::from([10, 0, 0, 1]);
        let all = [
            names.ip(Action::Login, ip),
            names.ip(Action::Refresh, ip),
            names.ip(Action::Login, IpAddr::from([10, 0, 0, 2])),
            names.account(Action::Login, &Account::User(1)),
            names.account(Action::Login, &Account::User(2)),
            names.account(Action::Login, &Account::email("1")),
        ];
        let distinct: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), all.len(), "{all:?}");
        // The same email spelled differently is one budget (Account::email normalises it).
        assert_eq!(
            names.account(Action::Login, &Account::email(" ADA@x.org")),
            names.account(Action::Login, &Account::email("ada@x.org"))
        );
    }
}
