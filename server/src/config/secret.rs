//! The JWT signing secret: where it comes from (environment, or a generated development file)
//! and which values production refuses (missing, short, placeholder, or published in the seeds).

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use super::{AppEnv, Config};

/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (32 bytes).
pub const MIN_SECRET_BYTES: usize = 32;

/// Values printed in the seed documents and the benchmark peer. They are public, so a server
/// signing with one of them accepts tokens anyone can forge.
const PUBLISHED_SECRETS: &[&str] = &[
    "h&#0mpGPgj^wXdTf$EsR&#Umd=OyNIODywDLm_2J8@_T6A#OcIC-fJ*YJN*Z@*SE",
    "$tNyCD0WlD=G8zFo&5jpGEqjw@TaAe@3Rs#V@x(MKvtL9NEETb1bL@4@^Zfv@WzZ",
    "your-super-secret-key-here-make-it-long-and-random",
    "your-super-secret-production-key-here",
    "your-production-jwt-secret-key",
    "your-production-secret-key",
    "dev-secret-change-me",
    "YOUR_GENERATED_SECRET_WILL_APPEAR_HERE",
    "peer-secret-key-for-benchmarks-only-0123456789abcdef",
];

/// Fragments that mark a value someone meant to replace.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "change-me",
    "changeme",
    "change_me",
    "your-",
    "your_",
    "placeholder",
    "example",
    "secret-key",
    "replace",
];

/// Why a secret is not fit for production.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakSecret {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{0} is shorter than {MIN_SECRET_BYTES} bytes")]
    TooShort(&'static str),
    #[error("{0} is a published value (printed in public documentation)")]
    Published(&'static str),
    #[error("{0} looks like a placeholder, not a generated secret")]
    Placeholder(&'static str),
}

/// Checks one secret for production use; `variable` names it in the error.
pub fn check_strength(variable: &'static str, secret: &str) -> Result<(), WeakSecret> {
    let lowered = secret.to_ascii_lowercase();
    if secret.is_empty() {
        Err(WeakSecret::Missing(variable))
    } else if PUBLISHED_SECRETS.contains(&secret) {
        Err(WeakSecret::Published(variable))
    } else if PLACEHOLDER_MARKERS
        .iter()
        .any(|marker| lowered.contains(marker))
    {
        Err(WeakSecret::Placeholder(variable))
    } else if secret.len() < MIN_SECRET_BYTES {
        Err(WeakSecret::TooShort(variable))
    } else {
        Ok(())
    }
}

/// A fresh secret: 64 random bytes from the OS generator, base64url without padding.
pub fn generate() -> String {
    let mut bytes = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The development fallback: reads the secret kept in `path`, or generates one and keeps it
/// there (owner-only permissions) so tokens survive restarts of `cargo leptos watch`.
pub fn load_or_create_dev_secret(path: &Path) -> anyhow::Result<SecretString> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            tracing::info!(file = %path.display(), "JWT_SECRET_KEY is not set: using the development secret kept in this file");
            return Ok(SecretString::from(existing.to_owned()));
        }
    }
    let secret = generate();
    write_private(path, &secret).with_context(|| {
        format!(
            "could not write the development secret to {}",
            path.display()
        )
    })?;
    tracing::info!(file = %path.display(), "JWT_SECRET_KEY is not set: generated a development secret and kept it in this file");
    Ok(SecretString::from(secret))
}

/// Writes `secret` and a newline to `path`, readable by the owner only.
pub(super) fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)?
        .write_all(format!("{secret}\n").as_bytes())
}

/// The signing secret and the previous (verify-only) secrets for this configuration: the
/// configured ones, checked in production, or in development the kept development secret.
pub fn resolve(config: &Config) -> anyhow::Result<(SecretString, Vec<SecretString>)> {
    let (variable, configured) = match (&config.jwt_secret_key, &config.jwt_secret) {
        (Some(secret), _) => ("JWT_SECRET_KEY", Some(secret.clone())),
        (None, Some(secret)) => ("JWT_SECRET", Some(secret.clone())),
        (None, None) => ("JWT_SECRET_KEY", None),
    };
    let configured = configured.filter(|secret| !secret.expose_secret().is_empty());
    let production = config.app_env == AppEnv::Production;
    let current = match configured {
        Some(secret) => secret,
        None if production => return Err(WeakSecret::Missing(variable).into()),
        None => load_or_create_dev_secret(&config.dev_secret_file)?,
    };
    let previous: Vec<SecretString> = config
        .jwt_previous_secret_keys
        .iter()
        .filter(|secret| !secret.expose_secret().is_empty() && !same(secret, &current))
        .cloned()
        .collect();
    if production {
        check_strength(variable, current.expose_secret())?;
        for secret in &previous {
            check_strength("JWT_PREVIOUS_SECRET_KEYS", secret.expose_secret())?;
        }
    }
    Ok((current, previous))
}

/// Whether two secrets are the same value (used to spot a previous key equal to the current one).
pub fn same(left: &SecretString, right: &SecretString) -> bool {
    left.expose_secret() == right.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAR: &str = "JWT_SECRET_KEY";

    #[test]
    fn generated_secrets_pass_and_differ() {
        let (one, two) = (generate(), generate());
        assert_ne!(one, two);
        assert_eq!(check_strength(VAR, &one), Ok(()));
    }

    #[test]
    fn seed_secrets_are_refused_as_published() {
        for secret in PUBLISHED_SECRETS.iter().take(2) {
            assert_eq!(check_strength(VAR, secret), Err(WeakSecret::Published(VAR)));
        }
    }

    #[test]
    fn placeholders_and_short_values_are_refused() {
        assert_eq!(
            check_strength(VAR, "please-change-me-before-going-live-0123456789"),
            Err(WeakSecret::Placeholder(VAR))
        );
        assert_eq!(
            check_strength(VAR, "short-but-random-Q7x"),
            Err(WeakSecret::TooShort(VAR))
        );
        assert_eq!(check_strength(VAR, ""), Err(WeakSecret::Missing(VAR)));
    }

    #[test]
    fn the_dev_secret_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("gatehouse-secret-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dev-secret");
        let first = load_or_create_dev_secret(&path).unwrap();
        let second = load_or_create_dev_secret(&path).unwrap();
        assert!(same(&first, &second));
        assert_eq!(check_strength(VAR, first.expose_secret()), Ok(()));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
