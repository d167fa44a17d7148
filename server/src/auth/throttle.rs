//! Rate limits on the endpoints where an attacker guesses or spends (sign-in and its second
//! step, passkey sign-in, registration, refresh, password and second-factor changes): one
//! budget per client address and one per account, so neither
//! rotating addresses nor spreading over accounts escapes a limit (OWASP ASVS 2.2.1, OWASP
//! Authentication Cheat Sheet "Login Throttling"). The counting is governor's GCRA.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, NotUntil, Quota};

use crate::telemetry::Metrics;

/// What is being limited; each action has budgets of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Register,
    Refresh,
    PasswordChange,
    /// Asking for a reset link: each one sends a mail, so it is limited per address and per
    /// email (OWASP Forgot Password Cheat Sheet).
    PasswordReset,
    /// Using a mailed link (reset, verify, confirm): guessing 256-bit tokens is hopeless, but
    /// each try costs a write.
    UseLink,
    /// Asking for another verification mail.
    VerificationResend,
    /// Asking to change the address (proves the password: limited like sign-in).
    EmailChange,
    /// The second step of a sign-in: a code is guessed (OWASP Multifactor Authentication
    /// Cheat Sheet), per address and per account, on top of each token's five tries.
    MfaLogin,
    /// Setting up, confirming or turning off TOTP and making new recovery codes (a password or
    /// a code is checked).
    MfaChange,
    /// Beginning and finishing a passkey registration (per address and per user): each
    /// begin stores a ceremony.
    PasskeyRegister,
    /// Beginning and finishing a passkey sign-in: per address, and per account once the
    /// passkey names it.
    PasskeyLogin,
}

impl Action {
    /// The label used in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Register => "register",
            Self::Refresh => "refresh",
            Self::PasswordChange => "password_change",
            Self::PasswordReset => "password_reset",
            Self::UseLink => "use_link",
            Self::VerificationResend => "verification_resend",
            Self::EmailChange => "email_change",
            Self::MfaLogin => "mfa_login",
            Self::MfaChange => "mfa_change",
            Self::PasskeyRegister => "passkey_register",
            Self::PasskeyLogin => "passkey_login",
        }
    }
}

/// A budget: `count` requests per `period`, refilled evenly (a burst of `count` at most).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub period: Duration,
}

impl Rate {
    /// Reads `N/s`, `N/min` or `N/h` (e.g. `10/min`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || format!("`{raw}` is not a rate like 10/min (N/s, N/min or N/h)");
        let (count, unit) = raw.trim().split_once('/').ok_or_else(invalid)?;
        let count = count.trim().parse::<NonZeroU32>().map_err(|_| invalid())?;
        let period = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(invalid()),
        };
        Ok(Self { count, period })
    }

    #[allow(
        clippy::expect_used,
        reason = "the period is raised to at least one nanosecond, which Quota accepts"
    )]
    fn quota(self) -> Quota {
        let every = self.period / self.count.get();
        Quota::with_period(every.max(Duration::from_nanos(1)))
            .expect("the period is at least one nanosecond")
            .allow_burst(self.count)
    }
}

/// Who is asking, for the per-account budget: the email being signed in or registered, or the
/// user a token names. Keys are never shown to anyone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    Email(String),
    User(i64),
}

impl Account {
    /// The budget key of an email as typed: trimmed and lower-cased like the stored address,
    /// so `Ada@x` and `ada@x ` share a budget (and unknown addresses get one too, so the limit
    /// does not reveal which accounts exist).
    pub fn email(raw: &str) -> Self {
        Self::Email(raw.trim().to_lowercase())
    }
}

/// A spent budget: the request is refused, and may be retried after this many seconds
/// (DRF's throttling answer, 429 with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("throttled for {retry_after_secs} s")]
pub struct Throttled {
    pub retry_after_secs: u64,
}

/// The limiters; with rate limits switched off, every check passes.
pub struct Throttle {
    limits: Option<Limits>,
    metrics: Arc<Metrics>,
}

struct Limits {
    by_ip: DefaultKeyedRateLimiter<(Action, IpAddr)>,
    by_account: DefaultKeyedRateLimiter<(Action, Account)>,
}

