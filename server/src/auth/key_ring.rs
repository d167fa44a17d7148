//! The keys of one deployment: the one that signs, those that verify (each pinned to its one
//! algorithm, RFC 8725 §3.1), and the public ones the JWKS publishes.

use jsonwebtoken::{DecodingKey, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::keys::{Jwk, PrivateKey, PublicKey, SigningAlgorithm};

/// The key new tokens are signed with.
pub struct SigningKey {
    pub kid: String,
    pub algorithm: SigningAlgorithm,
    pub key: EncodingKey,
}

/// A key tokens may be signed with, and the only algorithm it verifies.
pub struct VerifyingKey {
    pub kid: String,
    pub algorithm: SigningAlgorithm,
    pub key: DecodingKey,
}

/// Signs with one key; verifies with it and the previous ones; publishes the public ones.
pub struct KeyRing {
    signing: SigningKey,
    /// The signing key's own first.
    verifying: Vec<VerifyingKey>,
    published: Vec<Jwk>,
}

/// An HMAC key's id: a short digest of the secret, so a token names its key without revealing
/// it. Not a JWK thumbprint: a symmetric key is never published (RFC 7517 §9.3).
fn hmac_kid(secret: &SecretString) -> String {
    let digest = Sha256::new()
        .chain_update(b"gatehouse-kid:")
        .chain_update(secret.expose_secret().as_bytes())
        .finalize();
    hex::encode(&digest[..8])
}

fn hmac_verifying(secret: &SecretString) -> VerifyingKey {
    VerifyingKey {
        kid: hmac_kid(secret),
        algorithm: SigningAlgorithm::Hs256,
        key: DecodingKey::from_secret(secret.expose_secret().as_bytes()),
    }
}

fn public_verifying(key: &PublicKey) -> VerifyingKey {
    VerifyingKey {
        kid: key.kid(),
        algorithm: key.algorithm(),
        key: key.decoding_key(),
    }
}

impl KeyRing {
    /// HS256: `current` signs; `previous` only verify. The HMAC key is the secret's bytes as
    /// written (SPEC "Tokens"). Nothing is published.
    pub fn hmac(current: &SecretString, previous: &[SecretString]) -> Self {
        Self {
            signing: SigningKey {
                kid: hmac_kid(current),
                algorithm: SigningAlgorithm::Hs256,
                key: EncodingKey::from_secret(current.expose_secret().as_bytes()),
            },
            verifying: std::iter::once(current)
                .chain(previous)
                .map(hmac_verifying)
                .collect(),
            published: Vec::new(),
        }
    }

    /// An asymmetric algorithm: `current` signs; it and `previous` verify and are published;
    /// `previous_secrets` (a migration from HS256) verify HMAC tokens until they expire and are
    /// never published.
    pub fn asymmetric(
        current: &PrivateKey,
        previous: &[PublicKey],
        previous_secrets: &[SecretString],
    ) -> Self {
        let current_public = current.public();
        let mut publics: Vec<PublicKey> = vec![current_public.clone()];
        for key in previous {
            if !publics.contains(key) {
                publics.push(key.clone());
            }
        }
        Self {
            signing: SigningKey {
                kid: current_public.kid(),
                algorithm: current.algorithm(),
                key: current.encoding_key(),
            },
            verifying: publics
                .iter()
                .map(public_verifying)
                .chain(previous_secrets.iter().map(hmac_verifying))
                .collect(),
            published: publics.iter().map(PublicKey::jwk).collect(),
        }
    }

    /// The header of a new token: the signing algorithm and the key's id.
    pub fn header(&self) -> Header {
        let mut header = Header::new(self.signing.algorithm.jwt());
        header.kid = Some(self.signing.kid.clone());
        header
    }

    pub fn signing(&self) -> &SigningKey {
        &self.signing
    }

    /// The key a token's header names, if its `alg` is that key's own. A header without `kid`
    /// (other services' HS256 tokens) gets the first HMAC key; an asymmetric token must name
    /// its key (RFC 7515 §4.1.4), and one naming none of ours is refused.
    pub fn verifying(&self, header: &Header) -> Option<&VerifyingKey> {
        let key = match header.kid.as_deref() {
            Some(kid) => self.verifying.iter().find(|key| key.kid == kid),
            None => self
                .verifying
                .iter()
                .find(|key| key.algorithm == SigningAlgorithm::Hs256),
        }?;
        // RFC 8725 §2.1, §3.1: the key decides the algorithm, never the token; `alg: none`, an
        // HMAC token under a public key (algorithm confusion) and a swapped curve stop here.
        (header.alg == key.algorithm.jwt()).then_some(key)
    }

    /// The public keys for the JWKS: the signing key's first; none under HS256.
    pub fn published(&self) -> &[Jwk] {
        &self.published
    }
}
