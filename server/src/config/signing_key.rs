//! The signing keys under an asymmetric `JWT_ALGORITHM`: the private key (JWT_PRIVATE_KEY, its
//! file, or in development a generated key kept in a git-ignored file), the previous public keys
//! that still verify, and which keys production refuses (missing, or published in this repo).
//! Under HS256 the key ring is the secrets' (`secret::resolve`).

use std::path::Path;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};

use super::{AppEnv, Config, secret};
use crate::auth::keys::{PrivateKey, PublicKey, SigningAlgorithm};
use crate::auth::tokens::{Issuer, KeyRing};

/// RFC 7638 thumbprints of the keys committed to this repository (`server/tests/fixtures/keys`,
/// the test suites' keys): anyone can sign with them, so production refuses them, as it
/// refuses the secrets printed in the seeds.
const PUBLISHED_KEYS: &[&str] = &[
    "FFJ1w-IH7lFvxM4h8JHOK005Oc7XGZW2XgPCCZblgU8",
    "50oh_AoG4PmVFRKXThhinHkx_t6f_tqIL2o1OnX9brI",
    "urUIaQ75G7WUdzr-SzmxlMgYUYISaBoIJsJ5XRGwpuI",
    "D2n5PtXcryN5u6Zafr4nmW8A6awQKLNpc2d0O1GtLF4",
];

/// Why a key is not fit for production.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakKey {
    #[error("JWT_ALGORITHM={0} needs JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE")]
    Missing(SigningAlgorithm),
    #[error("{0} is a published key (committed to the Gatehouse repository)")]
    Published(&'static str),
}

/// Refuses in production a key anyone could have (see `PUBLISHED_KEYS`).
fn check_not_published(variable: &'static str, key: &PublicKey) -> Result<(), WeakKey> {
    match PUBLISHED_KEYS.contains(&key.kid().as_str()) {
        true => Err(WeakKey::Published(variable)),
        false => Ok(()),
    }
}

/// The keys tokens are signed and verified with: the HMAC secrets under HS256; else the
/// private key, the previous public keys, and the previous secrets of a migration from HS256.
pub fn key_ring(
    config: &Config,
    current_secret: &SecretString,
    previous_secrets: &[SecretString],
) -> anyhow::Result<KeyRing> {
    let algorithm = config.jwt_algorithm;
    if !algorithm.is_asymmetric() {
        let inline = config.jwt_private_key.as_ref();
        if inline.is_some_and(|pem| !pem.expose_secret().is_empty())
            || non_empty(&config.jwt_private_key_file).is_some()
        {
            tracing::warn!("JWT_PRIVATE_KEY is ignored: JWT_ALGORITHM is HS256");
        }
        return Ok(KeyRing::hmac(current_secret, previous_secrets));
    }
    let production = config.app_env == AppEnv::Production;
    let current = private_key(config)?;
    let previous = match non_empty(&config.jwt_previous_public_keys_file) {
        Some(path) => read(path)
            .and_then(|bundle| PublicKey::all_from_pem(&bundle).map_err(anyhow::Error::from))
            .with_context(|| format!("JWT_PREVIOUS_PUBLIC_KEYS_FILE {}", path.display()))?,
        None => Vec::new(),
    };
    if production {
        check_not_published("JWT_PRIVATE_KEY", &current.public())?;
        for key in &previous {
            check_not_published("JWT_PREVIOUS_PUBLIC_KEYS_FILE", key)?;
        }
    }
    // Only the secrets listed as previous verify HMAC tokens now (SPEC "Signing keys"); the
    // current one (JWT_SECRET_KEY) keeps sealing second factors (auth/sealed.rs).
    let migrating: Vec<SecretString> = config
        .jwt_previous_secret_keys
        .iter()
        .filter(|secret| !secret.expose_secret().is_empty())
        .cloned()
        .collect();
    Ok(KeyRing::asymmetric(&current, &previous, &migrating))
}

/// The configured private key, or in development the kept (or a new) development key.
fn private_key(config: &Config) -> anyhow::Result<PrivateKey> {
    let algorithm = config.jwt_algorithm;
    let inline = config
        .jwt_private_key
        .as_ref()
        .filter(|pem| !pem.expose_secret().trim().is_empty());
    let pem = match (inline, non_empty(&config.jwt_private_key_file)) {
        (Some(_), Some(_)) => {
            anyhow::bail!("set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both")
        }
        // `\n` written as two characters, as a one-line environment variable holds a PEM.
        (Some(pem), None) => pem.expose_secret().replace("\\n", "\n"),
        (None, Some(path)) => {
            read(path).with_context(|| format!("JWT_PRIVATE_KEY_FILE {}", path.display()))?
        }
        (None, None) if config.app_env == AppEnv::Production => {
            return Err(WeakKey::Missing(algorithm).into());
        }
        (None, None) => return load_or_create_dev_key(algorithm, &config.dev_signing_key_file),
    };
    PrivateKey::from_pem(algorithm, &pem).context("JWT_PRIVATE_KEY")
}

