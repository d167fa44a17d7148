//! The budgets every instance shares, in Redis (REDIS_URL): one atomic script call per check,
//! spending the address's and the account's budget together or neither. When Redis fails or
//! is slow, the check answers "ask the memory" instead: the instance falls back to its own
//! limits, says so once in the log and in `gatehouse_rate_limit_backend`, and tries Redis again
//! by itself (`breaker`). Never an error to the client, and never no limit.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use super::breaker::Breaker;
use super::budget::{Account, Action, Rate};
use super::keys::KeyNames;
use crate::store::{Budget, RateLimits, RateLimitsError, Verdict};
use crate::telemetry::Metrics;

pub struct SharedLimits {
    store: RateLimits,
    names: KeyNames,
    per_ip: Rate,
    per_account: Rate,
    breaker: Breaker,
    metrics: Arc<Metrics>,
}

impl SharedLimits {
    /// Budgets in `store`, named under `prefix` with a key taken from `secret` (JWT_SECRET_KEY,
    /// the same on every instance).
    pub fn new(
        store: RateLimits,
        prefix: &str,
        secret: &SecretString,
        (per_ip, per_account): (Rate, Rate),
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            store,
            names: KeyNames::new(prefix, secret),
            per_ip,
            per_account,
            breaker: Breaker::new(),
            metrics,
        }
    }

    /// Opens the connection and loads the script ahead of the first request, so a Redis that
    /// is down at start is reported at start.
    pub async fn warm_up(&self) {
        match self.store.warm_up().await {
            Ok(()) => {
                tracing::info!("rate limits are shared by every instance, in Redis");
                self.breaker.succeeded();
            }
            Err(error) => {
                if self.breaker.failed() {
                    self.report_down(&error);
                }
            }
        }
    }

    /// Spends one request of `ip`'s and `account`'s budgets for `action` (those given): `Ok` or
    /// the wait, as Redis decided; `None` when Redis cannot be asked now (use the memory).
    pub(super) async fn spend(
        &self,
        action: Action,
        ip: Option<IpAddr>,
        account: Option<&Account>,
    ) -> Option<Result<(), Duration>> {
        if !self.breaker.may_ask() {
            return None;
        }
        let ip_key = ip.map(|ip| self.names.ip(action, ip));
        let account_key = account.map(|account| self.names.account(action, account));
        let budgets = [
            ip_key.as_deref().map(|key| budget(key, self.per_ip)),
            account_key
                .as_deref()
                .map(|key| budget(key, self.per_account)),
        ];
        let budgets: Vec<Budget<'_>> = budgets.into_iter().flatten().collect();
        match self.store.spend(&budgets).await {
            Ok(verdict) => {
                if self.breaker.succeeded() {
                    tracing::info!("Redis answers again: rate limits are shared again");
                    self.metrics.set_rate_limit_backend(true);
                }
                Some(match verdict {
                    Verdict::Spent => Ok(()),
                    Verdict::Empty { wait } => Err(wait),
                })
            }
            Err(error) => {
                let changed = match error {
                    RateLimitsError::TimedOut(_) => self.breaker.too_slow(),
                    RateLimitsError::Redis(_) => self.breaker.failed(),
                };
                if changed {
                    self.report_down(&error);
                }
                None
            }
        }
    }

    /// Logs (once per outage) and shows in /metrics that the memory limits are in use.
    fn report_down(&self, error: &dyn std::error::Error) {
        tracing::warn!(
            error = %error,
            source = ?error.source().map(ToString::to_string),
            "Redis does not answer: each instance limits on its own until it does"
        );
        self.metrics.set_rate_limit_backend(false);
    }
}

fn budget(key: &str, rate: Rate) -> Budget<'_> {
    Budget {
        key,
        count: rate.count.get(),
        period: rate.period,
    }
}
