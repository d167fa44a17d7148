//! Rate-limit budgets kept in Redis, so every instance spends from the same ones: one
//! multiplexed connection that reconnects by itself, and one Lua script (`rate_limits.lua`,
//! GCRA) that checks and spends every budget of a request in a single atomic step. What the
//! budgets are called and what to do when Redis fails is `auth::throttle`'s business.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};

/// Runs inside Redis, so reading a budget and spending it is one step: two instances can never
/// both spend the last request of a budget (a GET then SET from here could).
const SPEND: &str = include_str!("rate_limits.lua");

/// How long a (re)connection attempt may take. Requests never wait this long (they wait at most
/// the check's timeout); only the reconnection running in the background does.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// One budget to spend from: `count` requests per `period`, refilled evenly.
#[derive(Debug, Clone, Copy)]
pub struct Budget<'a> {
    pub key: &'a str,
    pub count: u32,
    pub period: Duration,
}

impl Budget<'_> {
    /// The time one request's worth takes to refill, in microseconds (at least one).
    fn interval_micros(&self) -> u64 {
        let micros = self.period.as_micros() / u128::from(self.count.max(1));
        u64::try_from(micros).unwrap_or(u64::MAX).max(1)
    }
}

/// What Redis decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every budget had room and was spent.
    Spent,
    /// At least one was empty; none was spent. `wait` is the longest time until all have room.
    Empty { wait: Duration },
}

