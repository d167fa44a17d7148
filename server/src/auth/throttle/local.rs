//! The budgets one instance keeps in its own memory (governor's GCRA): the limits without
//! REDIS_URL, and the fallback when Redis does not answer.

use std::net::IpAddr;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, NotUntil, Quota};

use super::budget::{Account, Action, Rate};

/// One keyed limiter per kind of budget.
pub(super) struct LocalLimits {
    by_ip: DefaultKeyedRateLimiter<(Action, IpAddr)>,
    by_account: DefaultKeyedRateLimiter<(Action, Account)>,
}

impl LocalLimits {
    pub(super) fn new(per_ip: Rate, per_account: Rate) -> Self {
        Self {
            by_ip: DefaultKeyedRateLimiter::keyed(quota(per_ip)),
            by_account: DefaultKeyedRateLimiter::keyed(quota(per_account)),
        }
    }

    /// Spends one request of `ip`'s budget for `action`, then of `account`'s: the wait when
    /// one is empty.
    pub(super) fn spend(
        &self,
        action: Action,
        ip: Option<IpAddr>,
        account: Option<&Account>,
    ) -> Result<(), Duration> {
        if let Some(ip) = ip {
            self.by_ip.check_key(&(action, ip)).map_err(wait)?;
        }
        if let Some(account) = account {
            self.by_account
                .check_key(&(action, account.clone()))
                .map_err(wait)?;
        }
        Ok(())
    }

    /// Forgets budgets that have refilled, so the key space stays bounded.
    pub(super) fn prune(&self) {
        self.by_ip.retain_recent();
        self.by_ip.shrink_to_fit();
        self.by_account.retain_recent();
        self.by_account.shrink_to_fit();
    }
}

fn wait(not_until: NotUntil<<DefaultClock as Clock>::Instant>) -> Duration {
    not_until.wait_time_from(DefaultClock::default().now())
}

/// A burst of `count`, one more every `period / count` (the same arithmetic as the Redis
/// script, so both backends give the same answers).
#[allow(
    clippy::expect_used,
    reason = "the period is raised to at least one nanosecond, which Quota accepts"
)]
fn quota(rate: Rate) -> Quota {
    let every = rate.period / rate.count.get();
    Quota::with_period(every.max(Duration::from_nanos(1)))
        .expect("the period is at least one nanosecond")
        .allow_burst(rate.count)
}
