//! Rate limits on the endpoints where an attacker guesses or spends (sign-in and its second
//! step, passkey sign-in, registration, refresh, password and second-factor changes): one
//! budget per client address and one per account, so neither
//! rotating addresses nor spreading over accounts escapes a limit (OWASP ASVS 2.2.1, OWASP
//! Authentication Cheat Sheet "Login Throttling"). The counting is GCRA: in this instance's
//! memory (`local`, governor), or with REDIS_URL in Redis, shared by every instance (`shared`),
//! falling back to the memory while Redis does not answer.

mod breaker;
mod budget;
mod keys;
mod local;
mod shared;

pub use budget::{Account, Action, Rate, Throttled};
pub use keys::DEFAULT_PREFIX;
pub use shared::SharedLimits;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use local::LocalLimits;

use crate::telemetry::Metrics;

/// The limiters; with rate limits switched off, every check passes.
pub struct Throttle {
    /// None when rate limits are off.
    local: Option<LocalLimits>,
    /// With REDIS_URL: asked first; the memory answers only when Redis cannot.
    shared: Option<SharedLimits>,
    metrics: Arc<Metrics>,
}

impl Throttle {
    /// Limits kept in this instance's memory.
    pub fn new(enabled: bool, per_ip: Rate, per_account: Rate, metrics: Arc<Metrics>) -> Self {
        metrics.set_rate_limit_backend(false);
        Self {
            local: enabled.then(|| LocalLimits::new(per_ip, per_account)),
            shared: None,
            metrics,
        }
    }

    /// Keeps the budgets in Redis too (the memory stays as the fallback). Nothing changes when
    /// rate limits are off.
    pub fn with_shared(mut self, shared: SharedLimits) -> Self {
        if self.local.is_some() {
            self.metrics.set_rate_limit_backend(true);
            self.shared = Some(shared);
        }
        self
    }

    /// The Redis budgets, when in use.
    pub fn shared(&self) -> Option<&SharedLimits> {
        self.shared.as_ref()
    }

    /// Spends one request of `ip`'s budget for `action`, and of `account`'s if known; a 429
    /// with the wait (`Retry-After`) when either is empty. In Redis both are spent or neither,
    /// and the wait is the longer one.
    pub async fn check(
        &self,
        action: Action,
        ip: IpAddr,
        account: Option<&Account>,
    ) -> Result<(), Throttled> {
        self.spend(action, Some(ip), account).await
    }

    /// Spends one request of `ip`'s budget for `action`.
    pub async fn check_ip(&self, action: Action, ip: IpAddr) -> Result<(), Throttled> {
        self.spend(action, Some(ip), None).await
    }

    /// Spends one request of `account`'s budget for `action`, whatever the address.
    pub async fn check_account(&self, action: Action, account: &Account) -> Result<(), Throttled> {
        self.spend(action, None, Some(account)).await
    }

    async fn spend(
        &self,
        action: Action,
        ip: Option<IpAddr>,
        account: Option<&Account>,
    ) -> Result<(), Throttled> {
        let Some(local) = &self.local else {
            return Ok(());
        };
        let shared = match &self.shared {
            Some(shared) => shared.spend(action, ip, account).await,
            None => None,
        };
        shared
            .unwrap_or_else(|| local.spend(action, ip, account))
            .map_err(|wait| self.refuse(action, wait))
    }

    fn refuse(&self, action: Action, wait: Duration) -> Throttled {
        tracing::warn!(action = action.as_str(), "rate limit reached");
        self.metrics.throttled(action.as_str());
        Throttled {
            // Whole seconds, rounded up: retrying at once after a shorter Retry-After would be
            // refused again.
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        }
    }

    /// Forgets budgets that have refilled, so the key space stays bounded (Redis forgets its
    /// own: each key expires).
    pub fn prune(&self) {
        if let Some(local) = &self.local {
            local.prune();
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

    #[tokio::test]
    async fn an_address_gets_its_burst_then_a_wait() {
        let throttle = Throttle::new(
            true,
            Rate::parse("2/min").unwrap(),
            Rate::parse("100/min").unwrap(),
            Arc::default(),
        );
        assert!(
            throttle
                .check(Action::Login, localhost(), None)
                .await
                .is_ok()
        );
        assert!(
            throttle
                .check(Action::Login, localhost(), None)
                .await
                .is_ok()
        );
        match throttle.check(Action::Login, localhost(), None).await {
            Err(Throttled { retry_after_secs }) => {
                assert!((1..=30).contains(&retry_after_secs), "{retry_after_secs}")
            }
            other => panic!("expected a throttle, got {other:?}"),
        }
        // Another action and another address have budgets of their own.
        assert!(
            throttle
                .check(Action::Refresh, localhost(), None)
                .await
                .is_ok()
        );
        let other = IpAddr::from([10, 0, 0, 1]);
        assert!(throttle.check(Action::Login, other, None).await.is_ok());
    }

    #[tokio::test]
    async fn an_account_is_limited_across_addresses() {
        let throttle = Throttle::new(
            true,
            Rate::parse("100/min").unwrap(),
            Rate::parse("1/min").unwrap(),
            Arc::default(),
        );
        let account = Account::email(" Ada@Example.com");
        let first = IpAddr::from([10, 0, 0, 1]);
        let second = IpAddr::from([10, 0, 0, 2]);
        assert!(
            throttle
                .check(Action::Login, first, Some(&account))
                .await
                .is_ok()
        );
        let same = Account::email("ada@example.com ");
        assert!(
            throttle
                .check(Action::Login, second, Some(&same))
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn with_redis_down_the_memory_limits_and_redis_is_not_waited_for() {
        use crate::store::RateLimits;
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let store = RateLimits::new(
            &format!("redis://127.0.0.1:{port}"),
            Duration::from_millis(10),
        )
        .unwrap();
        let metrics = Arc::new(Metrics::default());
        let rates = (
            Rate::parse("2/min").unwrap(),
            Rate::parse("100/min").unwrap(),
        );
        let secret = secrecy::SecretString::from("a secret".to_owned());
        let shared = SharedLimits::new(store, DEFAULT_PREFIX, &secret, rates, metrics.clone());
        let throttle = Throttle::new(true, rates.0, rates.1, metrics.clone()).with_shared(shared);

        assert!(
            throttle
                .check(Action::Login, localhost(), None)
                .await
                .is_ok()
        );
        assert!(
            throttle
                .check(Action::Login, localhost(), None)
                .await
                .is_ok()
        );
        assert!(
            throttle
                .check(Action::Login, localhost(), None)
                .await
                .is_err()
        );
        let text = metrics.encode();
        assert!(
            text.contains(r#"gatehouse_rate_limit_backend{backend="memory"} 1"#)
                && text.contains(r#"gatehouse_rate_limit_backend{backend="redis"} 0"#),
            "{text}"
        );

        // The breaker keeps the checks off Redis: no timeout on each.
        let started = std::time::Instant::now();
        for _ in 0..50 {
            let _ = throttle.check(Action::Refresh, localhost(), None).await;
        }
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn switched_off_nothing_is_limited() {
        let throttle = Throttle::new(
            false,
            Rate::parse("1/h").unwrap(),
            Rate::parse("1/h").unwrap(),
            Arc::default(),
        );
        for _ in 0..10 {
            assert!(
                throttle
                    .check(Action::Login, localhost(), None)
                    .await
                    .is_ok()
            );
        }
    }
}
