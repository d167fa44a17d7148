//! Verifies Gatehouse's access tokens in another Rust service, exactly as Gatehouse does: the
//! key the token's `kid` names from the issuer's JWKS (cached as its `Cache-Control` says,
//! fetched again on an unknown `kid` at most once per `unknown_kid_interval`), that key's own
//! algorithm only (RFC 8725 §3.1), `iss`, `aud`, `exp`/`nbf` with a 1 s leeway, `token_type`
//! `access`; and, with a revocation stream configured, the sessions Gatehouse has ended.
//!
//! ```no_run
//! # async fn run() -> Result<(), verifier::BuildError> {
//! let verifier = verifier::Verifier::builder("https://auth.example.com")
//!     .revocation_stream("https://auth.example.com/api/revocations/stream", "stream-token")
//!     .build()
//!     .await?;
//! # let token = "";
//! let claims = verifier.verify(token).await;
//! # Ok(()) }
//! ```

mod claims;
mod crypto;
#[cfg(feature = "axum")]
mod extract;
mod jwks;
mod revocations;
mod sse;

use std::sync::Arc;
use std::time::Duration;

pub use claims::{Audience, Claims, TokenType};
#[cfg(feature = "axum")]
pub use extract::{Rejection, VerifiedClaims};
pub use jwks::FetchError;

use jwks::KeyCache;
use revocations::{Follower, RevokedSessions};

/// Why a token was refused, or could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Past its `exp` (and the leeway).
    #[error("token is expired")]
    Expired,
    /// Not a token of this issuer: malformed, a bad signature, a swapped `alg`, another `iss`
    /// or `aud`, not yet valid, or a refresh token.
    #[error("token is invalid")]
    Invalid,
    /// Its `kid` names no key of the issuer's JWKS, even after fetching it again (or a fetch
    /// was made too recently to make another).
    #[error("token is signed by an unknown key")]
    UnknownKey,
    /// Its session was ended on Gatehouse (the revocation stream said so).
    #[error("token's session has been revoked")]
    Revoked,
    /// The JWKS could not be fetched and no key is known.
    #[error("the issuer's keys are unavailable")]
    Unavailable,
}

/// Why a `Verifier` could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("could not build the HTTP client")]
    Client(#[source] reqwest::Error),
    #[error("could not fetch the JWKS from {url}")]
    Jwks {
        url: String,
        #[source]
        source: FetchError,
    },
}

/// Checks access tokens; cheap to clone (one shared cache and revocation set).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    keys: KeyCache,
    rules: claims::Rules,
    revoked: Arc<RevokedSessions>,
    /// The task following the revocation stream; ended with the last clone of the verifier.
    follower: Option<tokio::task::AbortHandle>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(follower) = &self.follower {
            follower.abort();
        }
    }
}

/// How a `Verifier` is set up; see `Verifier::builder`.
pub struct Builder {
    issuer: String,
    jwks_url: Option<String>,
    audience: Option<String>,
    stream: Option<(String, String)>,
    unknown_kid_interval: Duration,
    client: Option<reqwest::Client>,
}

impl Verifier {
    /// A verifier of the tokens `issuer` (Gatehouse's `JWT_ISSUER`, by default its
    /// `PUBLIC_URL`) signs; the JWKS is `{issuer}/.well-known/jwks.json` unless `jwks_url` says.
    pub fn builder(issuer: impl Into<String>) -> Builder {
        Builder {
            issuer: issuer.into(),
            jwks_url: None,
            audience: None,
            stream: None,
            unknown_kid_interval: Duration::from_secs(5),
            client: None,
        }
    }

    /// The claims of `token` if Gatehouse would accept it as an access token now.
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Invalid)?;
        // RFC 7515 §4.1.4: a token of a key pair must name its key.
        let kid = header.kid.as_deref().ok_or(VerifyError::Invalid)?;
        let key = self.inner.keys.key(kid).await?;
        let claims = self.inner.rules.check(token, &header, &key)?;
        if self.inner.revoked.is_revoked(&claims.sid) {
            return Err(VerifyError::Revoked);
        }
        Ok(claims)
    }

    /// Whether the revocation stream is connected now (always false without one).
    pub fn following_revocations(&self) -> bool {
        self.inner.revoked.connected()
    }
}

impl Builder {
    /// The JWKS's URL, when it is not `{issuer}/.well-known/jwks.json`.
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// Gatehouse's `JWT_AUDIENCE`, when it sets one: tokens must name it. Without it, a token
    /// naming any audience is refused, as Gatehouse does (RFC 7519 §4.1.3).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Follow `GET /api/revocations/stream` at `url` with `REVOCATION_STREAM_TOKEN`, and refuse
    /// the tokens of the sessions it names.
    pub fn revocation_stream(mut self, url: impl Into<String>, token: impl Into<String>) -> Self {
        self.stream = Some((url.into(), token.into()));
        self
    }

    /// At most one JWKS fetch per this interval for tokens naming unknown keys (5 s by default),
    /// so forged `kid`s cannot make the verifier hammer the issuer.
    pub fn unknown_kid_interval(mut self, interval: Duration) -> Self {
        self.unknown_kid_interval = interval;
        self
    }

    /// The HTTP client to use (proxies, roots); by default one with rustls and a 5 s connect
    /// timeout. It must have no overall timeout, which would cut the revocation stream.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Fetches the JWKS once (so a wrong URL shows at start) and starts following the stream.
    /// Must run inside a tokio runtime.
    pub async fn build(self) -> Result<Verifier, BuildError> {
        crypto::install();
        let client = match self.client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .map_err(BuildError::Client)?,
        };
        let jwks_url = self.jwks_url.unwrap_or_else(|| {
            format!(
                "{}/.well-known/jwks.json",
                self.issuer.trim_end_matches('/')
            )
        });
        let keys = KeyCache::new(client.clone(), jwks_url.clone(), self.unknown_kid_interval);
        keys.refresh().await.map_err(|source| BuildError::Jwks {
            url: jwks_url,
            source,
        })?;
        let revoked = Arc::new(RevokedSessions::default());
        let follower = self.stream.map(|(url, token)| {
            let follower = Follower::new(client, url, token, revoked.clone());
            tokio::spawn(follower.run()).abort_handle()
        });
        Ok(Verifier {
            inner: Arc::new(Inner {
                keys,
                rules: claims::Rules::new(self.issuer, self.audience),
                revoked,
                follower,
            }),
        })
    }
}
