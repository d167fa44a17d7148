//! Asymmetric signing keys: the algorithms a deployment may sign with (RFC 7518 §3.1, RFC 8037),
//! private keys read from and written as PKCS#8 PEM (RFC 5208, RFC 7468), public keys read from
//! SubjectPublicKeyInfo PEM, and what each publishes as a JWK.

pub mod jwk;

use std::fmt;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand::rngs::OsRng;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use secrecy::{SecretString, zeroize::Zeroizing};

pub use jwk::Jwk;
use jwk::b64;

/// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used with these algorithms."
pub const MIN_RSA_BITS: usize = 2048;

/// The size `generate` gives RSA keys: the floor, since every RS256 signature costs a private
/// key operation whose price grows with the cube of the size.
const GENERATED_RSA_BITS: usize = 2048;

/// How tokens are signed: HMAC with the shared secret (the seeds' way, and the default), or one
/// of the asymmetric algorithms whose public keys other services fetch from the JWKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningAlgorithm {
    Hs256,
    /// Ed25519 (RFC 8037 §3.1).
    EdDsa,
    /// ECDSA on P-256 with SHA-256 (RFC 7518 §3.4).
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    Rs256,
}

impl SigningAlgorithm {
    /// Every algorithm, in the order `--help` lists them.
    pub const ALL: [Self; 4] = [Self::Hs256, Self::EdDsa, Self::Es256, Self::Rs256];

    /// Its `alg` name (RFC 7518 §3.1, RFC 8037 §3.1), matched without regard to case.
    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|algorithm| algorithm.name().eq_ignore_ascii_case(value.trim()))
            .ok_or_else(|| format!("`{value}` is not one of HS256, EdDSA, ES256, RS256"))
    }

    /// The `alg` header value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hs256 => "HS256",
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }

    /// jsonwebtoken's name for it.
    pub fn jwt(self) -> jsonwebtoken::Algorithm {
        match self {
            Self::Hs256 => jsonwebtoken::Algorithm::HS256,
            Self::EdDsa => jsonwebtoken::Algorithm::EdDSA,
            Self::Es256 => jsonwebtoken::Algorithm::ES256,
            Self::Rs256 => jsonwebtoken::Algorithm::RS256,
        }
    }

    pub fn is_asymmetric(self) -> bool {
        self != Self::Hs256
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("HS256 signs with a shared secret, not a key pair")]
    NotAsymmetric,
    #[error(
        "not a PKCS#8 PEM {0} private key (`-----BEGIN PRIVATE KEY-----`; `openssl pkcs8 -topk8 -nocrypt` converts others)"
    )]
    NotPrivateKey(SigningAlgorithm),
    #[error(
        "not a PEM public key (`-----BEGIN PUBLIC KEY-----`) of Ed25519, P-256 or RSA; `openssl pkey -pubout` writes one"
    )]
    NotPublicKey,
    #[error("an RSA key of {0} bits: RFC 7518 §3.3 requires at least {MIN_RSA_BITS}")]
    WeakRsa(usize),
    #[error("could not generate an RSA key")]
    Generation,
}

/// A private signing key of one of the asymmetric algorithms.
#[derive(Clone)]
pub enum PrivateKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::SecretKey),
    Rsa(rsa::RsaPrivateKey),
}

/// Never prints key material.
impl fmt::Debug for PrivateKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "PrivateKey({})", self.algorithm())
    }
}

impl PrivateKey {
    /// A fresh key from the OS generator.
    pub fn generate(algorithm: SigningAlgorithm) -> Result<Self, KeyError> {
        match algorithm {
            SigningAlgorithm::Hs256 => Err(KeyError::NotAsymmetric),
            SigningAlgorithm::EdDsa => Ok(Self::Ed25519(ed25519_dalek::SigningKey::generate(
                &mut OsRng,
            ))),
            SigningAlgorithm::Es256 => Ok(Self::P256(p256::SecretKey::random(&mut OsRng))),
            SigningAlgorithm::Rs256 => rsa::RsaPrivateKey::new(&mut OsRng, GENERATED_RSA_BITS)
                .map(Self::Rsa)
                .map_err(|_| KeyError::Generation),
        }
    }

    /// Reads a PKCS#8 PEM private key of `algorithm`; an RSA key must be at least 2048 bits.
    pub fn from_pem(algorithm: SigningAlgorithm, pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let not_it = |_| KeyError::NotPrivateKey(algorithm);
        let key = match algorithm {
            SigningAlgorithm::Hs256 => return Err(KeyError::NotAsymmetric),
            SigningAlgorithm::EdDsa => {
                Self::Ed25519(ed25519_dalek::SigningKey::from_pkcs8_pem(pem).map_err(not_it)?)
            }
            SigningAlgorithm::Es256 => {
                Self::P256(p256::SecretKey::from_pkcs8_pem(pem).map_err(not_it)?)
            }
            SigningAlgorithm::Rs256 => {
                Self::Rsa(rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(not_it)?)
            }
        };
        key.public().check_strength()?;
        Ok(key)
    }