/// A path variable left empty (as in `.env.example`) is unset.
fn non_empty(path: &Option<std::path::PathBuf>) -> Option<&Path> {
    path.as_deref().filter(|path| !path.as_os_str().is_empty())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).context("could not read the file")
}

/// The development fallback: the key kept in `path` if it is one of `algorithm`, else a new
/// one kept there (owner-only permissions), so tokens survive restarts of `cargo leptos watch`.
pub fn load_or_create_dev_key(
    algorithm: SigningAlgorithm,
    path: &Path,
) -> anyhow::Result<PrivateKey> {
    if let Ok(kept) = std::fs::read_to_string(path)
        && let Ok(key) = PrivateKey::from_pem(algorithm, &kept)
    {
        tracing::info!(file = %path.display(), %algorithm, "JWT_PRIVATE_KEY is not set: using the development key kept in this file");
        return Ok(key);
    }
    let key = PrivateKey::generate(algorithm)?;
    secret::write_private(path, key.to_pem().expose_secret().trim_end())
        .with_context(|| format!("could not write the development key to {}", path.display()))?;
    tracing::info!(file = %path.display(), %algorithm, "JWT_PRIVATE_KEY is not set: generated a development key and kept it in this file");
    Ok(key)
}

/// `iss` = JWT_ISSUER, else the public URL; `aud` = JWT_AUDIENCE when set.
pub fn issuer(config: &Config, public_url: &str) -> Issuer {
    let non_empty = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    Issuer {
        issuer: non_empty(&config.jwt_issuer).unwrap_or_else(|| public_url.to_owned()),
        audience: non_empty(&config.jwt_audience),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys")
    }

    #[test]
    fn every_key_committed_to_the_repository_is_listed_as_published() {
        let mut seen = 0;
        for entry in std::fs::read_dir(fixtures()).unwrap() {
            let path = entry.unwrap().path();
            let pem = std::fs::read_to_string(&path).unwrap();
            let public = SigningAlgorithm::ALL
                .into_iter()
                .filter(|algorithm| algorithm.is_asymmetric())
                .find_map(|algorithm| match PrivateKey::from_pem(algorithm, &pem) {
                    Ok(key) => Some(key.public()),
                    Err(_) => None,
                })
                .or_else(|| PublicKey::from_pem(&pem).ok());
            let kid = match public {
                Some(key) => key.kid(),
                // The weak fixture: read without the strength check.
                None => {
                    use rsa::pkcs8::DecodePrivateKey;
                    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).unwrap();
                    PublicKey::Rsa(key.to_public_key()).kid()
                }
            };
            assert!(
                PUBLISHED_KEYS.contains(&kid.as_str()),
                "{} ({kid}) is not in PUBLISHED_KEYS",
                path.display()
            );
            seen += 1;
        }
        assert!(seen >= 4, "the fixtures were not found");
    }

    #[test]
    fn a_published_key_is_refused() {
        let pem = std::fs::read_to_string(fixtures().join("eddsa.pem")).unwrap();
        let key = PrivateKey::from_pem(SigningAlgorithm::EdDsa, &pem).unwrap();
        assert_eq!(
            check_not_published("JWT_PRIVATE_KEY", &key.public()),
            Err(WeakKey::Published("JWT_PRIVATE_KEY"))
        );
        let fresh = PrivateKey::generate(SigningAlgorithm::EdDsa).unwrap();
        assert_eq!(
            check_not_published("JWT_PRIVATE_KEY", &fresh.public()),
            Ok(())
        );
    }

    #[test]
    fn the_dev_key_is_created_once_and_replaced_for_another_algorithm() {
        let dir = std::env::temp_dir().join(format!("gatehouse-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dev-key.pem");
        let first = load_or_create_dev_key(SigningAlgorithm::EdDsa, &path).unwrap();
        let again = load_or_create_dev_key(SigningAlgorithm::EdDsa, &path).unwrap();
        assert_eq!(first.public(), again.public());
        let other = load_or_create_dev_key(SigningAlgorithm::Es256, &path).unwrap();
        assert_eq!(other.algorithm(), SigningAlgorithm::Es256);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
