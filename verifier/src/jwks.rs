//! The issuer's public keys (RFC 7517 JWK Set): fetched, kept for as long as the answer's
//! `Cache-Control: max-age` says (RFC 9111 §5.2.2.1), and fetched again for a `kid` not in it,
//! at most once per interval so that forged `kid`s cannot make this hammer the issuer.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::VerifyError;

/// How long a set is kept when its answer gives no `max-age`.
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);
/// How long a JWKS request may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// One verifying key, pinned to the algorithm its JWK names.
pub(crate) struct Key {
    pub(crate) algorithm: Algorithm,
    pub(crate) decoding: DecodingKey,
}

/// Why the JWKS could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("the request failed")]
    Http(#[from] reqwest::Error),
    #[error("the answer is not a JWK Set")]
    Body(#[from] serde_json::Error),
}

struct Cached {
    keys: HashMap<String, Arc<Key>>,
    expires: Instant,
}

pub(crate) struct KeyCache {
    client: reqwest::Client,
    url: String,
    unknown_kid_interval: Duration,
    cached: RwLock<Cached>,
    /// Held while fetching (one fetch at a time); when the last unknown-`kid` fetch began.
    fetching: tokio::sync::Mutex<Option<Instant>>,
}

/// `max-age` of a `Cache-Control` value; `no-store`/`no-cache` keep nothing.
fn max_age(headers: &reqwest::header::HeaderMap) -> Duration {
    let Some(value) = headers
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
    else {
        return DEFAULT_MAX_AGE;
    };
    let mut age = DEFAULT_MAX_AGE;
    for directive in value.split(',').map(str::trim) {
        let directive = directive.to_ascii_lowercase();
        if directive == "no-store" || directive == "no-cache" {
            return Duration::ZERO;
        }
        if let Some(seconds) = directive.strip_prefix("max-age=")
            && let Ok(seconds) = seconds.trim_matches('"').parse::<u64>()
        {
            age = Duration::from_secs(seconds);
        }
    }
    age
}

/// The usable keys of `set`: those with a `kid` and an `alg` (Gatehouse names both).
fn keys_of(set: &JwkSet) -> HashMap<String, Arc<Key>> {
    set.keys
        .iter()
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            let algorithm = Algorithm::from_str(&jwk.common.key_algorithm?.to_string()).ok()?;
            let decoding = DecodingKey::from_jwk(jwk).ok()?;
            Some((
                kid,
                Arc::new(Key {
                    algorithm,
                    decoding,
                }),
            ))
        })
        .collect()
}

impl KeyCache {
    pub(crate) fn new(
        client: reqwest::Client,
        url: String,
        unknown_kid_interval: Duration,
    ) -> Self {
        Self {
            client,
            url,
            unknown_kid_interval,
            cached: RwLock::new(Cached {
                keys: HashMap::new(),
                expires: Instant::now(),
            }),
            fetching: tokio::sync::Mutex::new(None),
        }
    }

    fn lookup(&self, kid: &str) -> (Option<Arc<Key>>, bool) {
        let cached = self
            .cached
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (
            cached.keys.get(kid).cloned(),
            cached.expires > Instant::now(),
        )
    }

    /// The key `kid` names: from the cache while it is fresh, else from a new fetch.
    pub(crate) async fn key(&self, kid: &str) -> Result<Arc<Key>, VerifyError> {
        let (found, fresh) = self.lookup(kid);
        if fresh {
            return match found {
                Some(key) => Ok(key),
                None => self.unknown(kid).await,
            };
        }
        // The set's `max-age` has passed: one caller fetches it, the others wait and reuse it.
        {
            let _fetching = self.fetching.lock().await;
            if !self.lookup(kid).1
                && let Err(error) = self.refresh().await
            {
                tracing::warn!(url = %self.url, error = %error, "could not fetch the JWKS");
                // Keep verifying with the keys known so far rather than refuse everyone, and
                // try again later rather than on (and delaying) every request meanwhile.
                self.retry_later();
                return found.ok_or(VerifyError::Unavailable);
            }
        }
        // Just fetched: a `kid` still missing is not the issuer's.
        self.lookup(kid).0.ok_or(VerifyError::UnknownKey)
    }

    /// A fresh set does not have `kid`: a rotated key, or a forged `kid`. Fetch again unless an
    /// unknown `kid` made a fetch within the interval.
    async fn unknown(&self, kid: &str) -> Result<Arc<Key>, VerifyError> {
        let mut last = self.fetching.lock().await;
        if let (Some(key), _) = self.lookup(kid) {
            return Ok(key);
        }
        if last.is_some_and(|at| at.elapsed() < self.unknown_kid_interval) {
            return Err(VerifyError::UnknownKey);
        }
        *last = Some(Instant::now());
        if let Err(error) = self.refresh().await {
            tracing::warn!(url = %self.url, error = %error, "could not fetch the JWKS");
            return Err(VerifyError::Unavailable);
        }
        self.lookup(kid).0.ok_or(VerifyError::UnknownKey)
    }

    /// Keeps the cached set for one more `unknown_kid_interval` after a failed fetch.
    fn retry_later(&self) {
        let mut cached = self
            .cached
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.expires = Instant::now() + self.unknown_kid_interval;
    }

    /// Fetches the set and replaces the cached one.
    pub(crate) async fn refresh(&self) -> Result<(), FetchError> {
        let response = self
            .client
            .get(&self.url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await?
            .error_for_status()?;
        let age = max_age(response.headers());
        let set: JwkSet = serde_json::from_slice(&response.bytes().await?)?;
        let keys = keys_of(&set);
        tracing::debug!(url = %self.url, keys = keys.len(), "fetched the JWKS");
        let mut cached = self
            .cached
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *cached = Cached {
            keys,
            expires: Instant::now() + age,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CACHE_CONTROL, HeaderMap, HeaderValue};

    fn age(value: &'static str) -> Duration {
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(value));
        max_age(&headers)
    }

    #[test]
    fn cache_control_decides_how_long_the_set_is_kept() {
        assert_eq!(age("public, max-age=300"), Duration::from_secs(300));
        assert_eq!(age("max-age=5"), Duration::from_secs(5));
        assert_eq!(age("no-store"), Duration::ZERO);
        assert_eq!(age("public"), DEFAULT_MAX_AGE);
        assert_eq!(max_age(&HeaderMap::new()), DEFAULT_MAX_AGE);
    }
}
