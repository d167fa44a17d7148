//! Mail settings: where links point (`PUBLIC_URL`), how mail leaves (SMTP or the log), and
//! what production refuses (no public URL; no relay unless the log is chosen explicitly).

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::{AppEnv, Config};

/// How mail leaves the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EmailBackend {
    /// Through the relay at SMTP_URL.
    Smtp,
    /// Written to the log with its links (development, or a deliberate choice in production).
    Log,
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Delivery {
    Log,
    Smtp {
        url: SecretString,
        ca_file: Option<PathBuf>,
    },
}

/// The resolved mail settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Scheme, host and port, without a trailing slash.
    pub public_url: String,
    pub from: String,
    pub delivery: Delivery,
}

/// Why the mail settings cannot start a server.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MailConfigError {
    #[error("PUBLIC_URL is required in production: mail links must point at the public site")]
    PublicUrlMissing,
    #[error("PUBLIC_URL must be an http:// or https:// URL with no path, query or fragment")]
    PublicUrlInvalid,
    #[error(
        "SMTP_URL is required in production; set EMAIL_BACKEND=log to write mail to the log instead"
    )]
    SmtpMissing,
    #[error("EMAIL_BACKEND=smtp needs SMTP_URL")]
    SmtpUrlMissingForBackend,
}

impl Config {
    /// The mail settings, checked: production needs a public URL and a relay (or the log
    /// chosen explicitly).
    pub fn mail_settings(&self) -> Result<MailSettings, MailConfigError> {
        let production = self.app_env == AppEnv::Production;
        let public_url = match self.public_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => public_url(url)?,
            _ if production => return Err(MailConfigError::PublicUrlMissing),
            _ => format!("http://{}", self.site_addr),
        };
        let smtp_url = self
            .smtp_url
            .clone()
            .filter(|url| !url.expose_secret().trim().is_empty());
        let delivery = match (self.email_backend, smtp_url) {
            (Some(EmailBackend::Log), _) => Delivery::Log,
            (_, Some(url)) => Delivery::Smtp {
                url,
                ca_file: self.smtp_tls_ca_file.clone(),
            },
            (Some(EmailBackend::Smtp), None) => {
                return Err(MailConfigError::SmtpUrlMissingForBackend);
            }
            (None, None) if production => return Err(MailConfigError::SmtpMissing),
            (None, None) => Delivery::Log,
        };
        Ok(MailSettings {
            public_url,
            from: self.email_from.trim().to_owned(),
            delivery,
        })
    }
}

/// `url` without its trailing slash, if it is an origin (links append their own paths).
fn public_url(url: &str) -> Result<String, MailConfigError> {
    let trimmed = url.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or(MailConfigError::PublicUrlInvalid)?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(MailConfigError::PublicUrlInvalid);
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_origins() {
        assert_eq!(
            public_url("https://auth.example.com/").unwrap(),
            "https://auth.example.com"
        );
        assert_eq!(
            public_url("http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000"
        );
        for bad in [
            "auth.example.com",
            "ftp://x",
            "https://",
            "https://x/app",
            "https://x?a",
        ] {
            assert_eq!(
                public_url(bad),
                Err(MailConfigError::PublicUrlInvalid),
                "{bad}"
            );
        }
    }
}
