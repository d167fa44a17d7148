//! Public keys as JSON Web Keys (RFC 7517) for the JWKS, each named by its RFC 7638 thumbprint.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One public key of the JWKS: the members RFC 7517 §4 and the key type's RFC define (RFC 8037
/// §2 for OKP, RFC 7518 §6.2 for EC, §6.3 for RSA). Never a private member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwk {
    /// `OKP`, `EC` or `RSA`.
    pub kty: &'static str,
    /// Always `sig` (RFC 7517 §4.2): these keys only verify signatures.
    #[serde(rename = "use")]
    pub use_: &'static str,
    /// The one algorithm the key verifies (RFC 7517 §4.4; RFC 8725 §3.1).
    pub alg: &'static str,
    /// The RFC 7638 thumbprint (SHA-256, base64url), which token headers name.
    pub kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

/// Base64url without padding (RFC 7515 §2), as every JWK member is written.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Jwk {
    /// RFC 7638 §3: SHA-256 of the key type's required members only, in lexicographic order,
    /// as JSON without whitespace, base64url-encoded. Base64url values need no JSON escaping.
    pub fn thumbprint(&self) -> String {
        let member = |value: &Option<String>| value.clone().unwrap_or_default();
        let canonical = match self.kty {
            "OKP" => format!(
                r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
                self.crv.unwrap_or_default(),
                member(&self.x)
            ),
            "EC" => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                self.crv.unwrap_or_default(),
                member(&self.x),
                member(&self.y)
            ),
            _ => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                member(&self.e),
                member(&self.n)
            ),
        };
        b64(&Sha256::digest(canonical.as_bytes()))
    }
}
