//! JWT signing and verification: the claims Gatehouse issues, who issues them and for whom
//! (`iss`, `aud`: RFC 7519 §4.1.1, §4.1.3, checked as RFC 8725 §3.8-3.9 asks), the times, and the
//! token-type rule. The keys are the `KeyRing`'s.

use std::time::Duration;

use jsonwebtoken::Validation;
use serde::{Deserialize, Serialize};

/// How a sign-in was proven, for `Subject` (re-exported for the tests and benchmarks).
pub use super::amr::Amr;
/// The keys tokens are signed and verified with (re-exported for the tests and benchmarks).
pub use super::key_ring::KeyRing;
use super::keys::SigningAlgorithm;

/// How long after start a token without `iss` (signed by a version from before `iss` existed)
/// is still accepted as new: other instances of a rolling upgrade may still be signing such
/// tokens for this long. Each then lives until its own `exp`.
pub const ROLLOUT_WINDOW_SECS: i64 = 600;

/// Clock skew allowed on `exp`/`nbf`. Instances' clocks agree closely; a long leeway would
/// extend every token's life.
pub const LEEWAY_SECS: u64 = 1;

/// RFC 7519 §4.1.4 and §4.1.5, with a leeway of `LEEWAY_SECS` (L): a token is refused on or
/// after `exp + L` — to the second, so at `exp + L` itself — and before `nbf - L`. `now` is
/// whole seconds (rounded down), so "now >= exp + L" is exactly "the instant is at or past
/// exp + L". jsonwebtoken's own check accepts the whole second `exp + L`, a second too long.
fn check_times(claims: &Claims, now: i64) -> Result<(), TokenError> {
    let leeway = LEEWAY_SECS as i64;
    if now >= claims.exp + leeway {
        Err(TokenError::Expired)
    } else if now < claims.nbf - leeway {
        Err(TokenError::Invalid)
    } else {
        Ok(())
    }
}

/// Which of the two tokens a JWT is; a token is only ever accepted as its own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
}

/// The claims of both token types: simplejwt's (`token_type`, `user_id`, `jti`), the
/// registered ones other services read (`sub`, `exp`, `iat`, `nbf`), `email` (seed 002), the
/// session id `sid`, and how its sign-in was proven (`amr`, RFC 8176).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub token_type: TokenType,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub user_id: i64,
    /// RFC 7519 §4.1.2: a string.
    pub sub: String,
    pub email: String,
    /// Whether the address was verified when the token was signed (SPEC "Account email").
    /// Absent in tokens signed before the claim existed: read as `false`.
    #[serde(default)]
    pub email_verified: bool,
    pub sid: String,
    /// RFC 8176 values: `["pwd"]`, or `["pwd", "otp", "mfa"]` after a second factor; the
    /// same for every token of a session. Absent in tokens signed before the claim existed.
    #[serde(default)]
    pub amr: Vec<String>,
    /// `JWT_ISSUER`. Absent only in HS256 tokens signed before the claim existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `JWT_AUDIENCE`, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// RFC 7519 §4.1.3: one audience as a string, or several as an array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn names(&self, audience: &str) -> bool {
        match self {
            Self::One(one) => one == audience,
            Self::Many(many) => many.iter().any(|one| one == audience),
        }
    }
}

/// Who signs the tokens (`iss`) and for whom (`aud`, optional).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub issuer: String,
    pub audience: Option<String>,
}

/// Who a token pair is for.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub user_id: i64,
    pub email: &'a str,
    pub email_verified: bool,
    pub session_id: &'a str,
    pub amr: Amr,
}

/// A freshly signed pair, with its token ids for the session store.
#[derive(Debug, Clone)]
pub struct IssuedPair {
    pub access: String,
    pub refresh: String,
    pub access_jti: String,
    pub refresh_jti: String,
}

/// The `jti`s of a pair.
#[derive(Debug, Clone)]
pub struct PairIds {
    pub access_jti: String,
    pub refresh_jti: String,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token is expired")]
    Expired,
    #[error("token has wrong type")]
    WrongType,
    #[error("token is invalid")]
    Invalid,
}

/// Signs with the key ring's signing key; verifies with any of its keys, each for its own
/// algorithm only, and checks `iss`, `aud` and the times.
pub struct TokenService {
    keys: KeyRing,
    issuer: Issuer,
    /// One per algorithm, each accepting that algorithm only.
    validations: Vec<(SigningAlgorithm, Validation)>,
    /// Tokens without `iss` issued from this instant on are refused (see `ROLLOUT_WINDOW_SECS`).
    legacy_until: i64,
    access_lifetime: Duration,
    refresh_lifetime: Duration,
}

impl TokenService {
    /// Tokens signed by `keys`' signing key, for `issuer`.
    pub fn new(
        keys: KeyRing,
        issuer: Issuer,
        access_lifetime: Duration,
        refresh_lifetime: Duration,
    ) -> Self {
        super::crypto::install();
        let validations = SigningAlgorithm::ALL
            .into_iter()
            .map(|algorithm| {
                let mut validation = Validation::new(algorithm.jwt());
                // The times are checked by `check_times`, `iss` and `aud` by `check_audience`;
                // jsonwebtoken only checks that the times and `sub` are present.
                validation.leeway = 0;
                validation.validate_exp = false;
                validation.validate_nbf = false;
                validation.validate_aud = false;
                validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub"]);
                (algorithm, validation)
            })
            .collect();
        Self {
            keys,
            issuer,
            validations,
            legacy_until: crate::clock::now() + ROLLOUT_WINDOW_SECS,
            access_lifetime,
            refresh_lifetime,
        }
    }