/// Redis could not decide in time.
#[derive(Debug, thiserror::Error)]
pub enum RateLimitsError {
    #[error("Redis did not answer within {0:?}")]
    TimedOut(Duration),
    #[error("Redis refused or failed")]
    Redis(#[from] RedisError),
}

/// The connection to Redis and the script; cheap to share.
pub struct RateLimits {
    connection: ConnectionManager,
    script: Script,
    timeout: Duration,
}

impl RateLimits {
    /// Prepares the connection to `url` without opening it (the first check does), so the
    /// server starts whether Redis is up or not. Fails only on a malformed URL. Each check
    /// gives up after `timeout`.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, RedisError> {
        let client = Client::open(url)?;
        // Few, short reconnection attempts: while Redis is down the checks use the instance's
        // own limits anyway, and the next check after a failed attempt starts another.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(CONNECT_TIMEOUT))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        Ok(Self {
            connection: ConnectionManager::new_lazy_with_config(client, config)?,
            script: Script::new(SPEND),
            timeout,
        })
    }

    /// Opens the connection and loads the script, so the first request finds both ready.
    pub async fn warm_up(&self) -> Result<(), RateLimitsError> {
        let mut connection = self.connection.clone();
        tokio::time::timeout(CONNECT_TIMEOUT, self.script.load_async(&mut connection))
            .await
            .map_err(|_| RateLimitsError::TimedOut(CONNECT_TIMEOUT))??;
        Ok(())
    }

    /// Spends one request from each of `budgets`, all of them or none.
    pub async fn spend(&self, budgets: &[Budget<'_>]) -> Result<Verdict, RateLimitsError> {
        let mut invocation = self.script.prepare_invoke();
        for budget in budgets {
            invocation
                .key(budget.key)
                .arg(budget.interval_micros())
                .arg(budget.count);
        }
        let mut connection = self.connection.clone();
        // EVALSHA, or EVAL once when Redis does not know the script (a restarted Redis).
        let (empty, wait): (u8, u64) =
            tokio::time::timeout(self.timeout, invocation.invoke_async(&mut connection))
                .await
                .map_err(|_| RateLimitsError::TimedOut(self.timeout))??;
        Ok(match empty {
            0 => Verdict::Spent,
            _ => Verdict::Empty {
                wait: Duration::from_micros(wait),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    //! Against a real Redis (`GATEHOUSE_TEST_REDIS_URL`, by default 127.0.0.1:6379), each test
    //! under keys of its own so the tests run in parallel and beside others on a shared Redis.

    use super::*;

    fn redis_url() -> String {
        std::env::var("GATEHOUSE_TEST_REDIS_URL")
            .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
    }

    /// A unique key prefix for one test.
    fn prefix() -> String {
        format!("gatehouse-test:{}", uuid::Uuid::new_v4().simple())
    }

    fn limits() -> RateLimits {
        // Generous: these tests check the arithmetic, not the timeout.
        RateLimits::new(&redis_url(), Duration::from_secs(2)).expect("a valid URL")
    }

    fn budget(key: &str, count: u32, period: Duration) -> Budget<'_> {
        Budget { key, count, period }
    }

    async fn pttl(key: &str) -> i64 {
        let client = Client::open(redis_url()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut connection)
            .await
            .unwrap()
    }

    fn wait_of(verdict: Verdict) -> Duration {
        match verdict {
            Verdict::Empty { wait } => wait,
            Verdict::Spent => panic!("expected an empty budget, got {verdict:?}"),
        }
    }

    #[tokio::test]
    async fn a_budget_gives_its_burst_then_the_wait_for_one_request() {
        let limits = limits();
        let key = format!("{}:burst", prefix());
        let three_a_minute = budget(&key, 3, Duration::from_secs(60));
        for _ in 0..3 {
            assert_eq!(
                limits.spend(&[three_a_minute]).await.unwrap(),
                Verdict::Spent
            );
        }
        let wait = wait_of(limits.spend(&[three_a_minute]).await.unwrap());
        // One request refills every 20 s; a moment has passed since the first.
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
    }

    #[tokio::test]
    async fn a_budget_refills_one_request_per_interval() {
        let limits = limits();
        let key = format!("{}:refill", prefix());
        // One request back every 100 ms.
        let two = budget(&key, 2, Duration::from_millis(200));
        assert_eq!(limits.spend(&[two]).await.unwrap(), Verdict::Spent);
        assert_eq!(limits.spend(&[two]).await.unwrap(), Verdict::Spent);
        let wait = wait_of(limits.spend(&[two]).await.unwrap());
        assert!(wait <= Duration::from_millis(100), "{wait:?}");

        tokio::time::sleep(wait + Duration::from_millis(5)).await;
        assert_eq!(limits.spend(&[two]).await.unwrap(), Verdict::Spent);
        wait_of(limits.spend(&[two]).await.unwrap());
    }

    #[tokio::test]
    async fn two_budgets_are_spent_together_or_not_at_all() {
        let limits = limits();
        let prefix = prefix();
        let (address, account) = (format!("{prefix}:ip"), format!("{prefix}:account"));
        let one_a_minute = budget(&address, 1, Duration::from_secs(60));
        let five_a_second = budget(&account, 5, Duration::from_secs(1));
        assert_eq!(
            limits.spend(&[one_a_minute, five_a_second]).await.unwrap(),
            Verdict::Spent
        );

        // The address is empty: the account's budget must not be touched.
        let wait = wait_of(limits.spend(&[one_a_minute, five_a_second]).await.unwrap());
        assert!(wait > Duration::from_secs(59), "the longest wait: {wait:?}");
        for _ in 0..4 {
            assert_eq!(
                limits.spend(&[five_a_second]).await.unwrap(),
                Verdict::Spent
            );
        }
        wait_of(limits.spend(&[five_a_second]).await.unwrap());
    }

    #[tokio::test]
    async fn a_budget_key_expires_once_it_would_be_full_again() {
        let limits = limits();
        let key = format!("{}:expiry", prefix());
        let ten_a_minute = budget(&key, 10, Duration::from_secs(60));
        assert_eq!(pttl(&key).await, -2, "no key before the first request");
        limits.spend(&[ten_a_minute]).await.unwrap();
        let ttl = pttl(&key).await;
        // One request spent refills in 6 s: the key lives that long, not forever (-1).
        assert!((5_000..=6_000).contains(&ttl), "PTTL {ttl}");

        let key = format!("{}:short", prefix());
        let quick = budget(&key, 1, Duration::from_millis(50));
        limits.spend(&[quick]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(pttl(&key).await, -2, "the key is gone once refilled");
    }

    #[tokio::test]
    async fn a_redis_that_does_not_answer_times_out_after_the_timeout() {
        // Accepts connections and never answers, like a Redis that hangs.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((connection, _)) = listener.accept().await {
                held.push(connection);
            }
        });
        let timeout = Duration::from_millis(50);
        let limits = RateLimits::new(&format!("redis://127.0.0.1:{port}"), timeout).unwrap();
        let key = prefix();
        let started = std::time::Instant::now();
        let spent = limits
            .spend(&[budget(&key, 1, Duration::from_secs(1))])
            .await;
        assert!(
            matches!(spent, Err(RateLimitsError::TimedOut(_))),
            "{spent:?}"
        );
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        silent.abort();
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_an_error_not_a_verdict() {
        // A port nothing listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let limits = RateLimits::new(
            &format!("redis://127.0.0.1:{port}"),
            Duration::from_millis(200),
        )
        .unwrap();
        let key = prefix();
        assert!(
            limits
                .spend(&[budget(&key, 1, Duration::from_secs(1))])
                .await
                .is_err()
        );
    }
}
