//! The claims of a Gatehouse access token and the rules it must meet, the server's own
//! (`server/src/auth/tokens.rs`): `iss` (RFC 8725 §3.8), `aud` (§3.9), the times with a 1 s
//! leeway (RFC 7519 §4.1.4-4.1.5), and `token_type` `access`.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Header, Validation};
use serde::{Deserialize, Serialize};

use crate::VerifyError;
use crate::jwks::Key;

/// Clock skew allowed on `exp`/`nbf`, as Gatehouse allows.
const LEEWAY_SECS: i64 = 1;

/// Which of Gatehouse's two tokens a JWT is; only access tokens are accepted here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenType {
    Access,
    Refresh,
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

/// What a verified access token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id, as a string (RFC 7519 §4.1.2).
    pub sub: String,
    /// The user's email, where the token carries it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the address was verified when the token was signed; `false` when absent.
    #[serde(default)]
    pub email_verified: bool,
    /// The session the token belongs to; the revocation stream names it.
    pub sid: String,
    /// How the sign-in was proven (RFC 8176: `pwd`, `otp`, `mfa`, ...); empty when absent.
    #[serde(default)]
    pub amr: Vec<String>,
    pub token_type: TokenType,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    pub iss: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// The issuer and audience tokens must name.
pub(crate) struct Rules {
    issuer: String,
    audience: Option<String>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

impl Rules {
    pub(crate) fn new(issuer: String, audience: Option<String>) -> Self {
        Self { issuer, audience }
    }

    /// `token`'s claims, if signed by `key` with `key`'s own algorithm and meeting the rules.
    pub(crate) fn check(
        &self,
        token: &str,
        header: &Header,
        key: &Key,
    ) -> Result<Claims, VerifyError> {
        // RFC 8725 §2.1, §3.1: the key decides the algorithm, never the token.
        if header.alg != key.algorithm {
            return Err(VerifyError::Invalid);
        }
        let mut validation = Validation::new(key.algorithm);
        // The times, `iss` and `aud` are checked below, as Gatehouse checks them; jsonwebtoken
        // only checks that the times and `sub` are present.
        validation.leeway = 0;
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &key.decoding, &validation)
            .map_err(|_| VerifyError::Invalid)?
            .claims;
        self.check_claims(&claims, now())?;
        Ok(claims)
    }

    fn check_claims(&self, claims: &Claims, now: i64) -> Result<(), VerifyError> {
        let audience_ok = match (&self.audience, &claims.aud) {
            (Some(ours), Some(theirs)) => theirs.names(ours),
            (Some(_), None) | (None, Some(_)) => false,
            (None, None) => true,
        };
        if claims.iss != self.issuer || !audience_ok || claims.token_type != TokenType::Access {
            return Err(VerifyError::Invalid);
        }
        if now >= claims.exp + LEEWAY_SECS {
            Err(VerifyError::Expired)
        } else if now < claims.nbf - LEEWAY_SECS {
            Err(VerifyError::Invalid)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            sub: "1".into(),
            email: Some("ada@example.com".into()),
            email_verified: false,
            sid: "s".into(),
            amr: vec!["pwd".into()],
            token_type: TokenType::Access,
            exp: 1_000,
            iat: 900,
            nbf: 900,
            jti: None,
            iss: "https://auth.example.com".into(),
            aud: None,
        }
    }

    fn rules(audience: Option<&str>) -> Rules {
        Rules::new(
            "https://auth.example.com".into(),
            audience.map(str::to_owned),
        )
    }

    #[test]
    fn times_have_the_servers_one_second_leeway() {
        let rules = rules(None);
        assert_eq!(rules.check_claims(&claims(), 1_000), Ok(()));
        assert_eq!(
            rules.check_claims(&claims(), 1_001),
            Err(VerifyError::Expired)
        );
        assert_eq!(rules.check_claims(&claims(), 899), Ok(()));
        assert_eq!(
            rules.check_claims(&claims(), 898),
            Err(VerifyError::Invalid)
        );
    }

    #[test]
    fn issuer_audience_and_type_must_match() {
        let now = 950;
        let other_issuer = Claims {
            iss: "https://evil.example.com".into(),
            ..claims()
        };
        assert_eq!(
            rules(None).check_claims(&other_issuer, now),
            Err(VerifyError::Invalid)
        );
        let refresh = Claims {
            token_type: TokenType::Refresh,
            ..claims()
        };
        assert_eq!(
            rules(None).check_claims(&refresh, now),
            Err(VerifyError::Invalid)
        );
        let for_orders = Claims {
            aud: Some(Audience::Many(vec!["billing".into(), "orders".into()])),
            ..claims()
        };
        assert_eq!(rules(Some("orders")).check_claims(&for_orders, now), Ok(()));
        assert_eq!(
            rules(Some("users")).check_claims(&for_orders, now),
            Err(VerifyError::Invalid)
        );
        assert_eq!(
            rules(None).check_claims(&for_orders, now),
            Err(VerifyError::Invalid)
        );
        assert_eq!(
            rules(Some("orders")).check_claims(&claims(), now),
            Err(VerifyError::Invalid)
        );
    }
}
