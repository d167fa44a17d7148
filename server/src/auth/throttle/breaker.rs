//! When to ask Redis: always while it answers; after a failure, not for a second, then one
//! request tries it again (a circuit breaker). So a Redis that is down or slow costs one
//! timeout a second per instance, not one per request. A refused connection is a failure at
//! once; a late answer only after `SLOW_IN_A_ROW` of them: on a busy machine one check now and
//! then misses its few milliseconds while Redis is fine (the benchmark saw 22 in a minute), and
//! each should cost that one request its shared budget, not the instance a second of them.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long Redis is left alone after a failure before one request tries it again.
pub(super) const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Late answers in a row that count as a failure.
pub(super) const SLOW_IN_A_ROW: u32 = 3;

pub(super) struct Breaker {
    origin: Instant,
    /// Milliseconds since `origin` before which Redis is not asked; 0 while it answers.
    retry_at: AtomicU64,
    /// Whether the last answer was a failure: the state the logs and the metric report, so
    /// each change is reported once.
    down: AtomicBool,
    /// Late answers since the last answer in time.
    slow: AtomicU32,
}

impl Breaker {
    pub(super) fn new() -> Self {
        Self {
            origin: Instant::now(),
            retry_at: AtomicU64::new(0),
            down: AtomicBool::new(false),
            slow: AtomicU32::new(0),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether this request should ask Redis. Once the pause is over, only the first request
    /// to ask gets to try (it moves the next try a pause further); the others use the memory.
    pub(super) fn may_ask(&self) -> bool {
        let retry_at = self.retry_at.load(Ordering::Acquire);
        if retry_at == 0 {
            return true;
        }
        let now = self.now();
        now >= retry_at
            && self
                .retry_at
                .compare_exchange(
                    retry_at,
                    now + pause_millis(),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }

    /// Redis answered. True when it had been failing (a change to report).
    pub(super) fn succeeded(&self) -> bool {
        self.slow.store(0, Ordering::Release);
        self.retry_at.store(0, Ordering::Release);
        self.down.swap(false, Ordering::AcqRel)
    }

    /// Redis failed or was too slow. True when it had been answering (a change to report).
    pub(super) fn failed(&self) -> bool {
        // Never 0, which means "ask".
        self.retry_at
            .store(self.now() + pause_millis(), Ordering::Release);
        !self.down.swap(true, Ordering::AcqRel)
    }
}

impl Breaker {
    /// Redis answered too late: a failure once it is the `SLOW_IN_A_ROW`th in a row (then as
    /// `failed`: true when it is a change to report).
    pub(super) fn too_slow(&self) -> bool {
        if self.slow.fetch_add(1, Ordering::AcqRel) + 1 < SLOW_IN_A_ROW {
            return false;
        }
        self.slow.store(0, Ordering::Release);
        self.failed()
    }
}

fn pause_millis() -> u64 {
    u64::try_from(RETRY_AFTER.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_answers_trip_the_breaker_only_in_a_row() {
        let breaker = Breaker::new();
        for _ in 1..SLOW_IN_A_ROW {
            assert!(!breaker.too_slow());
            assert!(breaker.may_ask(), "one late answer is not an outage");
        }
        assert!(!breaker.succeeded());
        for _ in 1..SLOW_IN_A_ROW {
            assert!(
                !breaker.too_slow(),
                "an answer in time started the count again"
            );
        }
        assert!(breaker.too_slow(), "the third in a row is reported");
        assert!(!breaker.may_ask());
    }

    #[test]
    fn redis_is_asked_while_it_answers() {
        let breaker = Breaker::new();
        assert!(breaker.may_ask());
        assert!(!breaker.succeeded(), "no change to report");
        assert!(breaker.may_ask());
    }

    #[test]
    fn after_a_failure_redis_is_left_alone_then_one_request_tries_again() {
        let breaker = Breaker::new();
        assert!(breaker.failed(), "the first failure is a change");
        assert!(!breaker.failed(), "the second is not");
        assert!(!breaker.may_ask());

        // Pretend the pause is over.
        breaker.retry_at.store(1, Ordering::Release);
        std::thread::sleep(Duration::from_millis(2));
        assert!(breaker.may_ask(), "one request tries");
        assert!(!breaker.may_ask(), "the others keep to the memory");

        assert!(breaker.succeeded(), "back: a change");
        assert!(breaker.may_ask());
    }
}
