//! JWT signing and verification: the claims Gatehouse issues, the key ring (current key plus
//! previous keys during a rotation, seed 003), and the token-type rule.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How a sign-in was proven, for `Subject` (re-exported for the tests and benchmarks).
pub use super::amr::Amr;

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

struct VerifyingKey {
    kid: String,
    key: DecodingKey,
}

/// Signs with the current secret; verifies with it and with the previous ones.
pub struct TokenService {
    kid: String,
    signing: EncodingKey,
    verifying: Vec<VerifyingKey>,
    validation: Validation,
    access_lifetime: Duration,
    refresh_lifetime: Duration,
}

/// The key id: a short digest of the secret, so a token names its key without revealing it.
fn key_id(secret: &SecretString) -> String {
    let digest = Sha256::new()
        .chain_update(b"gatehouse-kid:")
        .chain_update(secret.expose_secret().as_bytes())
        .finalize();
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl TokenService {
    /// `current` signs; `previous` only verify. The HMAC key is the secret's bytes as written.
    pub fn new(
        current: &SecretString,
        previous: &[SecretString],
        access_lifetime: Duration,
        refresh_lifetime: Duration,
    ) -> Self {
        let verifying = std::iter::once(current)
            .chain(previous)
            .map(|secret| VerifyingKey {
                kid: key_id(secret),
                key: DecodingKey::from_secret(secret.expose_secret().as_bytes()),
            })
            .collect();
        let mut validation = Validation::new(Algorithm::HS256);
        // The times are checked by `check_times`; jsonwebtoken only checks they are present.
        validation.leeway = 0;
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub"]);
        Self {
            kid: key_id(current),
            signing: EncodingKey::from_secret(current.expose_secret().as_bytes()),
            verifying,
            validation,
            access_lifetime,
            refresh_lifetime,
        }
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
    /// the tokens exist, and the same ids, times and claims sign the same pair again, byte for
    /// byte (HS256 is deterministic).
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
        reason = "HMAC accepts any key and these claims always serialise"
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
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing)
            .expect("HS256 signing of serialisable claims cannot fail")
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

    /// Verifies signature and `exp`/`nbf` of a token of either type.
    pub fn verify_any(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        // Only HS256 is ever accepted: `alg: none` and algorithm-confusion tokens stop here.
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Invalid);
        }
        let key = match header.kid.as_deref() {
            Some(kid) => self.verifying.iter().find(|key| key.kid == kid),
            None => self.verifying.first(),
        }
        .ok_or(TokenError::Invalid)?;
        let claims = jsonwebtoken::decode::<Claims>(token, &key.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| TokenError::Invalid)?;
        check_times(&claims, crate::clock::now())?;
        Ok(claims)
    }
}

