//! The current time as tokens and the database write it: unix seconds.

/// Seconds since the epoch, UTC.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
