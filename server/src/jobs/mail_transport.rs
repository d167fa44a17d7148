//! How a mail leaves: lettre's SMTP transport (plain, STARTTLS or implicit TLS, as `SMTP_URL`
//! says), or the log in development. Credentials travel inside the transport and are never
//! logged.

use std::time::Duration;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::store::OutboxMail;

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// Written to the log with its links (development, or a deliberate choice).
    Log,
    /// Through the relay at `url` (which may hold credentials: never logged), trusting
    /// `ca_file`'s certificates besides the web's roots.
    Smtp {
        url: secrecy::SecretString,
        ca_file: Option<std::path::PathBuf>,
    },
}

/// How long one delivery may take before it counts as failed (and is retried). Well under the
/// claim's lease, so no other instance takes the mail while it is still being sent.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// Where mail goes.
pub enum MailTransport {
    Log {
        from: Mailbox,
    },
    Smtp {
        from: Mailbox,
        relay: AsyncSmtpTransport<Tokio1Executor>,
    },
}

/// Why one delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The relay refused for good (a 5xx reply) or the mail cannot be built: no retry.
    #[error("{0}")]
    Permanent(String),
    /// Anything else (relay down, 4xx, timeout): retried with backoff.
    #[error("{0}")]
    Transient(String),
}

impl MailTransport {
    /// The transport for sender `from` and `delivery`; a malformed `EMAIL_FROM`, `SMTP_URL` or CA file stops
    /// the start-up with the reason (never the URL itself: it may hold a password).
    pub fn new(from: &str, delivery: &Delivery) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("EMAIL_FROM `{from}` is not a mail address"))?;
        match delivery {
            Delivery::Log => Ok(Self::Log { from }),
            Delivery::Smtp { url, ca_file } => {
                let (url, tls) = split_tls(url.expose_secret());
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|_| {
                        anyhow::anyhow!("SMTP_URL is not a valid smtp:// or smtps:// URL")
                    })?
                    .timeout(Some(SEND_TIMEOUT));
                if tls.is_some() && !has_port(&url) {
                    // The submission port, as lettre picks for its own `tls=required`.
                    builder = builder.port(lettre::transport::smtp::SUBMISSION_PORT);
                }
                if let (Some(mode), Some(host)) = (tls, host_of(&url)) {
                    let mut parameters = TlsParameters::builder(host);
                    if let Some(path) = ca_file {
                        let pem = std::fs::read(path).with_context(|| {
                            format!("could not read SMTP_TLS_CA_FILE {}", path.display())
                        })?;
                        let certificate = Certificate::from_pem(&pem)
                            .context("SMTP_TLS_CA_FILE holds no PEM certificate")?;
                        parameters = parameters.add_root_certificate(certificate);
                    }
                    let parameters = parameters
                        .build()
                        .context("could not set up TLS for SMTP")?;
                    builder = builder.tls(match mode {
                        TlsMode::Implicit => Tls::Wrapper(parameters),
                        TlsMode::StartTls => Tls::Required(parameters),
                        TlsMode::Opportunistic => Tls::Opportunistic(parameters),
                    });
                }
                Ok(Self::Smtp {
                    from,
                    relay: builder.build(),
                })
            }
        }
    }

    /// Delivers one mail: plain-text and HTML alternatives.
    pub async fn send(&self, mail: &OutboxMail) -> Result<(), SendError> {
        match self {
            Self::Log { from } => {
                // The development "console backend": the text part holds the link.
                tracing::info!(
                    target: "gatehouse::mail",
                    %from,
                    to = %mail.recipient,
                    subject = %mail.subject,
                    "mail (EMAIL_BACKEND=log, not sent):\n{}",
                    mail.text_body
                );
                Ok(())
            }
            Self::Smtp { from, relay } => {
                let message = message(from, mail)?;
                relay.send(message).await.map(drop).map_err(|error| {
                    if error.is_permanent() {
                        SendError::Permanent(error.to_string())
                    } else {
                        SendError::Transient(error.to_string())
                    }
                })
            }
        }
    }
}

fn message(from: &Mailbox, mail: &OutboxMail) -> Result<Message, SendError> {
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|error| SendError::Permanent(format!("bad recipient: {error}")))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&mail.subject)
        .multipart(MultiPart::alternative_plain_html(
            mail.text_body.clone(),
            mail.html_body.clone(),
        ))
        .map_err(|error| SendError::Permanent(format!("could not build the mail: {error}")))
}

/// Which TLS the URL asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TlsMode {
    Implicit,
    StartTls,
    Opportunistic,
}

/// The URL lettre reads (its own `tls=` spelling removed) and the TLS mode: `smtps://` is
/// implicit TLS; `?tls=starttls` (or lettre's `required`) and `?tls=opportunistic` upgrade a
/// plain connection. The TLS parameters are then built here, to add SMTP_TLS_CA_FILE.
fn split_tls(url: &str) -> (String, Option<TlsMode>) {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = base.starts_with("smtps://").then_some(TlsMode::Implicit);
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        match pair {
            "tls=starttls" | "tls=required" => mode = Some(TlsMode::StartTls),
            "tls=opportunistic" => mode = Some(TlsMode::Opportunistic),
            other => kept.push(other),
        }
    }
    // lettre's parser refuses a TLS scheme without its TLS features only for `tls=` values;
    // smtps:// stays smtps:// and gets the parameters below.
    let base = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (base, mode)
}

/// The `host[:port]` of an smtp(s):// URL.
fn host_port(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    Some(
        authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host),
    )
}

/// The host of an smtp(s):// URL, for certificate checks.
fn host_of(url: &str) -> Option<String> {
    let host_port = host_port(url)?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_owned())
}

/// Whether the URL names its port.
fn has_port(url: &str) -> bool {
    host_port(url).is_some_and(|host_port| {
        host_port
            .rsplit_once(':')
            .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_modes_come_from_the_scheme_and_the_query() {
        assert_eq!(
            split_tls("smtp://127.0.0.1:2525"),
            ("smtp://127.0.0.1:2525".into(), None)
        );
        assert_eq!(
            split_tls("smtp://u:p@mail.example.com:587?tls=starttls"),
            (
                "smtp://u:p@mail.example.com:587".into(),
                Some(TlsMode::StartTls)
            )
        );
        assert_eq!(
            split_tls("smtps://mail.example.com"),
            ("smtps://mail.example.com".into(), Some(TlsMode::Implicit))
        );
        assert_eq!(
            host_of("smtp://user:p%40ss@mail.example.com:587/ehlo").as_deref(),
            Some("mail.example.com")
        );
        assert_eq!(host_of("smtps://[::1]:465").as_deref(), Some("::1"));
        assert!(has_port("smtp://u:p@h:2525"));
        assert!(!has_port("smtp://u:p@mail.example.com?tls=starttls"));
    }
}