/// A fresh token id (RFC 7519 §4.1.7): 122 random bits.
pub fn new_jti() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3_600);

    fn secret(value: &str) -> SecretString {
        SecretString::from(value.to_owned())
    }

    fn now() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    fn subject() -> Subject<'static> {
        Subject {
            user_id: 7,
            email: "ada@example.com",
            email_verified: true,
            session_id: "s-1",
            amr: Amr::PasswordAndOtp,
        }
    }

    fn service(current: &str, previous: &[&str]) -> TokenService {
        let previous: Vec<_> = previous.iter().map(|value| secret(value)).collect();
        TokenService::new(&secret(current), &previous, HOUR, HOUR * 24)
    }

    #[test]
    fn a_pair_verifies_as_its_own_types_only() {
        let tokens = service("k".repeat(40).as_str(), &[]);
        let pair = tokens.issue_pair(subject(), now() + 86_400, now());
        let access = tokens.verify(&pair.access, TokenType::Access).unwrap();
        assert_eq!(
            (access.user_id, access.sub.as_str(), access.sid.as_str()),
            (7, "7", "s-1")
        );
        assert_eq!(access.amr, ["pwd", "otp", "mfa"]);
        assert_eq!(
            tokens
                .verify(&pair.refresh, TokenType::Refresh)
                .unwrap()
                .jti,
            pair.refresh_jti
        );
        assert_eq!(
            tokens.verify(&pair.refresh, TokenType::Access),
            Err(TokenError::WrongType)
        );
        assert_eq!(
            tokens.verify(&pair.access, TokenType::Refresh),
            Err(TokenError::WrongType)
        );
    }

    #[test]
    fn the_access_token_never_outlives_the_session() {
        let tokens = service("k".repeat(40).as_str(), &[]);
        let issued = now();
        let pair = tokens.issue_pair(subject(), issued + 60, issued);
        let access = tokens.verify(&pair.access, TokenType::Access).unwrap();
        assert_eq!(access.exp, issued + 60);
    }

    #[test]
    fn the_same_ids_and_times_sign_the_same_pair() {
        let tokens = service("k".repeat(40).as_str(), &[]);
        let issued = now();
        let ids = PairIds {
            access_jti: new_jti(),
            refresh_jti: new_jti(),
        };
        let first = tokens.sign_pair(subject(), ids.clone(), issued + 600, issued);
        let again = tokens.sign_pair(subject(), ids, issued + 600, issued);
        assert_eq!((first.access, first.refresh), (again.access, again.refresh));
    }

    #[test]
    fn expired_tokens_are_reported_as_expired() {
        let tokens = service("k".repeat(40).as_str(), &[]);
        let issued = now() - 10;
        let pair = tokens.issue_pair(subject(), issued + 5, issued);
        assert_eq!(
            tokens.verify(&pair.refresh, TokenType::Refresh),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn a_token_is_refused_from_exp_plus_the_leeway_to_the_second() {
        let leeway = LEEWAY_SECS as i64;
        let claims = |exp: i64, nbf: i64| Claims {
            token_type: TokenType::Access,
            exp,
            iat: nbf,
            nbf,
            jti: new_jti(),
            user_id: 7,
            sub: "7".into(),
            email: "ada@example.com".into(),
            email_verified: false,
            sid: "s-1".into(),
            amr: vec!["pwd".into()],
        };
        let (issued, exp) = (1_000, 1_060);
        let token = claims(exp, issued);
        assert_eq!(check_times(&token, exp - 1), Ok(()));
        assert_eq!(check_times(&token, exp), Ok(()), "within the leeway");
        assert_eq!(check_times(&token, exp + leeway - 1), Ok(()));
        assert_eq!(check_times(&token, exp + leeway), Err(TokenError::Expired));
        assert_eq!(
            check_times(&token, exp + leeway + 1),
            Err(TokenError::Expired)
        );
        // nbf the other way: accepted from nbf - L on.
        assert_eq!(check_times(&token, issued - leeway), Ok(()));
        assert_eq!(
            check_times(&token, issued - leeway - 1),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn a_signed_token_at_exp_plus_the_leeway_is_expired() {
        let tokens = service("k".repeat(40).as_str(), &[]);
        let leeway = LEEWAY_SECS as i64;
        let issued = now() - 100;
        let at_boundary = tokens.issue_pair(subject(), now() - leeway, issued);
        assert_eq!(
            tokens.verify(&at_boundary.refresh, TokenType::Refresh),
            Err(TokenError::Expired)
        );
        let inside = tokens.issue_pair(subject(), now() - leeway + 2, issued);
        assert!(tokens.verify(&inside.refresh, TokenType::Refresh).is_ok());
    }

    #[test]
    fn previous_keys_verify_and_forgotten_keys_do_not() {
        let old = service("old-".repeat(10).as_str(), &[]);
        let pair = old.issue_pair(subject(), now() + 600, now());
        let rotated = service("new-".repeat(10).as_str(), &["old-".repeat(10).as_str()]);
        assert!(rotated.verify(&pair.access, TokenType::Access).is_ok());
        let forgotten = service("new-".repeat(10).as_str(), &[]);
        assert_eq!(
            forgotten.verify(&pair.access, TokenType::Access),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn unsigned_and_foreign_tokens_are_invalid() {
        let tokens = service("k".repeat(40).as_str(), &[]);
        let pair = tokens.issue_pair(subject(), now() + 600, now());
        let payload = pair.access.split('.').nth(1).unwrap();
        let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert_eq!(
            tokens.verify(&alg_none, TokenType::Access),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            tokens.verify("not.a.jwt", TokenType::Access),
            Err(TokenError::Invalid)
        );
        let other = service("o".repeat(40).as_str(), &[]);
        let foreign = other.issue_pair(subject(), now() + 600, now());
        assert_eq!(
            tokens.verify(&foreign.access, TokenType::Access),
            Err(TokenError::Invalid)
        );
    }
}