    /// The key as PKCS#8 PEM, as `from_pem` reads it.
    #[allow(
        clippy::expect_used,
        reason = "encoding a valid in-memory key as DER and PEM cannot fail"
    )]
    pub fn to_pem(&self) -> SecretString {
        let line_ending = rsa::pkcs8::LineEnding::LF;
        let pem: Zeroizing<String> = match self {
            Self::Ed25519(key) => key.to_pkcs8_pem(line_ending),
            Self::P256(key) => key.to_pkcs8_pem(line_ending),
            Self::Rsa(key) => rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(key, line_ending),
        }
        .expect("a valid key encodes as PKCS#8 PEM");
        SecretString::from(pem.as_str().to_owned())
    }

    pub fn algorithm(&self) -> SigningAlgorithm {
        self.public().algorithm()
    }

    /// Its public half.
    pub fn public(&self) -> PublicKey {
        match self {
            Self::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            Self::P256(key) => PublicKey::P256(key.public_key()),
            Self::Rsa(key) => PublicKey::Rsa(key.to_public_key()),
        }
    }

    /// The key jsonwebtoken signs with: PKCS#8 DER for Ed25519 and P-256, PKCS#1 DER for RSA
    /// (what its `rust_crypto` signers parse).
    #[allow(
        clippy::expect_used,
        reason = "encoding a valid in-memory key as DER cannot fail"
    )]
    pub fn encoding_key(&self) -> EncodingKey {
        match self {
            Self::Ed25519(key) => EncodingKey::from_ed_der(
                key.to_pkcs8_der()
                    .expect("an Ed25519 key encodes as PKCS#8")
                    .as_bytes(),
            ),
            Self::P256(key) => EncodingKey::from_ec_der(
                key.to_pkcs8_der()
                    .expect("a P-256 key encodes as PKCS#8")
                    .as_bytes(),
            ),
            Self::Rsa(key) => EncodingKey::from_rsa_der(
                key.to_pkcs1_der()
                    .expect("an RSA key encodes as PKCS#1")
                    .as_bytes(),
            ),
        }
    }
}

/// A public key that verifies tokens, and is published in the JWKS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::PublicKey),
    Rsa(rsa::RsaPublicKey),
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`) of any supported type;
    /// the type fixes the one algorithm the key verifies (RFC 8725 §3.1).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let key = if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            Self::Ed25519(key)
        } else if let Ok(key) = p256::PublicKey::from_public_key_pem(pem) {
            Self::P256(key)
        } else if let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(pem) {
            Self::Rsa(key)
        } else {
            return Err(KeyError::NotPublicKey);
        };
        key.check_strength()?;
        Ok(key)
    }

    /// Every public key in a file of PEMs written one after another (text around them is
    /// ignored, as `openssl` writes it).
    pub fn all_from_pem(bundle: &str) -> Result<Vec<Self>, KeyError> {
        pem_blocks(bundle).map(Self::from_pem).collect()
    }

    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> SigningAlgorithm {
        match self {
            Self::Ed25519(_) => SigningAlgorithm::EdDsa,
            Self::P256(_) => SigningAlgorithm::Es256,
            Self::Rsa(_) => SigningAlgorithm::Rs256,
        }
    }

    /// Refuses RSA keys under 2048 bits (RFC 7518 §3.3).
    pub fn check_strength(&self) -> Result<(), KeyError> {
        match self {
            Self::Rsa(key) if key.n().bits() < MIN_RSA_BITS => {
                Err(KeyError::WeakRsa(key.n().bits()))
            }
            _ => Ok(()),
        }
    }

    /// The key as a JWK, named by its RFC 7638 thumbprint.
    pub fn jwk(&self) -> Jwk {
        let bare = |kty| Jwk {
            kty,
            use_: "sig",
            alg: self.algorithm().name(),
            kid: String::new(),
            crv: None,
            x: None,
            y: None,
            n: None,
            e: None,
        };
        let mut jwk = match self {
            Self::Ed25519(key) => Jwk {
                crv: Some("Ed25519"),
                x: Some(b64(key.as_bytes())),
                ..bare("OKP")
            },
            Self::P256(key) => {
                let point = key.to_encoded_point(false);
                // RFC 7518 §6.2.1.2-3: each coordinate is the full 32 bytes, leading zeros kept;
                // an uncompressed point always has both.
                Jwk {
                    crv: Some("P-256"),
                    x: point.x().map(|x| b64(x)),
                    y: point.y().map(|y| b64(y)),
                    ..bare("EC")
                }
            }
            // RFC 7518 §6.3.1: unsigned big-endian, in as few octets as the value needs.
            Self::Rsa(key) => Jwk {
                n: Some(b64(&key.n().to_bytes_be())),
                e: Some(b64(&key.e().to_bytes_be())),
                ..bare("RSA")
            },
        };
        jwk.kid = jwk.thumbprint();
        jwk
    }

    /// The key id tokens name it by: its RFC 7638 thumbprint.
    pub fn kid(&self) -> String {
        self.jwk().kid
    }

    /// The key jsonwebtoken verifies with, from the JWK's members (as another service would).
    pub fn decoding_key(&self) -> DecodingKey {
        match self {
            Self::Ed25519(key) => DecodingKey::from_ed_der(key.as_bytes()),
            // Uncompressed (SEC 1 §2.3.3), so no verification decompresses the point again.
            Self::P256(key) => DecodingKey::from_ec_der(key.to_encoded_point(false).as_bytes()),
            Self::Rsa(key) => {
                DecodingKey::from_rsa_raw_components(&key.n().to_bytes_be(), &key.e().to_bytes_be())
            }
        }
    }
}

/// The PEM blocks of `bundle`, each from its `-----BEGIN` line to its `-----END` line.
fn pem_blocks(bundle: &str) -> impl Iterator<Item = &str> {
    let mut rest = bundle;
    std::iter::from_fn(move || {
        let start = rest.find("-----BEGIN ")?;
        let after_start = &rest[start..];
        let end_marker = after_start.find("-----END ")?;
        let end_line = after_start[end_marker..]
            .find('\n')
            .map_or(after_start.len(), |newline| end_marker + newline);
        let block = &after_start[..end_line];
        rest = &after_start[end_line..];
        Some(block)
    })
}

#[cfg(test)]
mod tests;
