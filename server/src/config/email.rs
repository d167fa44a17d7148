//! Mail settings: where links point (`PUBLIC_URL`), how mail leaves (SMTP or the log), and
//! what production refuses (no public URL; no relay unless the log is chosen explicitly).

use crate::jobs::mail_transport::Delivery;

/// How mail leaves the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EmailBackend {
    /// Through the relay at SMTP_URL.
    Smtp,
    /// Written to the log with its links (development, or a deliberate choice in production).
    Log,
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

/// `url` without its trailing slash, if it is an origin (links append their own paths).
pub(super) fn public_url(url: &str) -> Result<String, MailConfigError> {
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