    /// The public keys other services verify with (the JWKS); none under HS256.
    pub fn published_keys(&self) -> &[super::keys::Jwk] {
        self.keys.published()
    }

    /// Signs an access and a refresh token for `subject`. The refresh token expires with the
    /// session (`refresh_expires_at`), so rotation can never extend a session.
    pub fn issue_pair(
        &self,
        subject: Subject<'_>,
        refresh_expires_at: i64,
        now: i64,
    ) -> IssuedPair {
        let ids = PairIds {
            access_jti: new_jti(),
            refresh_jti: new_jti(),
        };
        self.sign_pair(subject, ids, refresh_expires_at, now)
    }

    /// As `issue_pair`, with the token ids chosen by the caller: rotation stores them before
    /// the tokens exist, and the same ids, times and claims sign the same pair again: byte for
    /// byte under HS256, EdDSA and RS256 (deterministic signatures), with the same claims and
    /// fresh signatures under ES256 (ECDSA draws a nonce per signature).
    pub fn sign_pair(
        &self,
        subject: Subject<'_>,
        ids: PairIds,
        refresh_expires_at: i64,
        issued_at: i64,
    ) -> IssuedPair {
        let access_expires_at = (issued_at + self.access_lifetime_secs()).min(refresh_expires_at);
        let access = self.sign(
            subject,
            TokenType::Access,
            access_expires_at,
            issued_at,
            ids.access_jti.clone(),
        );
        let refresh = self.sign(
            subject,
            TokenType::Refresh,
            refresh_expires_at,
            issued_at,
            ids.refresh_jti.clone(),
        );
        IssuedPair {
            access,
            refresh,
            access_jti: ids.access_jti,
            refresh_jti: ids.refresh_jti,
        }
    }

    /// How long an access token lives, in seconds.
    pub fn access_lifetime_secs(&self) -> i64 {
        self.access_lifetime.as_secs() as i64
    }

    /// How long a session (and so its refresh tokens) lives from sign-in, in seconds.
    pub fn refresh_lifetime_secs(&self) -> i64 {
        self.refresh_lifetime.as_secs() as i64
    }

    #[allow(
        clippy::expect_used,
        reason = "the signing key was read and checked at start, and these claims always serialise"
    )]
    fn sign(
        &self,
        subject: Subject<'_>,
        token_type: TokenType,
        exp: i64,
        now: i64,
        jti: String,
    ) -> String {
        let claims = Claims {
            token_type,
            exp,
            iat: now,
            nbf: now,
            jti,
            user_id: subject.user_id,
            sub: subject.user_id.to_string(),
            email: subject.email.to_owned(),
            email_verified: subject.email_verified,
            sid: subject.session_id.to_owned(),
            amr: subject.amr.claim(),
            iss: Some(self.issuer.issuer.clone()),
            aud: self.issuer.audience.clone().map(Audience::One),
        };
        jsonwebtoken::encode(&self.keys.header(), &claims, &self.keys.signing().key)
            .expect("signing serialisable claims with a checked key cannot fail")
    }

    /// Verifies signature, `exp`/`nbf` and that the token is of the `expected` type.
    pub fn verify(&self, token: &str, expected: TokenType) -> Result<Claims, TokenError> {
        let claims = self.verify_any(token)?;
        if claims.token_type == expected {
            Ok(claims)
        } else {
            Err(TokenError::WrongType)
        }
    }

    /// Verifies signature, `iss`, `aud` and `exp`/`nbf` of a token of either type.
    pub fn verify_any(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let key = self.keys.verifying(&header).ok_or(TokenError::Invalid)?;
        let validation = self
            .validations
            .iter()
            .find(|(algorithm, _)| *algorithm == key.algorithm)
            .map(|(_, validation)| validation)
            .ok_or(TokenError::Invalid)?;
        let claims = jsonwebtoken::decode::<Claims>(token, &key.key, validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)?;
        self.check_audience(&claims, key.algorithm)?;
        check_times(&claims, crate::clock::now())?;
        Ok(claims)
    }

    /// RFC 8725 §3.8: `iss` must be ours; §3.9: with an audience configured, `aud` must name it,
    /// and without one a token meant for some audience is not for us (RFC 7519 §4.1.3).
    /// The one exception: an HMAC token without `iss`, signed by a version from before the
    /// claim existed, issued before the rollout window closed; it lives until its `exp`.
    fn check_audience(
        &self,
        claims: &Claims,
        algorithm: SigningAlgorithm,
    ) -> Result<(), TokenError> {
        let Some(iss) = claims.iss.as_deref() else {
            let legacy = algorithm == SigningAlgorithm::Hs256 && claims.iat < self.legacy_until;
            return if legacy {
                Ok(())
            } else {
                Err(TokenError::Invalid)
            };
        };
        let audience_ok = match (&self.issuer.audience, &claims.aud) {
            (Some(ours), Some(theirs)) => theirs.names(ours),
            (Some(_), None) | (None, Some(_)) => false,
            (None, None) => true,
        };
        if iss == self.issuer.issuer && audience_ok {
            Ok(())
        } else {
            Err(TokenError::Invalid)
        }
    }
}

/// A fresh token id (RFC 7519 §4.1.7): 122 random bits.
pub fn new_jti() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
