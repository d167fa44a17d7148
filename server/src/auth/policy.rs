//! The session timings: how long an unused session lives, the reuse grace, and how long a
//! revoked session's access tokens could still be unexpired.

/// The session timings, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// How long an unused session lives.
    pub idle_timeout: i64,
    /// How long the refresh token just replaced gets the same new pair back.
    pub reuse_grace: i64,
    /// How long after a revocation an access token of the session could still be unexpired
    /// (the access lifetime plus the verification leeway).
    pub access_window: i64,
}

impl SessionPolicy {
    /// Sessions unused since this time have timed out.
    pub fn idle_cutoff(&self, now: i64) -> i64 {
        now - self.idle_timeout
    }
}
