//! The signature arithmetic under jsonwebtoken, chosen for speed: `ring` (already in the tree
//! for TLS; assembly for P-256, X25519/Ed25519 and RSA) verifies and signs EdDSA, ES256 and
//! RS256, where jsonwebtoken's pure-Rust `rust_crypto` backend verified ES256 in ~0.5 ms and
//! EdDSA in ~65 µs on this machine (the budget is 50 µs, per request); HMAC stays with
//! `rust_crypto`. Installed once per process as jsonwebtoken's `CryptoProvider`.

use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER as RUST_CRYPTO;
use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{Error as SignatureError, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::rand::SystemRandom;
use ring::signature::{self as ring_signature, RsaPublicKeyComponents, UnparsedPublicKey};

/// The provider: ring for the asymmetric algorithms Gatehouse signs with, `rust_crypto` for the
/// rest (HS256, and algorithms no key of ours has, which `KeyRing` refuses before this).
static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    jwk_utils: JwkUtils {
        extract_rsa_public_key_components: RUST_CRYPTO.jwk_utils.extract_rsa_public_key_components,
        extract_ec_public_key_coordinates: RUST_CRYPTO.jwk_utils.extract_ec_public_key_coordinates,
        compute_digest: RUST_CRYPTO.jwk_utils.compute_digest,
    },
};

/// Makes `PROVIDER` jsonwebtoken's, unless something in this process signed or verified before
/// (then `rust_crypto` stays: slower, the same answers).
pub fn install() {
    if PROVIDER.install_default().is_err() {
        tracing::debug!("jsonwebtoken's crypto provider was chosen before; keeping it");
    }
}

fn invalid(kind: ErrorKind) -> jsonwebtoken::errors::Error {
    kind.into()
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let family = key.family();
    let verifier = match (algorithm, family, key.kind()) {
        (Algorithm::EdDSA, AlgorithmFamily::Ed, DecodingKeyKind::SecretOrDer(raw)) => {
            RingVerifier::public(*algorithm, &ring_signature::ED25519, raw)
        }
        // The uncompressed SEC 1 point `PublicKey::decoding_key` makes.
        (Algorithm::ES256, AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
            RingVerifier::public(*algorithm, &ring_signature::ECDSA_P256_SHA256_FIXED, point)
        }
        (Algorithm::RS256, AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
            RingVerifier {
                algorithm: *algorithm,
                key: RingPublicKey::Rsa {
                    n: n.clone(),
                    e: e.clone(),
                },
            }
        }
        _ => return (RUST_CRYPTO.verifier_factory)(algorithm, key),
    };
    Ok(Box::new(verifier))
}

enum RingPublicKey {
    Unparsed(UnparsedPublicKey<Vec<u8>>),
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

struct RingVerifier {
    algorithm: Algorithm,
    key: RingPublicKey,
}

impl RingVerifier {
    fn public(
        algorithm: Algorithm,
        parameters: &'static dyn ring_signature::VerificationAlgorithm,
        bytes: &[u8],
    ) -> Self {
        Self {
            algorithm,
            key: RingPublicKey::Unparsed(UnparsedPublicKey::new(parameters, bytes.to_vec())),
        }
    }
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), SignatureError> {
        let verified = match &self.key {
            RingPublicKey::Unparsed(key) => key.verify(message, signature),
            // RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256; ring refuses keys under 2048 bits.
            RingPublicKey::Rsa { n, e } => RsaPublicKeyComponents { n, e }.verify(
                &ring_signature::RSA_PKCS1_2048_8192_SHA256,
                message,
                signature,
            ),
        };
        verified.map_err(|_| SignatureError::new())
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    let der = key.inner();
    let signer = match (algorithm, key.family()) {
        (Algorithm::EdDSA, AlgorithmFamily::Ed) => RingKeyPair::Ed25519(
            ring_signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                .map_err(|_| invalid(ErrorKind::InvalidEddsaKey))?,
        ),
        (Algorithm::ES256, AlgorithmFamily::Ec) => RingKeyPair::P256(
            ring_signature::EcdsaKeyPair::from_pkcs8(
                &ring_signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                der,
                &SystemRandom::new(),
            )
            .map_err(|_| invalid(ErrorKind::InvalidEcdsaKey))?,
        ),
        (Algorithm::RS256, AlgorithmFamily::Rsa) => RingKeyPair::Rsa(
            ring_signature::RsaKeyPair::from_der(der)
                .map_err(|_| invalid(ErrorKind::InvalidRsaKey("not PKCS#1 DER".into())))?,
        ),
        _ => return (RUST_CRYPTO.signer_factory)(algorithm, key),
    };
    Ok(Box::new(RingSigner {
        algorithm: *algorithm,
        key: signer,
    }))
}

enum RingKeyPair {
    Ed25519(ring_signature::Ed25519KeyPair),
    P256(ring_signature::EcdsaKeyPair),
    Rsa(ring_signature::RsaKeyPair),
}

struct RingSigner {
    algorithm: Algorithm,
    key: RingKeyPair,
}

impl Signer<Vec<u8>> for RingSigner {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, SignatureError> {
        let random = SystemRandom::new();
        match &self.key {
            RingKeyPair::Ed25519(key) => Ok(key.sign(message).as_ref().to_vec()),
            RingKeyPair::P256(key) => key
                .sign(&random, message)
                .map(|signature| signature.as_ref().to_vec())
                .map_err(|_| SignatureError::new()),
            RingKeyPair::Rsa(key) => {
                let mut signature = vec![0; key.public().modulus_len()];
                key.sign(
                    &ring_signature::RSA_PKCS1_SHA256,
                    &random,
                    message,
                    &mut signature,
                )
                .map(|()| signature)
                .map_err(|_| SignatureError::new())
            }
        }
    }
}

impl JwtSigner for RingSigner {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keys::{PrivateKey, SigningAlgorithm};

    #[test]
    fn ring_and_rust_crypto_accept_each_others_signatures_and_refuse_altered_ones() {
        for algorithm in [
            SigningAlgorithm::EdDsa,
            SigningAlgorithm::Es256,
            SigningAlgorithm::Rs256,
        ] {
            let key = PrivateKey::generate(algorithm).unwrap();
            let (private, public) = (key.encoding_key(), key.public().decoding_key());
            let alg = algorithm.jwt();
            let message = b"header.claims";
            let ours = signer(&alg, &private).unwrap().try_sign(message).unwrap();
            let theirs = (RUST_CRYPTO.signer_factory)(&alg, &private)
                .unwrap()
                .try_sign(message)
                .unwrap();
            for signature in [&ours, &theirs] {
                assert!(
                    verifier(&alg, &public)
                        .unwrap()
                        .verify(message, signature)
                        .is_ok()
                );
                let rust_crypto = (RUST_CRYPTO.verifier_factory)(&alg, &public).unwrap();
                assert!(
                    rust_crypto.verify(message, signature).is_ok(),
                    "{algorithm}"
                );
                let verifier = verifier(&alg, &public).unwrap();
                assert!(verifier.verify(b"header.altered", signature).is_err());
            }
        }
    }
}
