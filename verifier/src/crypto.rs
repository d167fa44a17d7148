//! The signature arithmetic under jsonwebtoken, as Gatehouse's own (`server/src/auth/crypto.rs`):
//! `ring` (assembly; already built for rustls) verifies EdDSA, ES256 and RS256, where
//! jsonwebtoken's pure-Rust backend verified ES256 five to six times slower; everything else stays
//! with `rust_crypto`. Installed once per process as jsonwebtoken's `CryptoProvider`, unless the
//! service chose one first (then that one stays: the same answers).

use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER as RUST_CRYPTO;
use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtVerifier};
use jsonwebtoken::errors::Result;
use jsonwebtoken::signature::{Error as SignatureError, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind};
use ring::signature::{self as ring_signature, RsaPublicKeyComponents, UnparsedPublicKey};

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: RUST_CRYPTO.signer_factory,
    verifier_factory: verifier,
    jwk_utils: JwkUtils {
        extract_rsa_public_key_components: RUST_CRYPTO.jwk_utils.extract_rsa_public_key_components,
        extract_ec_public_key_coordinates: RUST_CRYPTO.jwk_utils.extract_ec_public_key_coordinates,
        compute_digest: RUST_CRYPTO.jwk_utils.compute_digest,
    },
};

/// Makes `PROVIDER` jsonwebtoken's, unless the process already has one.
pub(crate) fn install() {
    if PROVIDER.install_default().is_err() {
        tracing::debug!("jsonwebtoken's crypto provider was chosen before; keeping it");
    }
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let key = match (algorithm, key.family(), key.kind()) {
        // The raw Ed25519 public key and the uncompressed SEC 1 point `DecodingKey::from_jwk` makes.
        (Algorithm::EdDSA, AlgorithmFamily::Ed, DecodingKeyKind::SecretOrDer(raw)) => {
            RingKey::Unparsed(UnparsedPublicKey::new(
                &ring_signature::ED25519,
                raw.clone(),
            ))
        }
        (Algorithm::ES256, AlgorithmFamily::Ec, DecodingKeyKind::SecretOrDer(point)) => {
            RingKey::Unparsed(UnparsedPublicKey::new(
                &ring_signature::ECDSA_P256_SHA256_FIXED,
                point.clone(),
            ))
        }
        (Algorithm::RS256, AlgorithmFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
            RingKey::Rsa {
                n: n.clone(),
                e: e.clone(),
            }
        }
        _ => return (RUST_CRYPTO.verifier_factory)(algorithm, key),
    };
    Ok(Box::new(RingVerifier {
        algorithm: *algorithm,
        key,
    }))
}

enum RingKey {
    Unparsed(UnparsedPublicKey<Vec<u8>>),
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

struct RingVerifier {
    algorithm: Algorithm,
    key: RingKey,
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), SignatureError> {
        let verified = match &self.key {
            RingKey::Unparsed(key) => key.verify(message, signature),
            // RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256; ring refuses keys under 2048 bits.
            RingKey::Rsa { n, e } => RsaPublicKeyComponents { n, e }.verify(
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

#[cfg(test)]
mod tests {
    use gatehouse::keys::{PrivateKey, SigningAlgorithm};

    use super::*;

    #[test]
    fn ring_accepts_rust_crypto_signatures_and_refuses_altered_ones() {
        for algorithm in [
            SigningAlgorithm::EdDsa,
            SigningAlgorithm::Es256,
            SigningAlgorithm::Rs256,
        ] {
            let key = PrivateKey::generate(algorithm).unwrap();
            let alg = algorithm.jwt();
            let public = key.public().decoding_key();
            let signature = (RUST_CRYPTO.signer_factory)(&alg, &key.encoding_key())
                .unwrap()
                .try_sign(b"header.claims")
                .unwrap();
            let ours = verifier(&alg, &public).unwrap();
            assert!(
                ours.verify(b"header.claims", &signature).is_ok(),
                "{algorithm}"
            );
            assert!(
                ours.verify(b"header.altered", &signature).is_err(),
                "{algorithm}"
            );
        }
    }
}