impl Throttle {
    pub fn new(enabled: bool, per_ip: Rate, per_account: Rate, metrics: Arc<Metrics>) -> Self {
        let limits = enabled.then(|| Limits {
            by_ip: DefaultKeyedRateLimiter::keyed(per_ip.quota()),
            by_account: DefaultKeyedRateLimiter::keyed(per_account.quota()),
        });
        Self { limits, metrics }
    }

    /// Spends one request of `ip`'s budget for `action`, and of `account`'s if known; a 429
    /// with the wait (`Retry-After`) when either is empty.
    pub fn check(
        &self,
        action: Action,
        ip: IpAddr,
        account: Option<&Account>,
    ) -> Result<(), Throttled> {
        self.check_ip(action, ip)?;
        match account {
            Some(account) => self.check_account(action, account),
            None => Ok(()),
        }
    }

    /// Spends one request of `ip`'s budget for `action`.
    pub fn check_ip(&self, action: Action, ip: IpAddr) -> Result<(), Throttled> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        limits
            .by_ip
            .check_key(&(action, ip))
            .map_err(|not_until| self.refuse(action, not_until))
    }

    /// Spends one request of `account`'s budget for `action`, whatever the address.
    pub fn check_account(&self, action: Action, account: &Account) -> Result<(), Throttled> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        limits
            .by_account
            .check_key(&(action, account.clone()))
            .map_err(|not_until| self.refuse(action, not_until))
    }

    fn refuse(
        &self,
        action: Action,
        not_until: NotUntil<<DefaultClock as Clock>::Instant>,
    ) -> Throttled {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        tracing::warn!(action = action.as_str(), "rate limit reached");
        self.metrics.throttled(action.as_str());
        Throttled {
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        }
    }

    /// Forgets budgets that have refilled, so the key space stays bounded.
    pub fn prune(&self) {
        if let Some(limits) = &self.limits {
            limits.by_ip.retain_recent();
            limits.by_ip.shrink_to_fit();
            limits.by_account.retain_recent();
            limits.by_account.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn localhost() -> IpAddr {
        IpAddr::from([127, 0, 0, 1])
    }

    #[test]
    fn rates_read_count_and_unit() {
        let rate = Rate::parse("10/min").unwrap();
        assert_eq!(rate.count.get(), 10);
        assert_eq!(rate.period, Duration::from_secs(60));
        assert_eq!(
            Rate::parse(" 3 / s ").unwrap().period,
            Duration::from_secs(1)
        );
        for bad in ["", "10", "0/min", "x/min", "10/day", "-1/h"] {
            assert!(Rate::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn an_address_gets_its_burst_then_a_wait() {
        let throttle = Throttle::new(
            true,
            Rate::parse("2/min").unwrap(),
            Rate::parse("100/min").unwrap(),
            Arc::default(),
        );
        assert!(throttle.check(Action::Login, localhost(), None).is_ok());
        assert!(throttle.check(Action::Login, localhost(), None).is_ok());
        match throttle.check(Action::Login, localhost(), None) {
            Err(Throttled { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("expected a throttle, got {other:?}"),
        }
        // Another action and another address have budgets of their own.
        assert!(throttle.check(Action::Refresh, localhost(), None).is_ok());
        let other = IpAddr::from([10, 0, 0, 1]);
        assert!(throttle.check(Action::Login, other, None).is_ok());
    }

    #[test]
    fn an_account_is_limited_across_addresses() {
        let throttle = Throttle::new(
            true,
            Rate::parse("100/min").unwrap(),
            Rate::parse("1/min").unwrap(),
            Arc::default(),
        );
        let account = Account::email(" Ada@Example.com");
        let first = IpAddr::from([10, 0, 0, 1]);
        let second = IpAddr::from([10, 0, 0, 2]);
        assert!(throttle.check(Action::Login, first, Some(&account)).is_ok());
        let same = Account::email("ada@example.com ");
        assert!(throttle.check(Action::Login, second, Some(&same)).is_err());
    }

    #[test]
    fn switched_off_nothing_is_limited() {
        let throttle = Throttle::new(
            false,
            Rate::parse("1/h").unwrap(),
            Rate::parse("1/h").unwrap(),
            Arc::default(),
        );
        for _ in 0..10 {
            assert!(throttle.check(Action::Login, localhost(), None).is_ok());
        }
    }
}
