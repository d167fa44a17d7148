//! The current time as tokens and the database write it: unix seconds (milliseconds for the
//! mail outbox's backoff).

/// Seconds since the epoch, UTC.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Milliseconds since the epoch, UTC.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `unix` seconds as RFC 3339 in UTC (`2026-01-31T12:00:00Z`), as the API shows times.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
