//! Configuration from the environment (12-factor) and flags (the `///` docs below are
//! `--help`), the lifetimes it reads, and the signing secret and keys it resolves.

pub mod email;
pub mod lifetime;
pub mod secret;
pub mod signing_key;
pub mod webauthn;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::auth::SessionPolicy;
use crate::auth::email::Verification;
use crate::auth::keys::SigningAlgorithm;
use crate::auth::password_policy::PasswordPolicy;
use crate::auth::throttle::{DEFAULT_PREFIX, Rate};
use crate::auth::tokens::LEEWAY_SECS;
use crate::http::forwarded::TrustedProxies;
use crate::jobs::mail_transport::Delivery;
use crate::store::StoreOptions;
use email::{EmailBackend, MailConfigError, MailSettings};

/// Which rules apply: production refuses weak secrets and development conveniences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AppEnv {
    #[value(alias = "dev")]
    Development,
    #[value(alias = "prod")]
    Production,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Everything the server reads at start. Each option is also an environment variable; a `.env`
/// file in the working directory is read first if present.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database URL: sqlite://FILE (the default, created on first start) or
    /// postgres://USER:PASSWORD@HOST:PORT/NAME. Unset, DB_NAME and friends are used if set.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// PostgreSQL database name, used when DATABASE_URL is unset (with DB_USER, DB_PASSWORD,
    /// DB_HOST, DB_PORT, seed 001).
    #[arg(long, env = "DB_NAME")]
    pub db_name: Option<String>,

    /// PostgreSQL user, with DB_NAME.
    #[arg(long, env = "DB_USER", default_value = "postgres")]
    pub db_user: String,

    /// PostgreSQL password, with DB_NAME.
    #[arg(long, env = "DB_PASSWORD", hide_env_values = true)]
    pub db_password: Option<String>,

    /// PostgreSQL host, with DB_NAME.
    #[arg(long, env = "DB_HOST", default_value = "127.0.0.1")]
    pub db_host: String,

    /// PostgreSQL port, with DB_NAME.
    #[arg(long, env = "DB_PORT", default_value_t = 5432)]
    pub db_port: u16,

    /// The most database connections one instance holds.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,

    /// How long a request waits for a database connection before answering 503
    /// (a bare number is seconds).
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT", default_value = "3s", value_parser = lifetime::parse_seconds)]
    pub database_acquire_timeout: Duration,

    /// How long start-up waits for an unreachable database, retrying with backoff
    /// (a bare number is seconds).
    #[arg(long, env = "DATABASE_STARTUP_TIMEOUT", default_value = "60s", value_parser = lifetime::parse_seconds)]
    pub database_startup_timeout: Duration,

    /// HMAC secret that signs tokens (HS256), used as the string's bytes exactly as written.
    /// Under an asymmetric JWT_ALGORITHM it signs no token but still seals second factors at
    /// rest, so keep it. Unset in development: a generated secret is kept in DEV_SECRET_FILE.
    /// Production refuses a missing, short (< 32 bytes), placeholder or published value.
    #[arg(long, env = "JWT_SECRET_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub jwt_secret_key: Option<SecretString>,

    /// Alias of JWT_SECRET_KEY, as some services name it.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub jwt_secret: Option<SecretString>,

    /// Earlier secrets (comma-separated) whose tokens still verify during a key rotation;
    /// new tokens are always signed with JWT_SECRET_KEY. Under an asymmetric JWT_ALGORITHM,
    /// the only secrets whose HS256 tokens still verify (a migration from HS256).
    #[arg(long, env = "JWT_PREVIOUS_SECRET_KEYS", hide_env_values = true, value_delimiter = ',', value_parser = parse_secret)]
    pub jwt_previous_secret_keys: Vec<SecretString>,

    /// How tokens are signed: HS256 (the shared secret), or EdDSA, ES256 or RS256 (a private
    /// key; other services verify with the public keys at /.well-known/jwks.json).
    #[arg(long, env = "JWT_ALGORITHM", default_value = "HS256", value_parser = parse_algorithm)]
    pub jwt_algorithm: SigningAlgorithm,

    /// The private key of an asymmetric JWT_ALGORITHM, as PKCS#8 PEM (`server generate-key`
    /// prints one; `\n` is read as a line break). Unset in development: a generated key is
    /// kept in DEV_SIGNING_KEY_FILE. Production refuses a missing, short (RSA < 2048 bits) or
    /// published key.
    #[arg(long, env = "JWT_PRIVATE_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub jwt_private_key: Option<SecretString>,

    /// A file holding JWT_PRIVATE_KEY instead (e.g. a mounted secret).
    #[arg(long, env = "JWT_PRIVATE_KEY_FILE")]
    pub jwt_private_key_file: Option<PathBuf>,

    /// A file of earlier public keys (PEMs one after another, `-----BEGIN PUBLIC KEY-----`)
    /// whose tokens still verify during a key rotation; published in the JWKS too.
    #[arg(long, env = "JWT_PREVIOUS_PUBLIC_KEYS_FILE")]
    pub jwt_previous_public_keys_file: Option<PathBuf>,

    /// The `iss` of every token, checked on verify. Default: PUBLIC_URL.
    #[arg(long, env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,

    /// The `aud` of every token, checked on verify. Unset: tokens carry none (and one that
    /// does is refused).
    #[arg(long, env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,

    /// Access-token lifetime: a bare number is minutes; or 30s, 15m, 12h, 1d.
    #[arg(long, env = "JWT_ACCESS_TOKEN_LIFETIME", default_value = "60", value_parser = lifetime::parse_minutes)]
    pub jwt_access_token_lifetime: Duration,

    /// Refresh-token (session) lifetime: a bare number is days; or 30s, 15m, 12h, 7d.
    #[arg(long, env = "JWT_REFRESH_TOKEN_LIFETIME", default_value = "7", value_parser = lifetime::parse_days)]
    pub jwt_refresh_token_lifetime: Duration,

    /// How long an idle session lives: a session not refreshed for this long ends
    /// (a bare number is days; or 30s, 15m, 12h). Default: JWT_REFRESH_TOKEN_LIFETIME.
    #[arg(long, env = "SESSION_IDLE_TIMEOUT", value_parser = lifetime::parse_days)]
    pub session_idle_timeout: Option<Duration>,

    /// How long the refresh token just replaced may be presented again and get the same new
    /// pair back (two tabs refreshing together). Later, it is reuse and ends the session.
    /// A bare number is seconds; 0 turns the grace off.
    #[arg(long, env = "REFRESH_REUSE_GRACE", default_value = "10s", value_parser = lifetime::parse_grace)]
    pub refresh_reuse_grace: Duration,

    /// development or production.
    #[arg(long, env = "APP_ENV", value_enum, default_value = "development")]
    pub app_env: AppEnv,

    /// Browser origins allowed to call the API cross-origin (comma-separated, exact matches,
    /// e.g. https://app.example.com). Empty: same-origin only.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    /// Rate limits on sign-in (both steps), registration, refresh, and password and
    /// second-factor changes (true/false). Switch them off only for load tests.
    #[arg(long, env = "RATE_LIMIT_ENABLED", default_value = "true", action = clap::ArgAction::Set, value_parser = clap::builder::BoolishValueParser::new())]
    pub rate_limit_enabled: bool,

    /// Requests one client address may make to each limited endpoint: N/s, N/min or N/h.
    #[arg(long, env = "RATE_LIMIT_PER_IP", default_value = "30/min", value_parser = Rate::parse)]
    pub rate_limit_per_ip: Rate,

    /// Attempts on one account (the email signed in or registered, or the token's user) at
    /// each limited endpoint, from any address: N/s, N/min or N/h.
    #[arg(long, env = "RATE_LIMIT_PER_ACCOUNT", default_value = "10/min", value_parser = Rate::parse)]
    pub rate_limit_per_account: Rate,

    /// Redis that keeps the rate-limit budgets for every instance (e.g. redis://redis:6379/0;
    /// rediss:// for TLS is not built in), so N instances give a client one budget, not N.
    /// Unset: each instance keeps its own. While Redis does not answer, each instance falls
    /// back to its own limits and tries Redis again every second.
    #[arg(long, env = "REDIS_URL", hide_env_values = true, value_parser = parse_secret)]
    pub redis_url: Option<SecretString>,

    // 10 ms: a check is one EVALSHA, a fraction of a millisecond on a LAN, but on 2 cores under
    // 64 connections the runtime alone can hold a ready task a few milliseconds, and a shorter
    // timeout would take a healthy Redis for a dead one. A longer one is paid by the request
    // that meets a hung Redis (one a second: the breaker keeps the others off it).
    /// How long a rate-limit check waits for Redis, in milliseconds, before that request uses
    /// the instance's own limits (and Redis is left alone for a second).
    #[arg(long, env = "REDIS_TIMEOUT_MS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub redis_timeout_ms: u64,

    /// Where the budgets' keys start in Redis (instances of one deployment share it; another
    /// deployment on the same Redis takes another).
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = DEFAULT_PREFIX)]
    pub redis_key_prefix: String,

    /// Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or
    /// networks, e.g. 10.0.0.0/8). Empty: the connection's address is the client's.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", value_parser = TrustedProxies::parse)]
    pub trusted_proxies: TrustedProxies,

    /// Shortest password accepted, in characters (8 to 128).
    #[arg(long, env = "PASSWORD_MIN_LENGTH", default_value_t = 8, value_parser = clap::value_parser!(u16).range(8..=128))]
    pub password_min_length: u16,

    /// Bearer token that GET /metrics requires. Unset: /metrics is open (keep it off the
    /// public network then).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub metrics_token: Option<SecretString>,

    /// Bearer token GET /api/revocations/stream requires (other services follow ended sessions
    /// there). Unset: the stream answers 401 to everyone.
    #[arg(long, env = "REVOCATION_STREAM_TOKEN", hide_env_values = true, value_parser = parse_secret)]
    pub revocation_stream_token: Option<SecretString>,

    /// Log format: text or json.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Address and port the server listens on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,

    /// Where development keeps its generated secret (git-ignored). Never used in production.
    #[arg(long, env = "DEV_SECRET_FILE", default_value = ".gatehouse-dev-secret")]
    pub dev_secret_file: PathBuf,

    /// Where development keeps its generated private key under an asymmetric JWT_ALGORITHM
    /// (git-ignored; replaced when the algorithm changes). Never used in production.
    #[arg(
        long,
        env = "DEV_SIGNING_KEY_FILE",
        default_value = ".gatehouse-dev-signing-key.pem"
    )]
    pub dev_signing_key_file: PathBuf,

    /// Where users reach the site (scheme, host, port, no path), e.g. https://auth.example.com:
    /// mail links point there. Default: http:// + LEPTOS_SITE_ADDR. Required in production;
    /// instances behind one load balancer share it.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The mail relay: smtp://HOST:PORT (plain), smtp://USER:PASS@HOST:587?tls=starttls, or
    /// smtps://USER:PASS@HOST:465 (implicit TLS). Unset: mails are written to the log, which
    /// production allows only with EMAIL_BACKEND=log.
    #[arg(long, env = "SMTP_URL", hide_env_values = true, value_parser = parse_secret)]
    pub smtp_url: Option<SecretString>,

    /// A PEM file of extra root certificates to trust for the relay's TLS (a private CA);
    /// the public web roots are always trusted.
    #[arg(long, env = "SMTP_TLS_CA_FILE")]
    pub smtp_tls_ca_file: Option<PathBuf>,

    /// The sender of every mail, e.g. `Gatehouse <no-reply@example.com>`.
    #[arg(
        long,
        env = "EMAIL_FROM",
        default_value = "Gatehouse <no-reply@localhost>"
    )]
    pub email_from: String,

    /// smtp (deliver through SMTP_URL) or log (write each mail to the log, like Django's
    /// console backend). Default: smtp when SMTP_URL is set, else log.
    #[arg(long, env = "EMAIL_BACKEND", value_enum)]
    pub email_backend: Option<EmailBackend>,

    /// none (addresses are never checked), optional (sign-in allowed; the UI asks to verify) or
    /// mandatory (no sign-in until the address is verified).
    #[arg(long, env = "EMAIL_VERIFICATION", default_value = "optional", value_parser = Verification::parse)]
    pub email_verification: Verification,

    /// How long a password-reset link works (a bare number is seconds; or 30m, 1h).
    #[arg(long, env = "PASSWORD_RESET_TIMEOUT", default_value = "1h", value_parser = lifetime::parse_seconds)]
    pub password_reset_timeout: Duration,

    /// How long a verification or change-of-address link works (a bare number is seconds;
    /// or 12h, 3d).
    #[arg(long, env = "EMAIL_VERIFICATION_TIMEOUT", default_value = "3d", value_parser = lifetime::parse_seconds)]
    pub email_verification_timeout: Duration,

    /// How long a sign-in waits for its second factor: the life of the mfa_token the password
    /// step answers with (a bare number is seconds; or 2m, 5m).
    #[arg(long, env = "MFA_TOKEN_LIFETIME", default_value = "5m", value_parser = lifetime::parse_seconds)]
    pub mfa_token_lifetime: Duration,

    /// The origin passkey ceremonies must come from (scheme, host, port), e.g.
    /// https://auth.example.com. Default: PUBLIC_URL (with a loopback address read as
    /// localhost: browsers offer passkeys on domains only).
    #[arg(long, env = "WEBAUTHN_RP_ORIGIN")]
    pub webauthn_rp_origin: Option<String>,

    /// The WebAuthn relying party id passkeys are bound to: the host of WEBAUTHN_RP_ORIGIN
    /// (the default) or a parent domain of it (example.com lets every subdomain use them).
    /// Changing it orphans every registered passkey.
    #[arg(long, env = "WEBAUTHN_RP_ID")]
    pub webauthn_rp_id: Option<String>,
}

/// The default database: an SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://gatehouse.sqlite3";

impl Config {
    /// The database to open: DATABASE_URL, else a PostgreSQL URL from DB_NAME and friends,
    /// else the SQLite default.
    pub fn store_options(&self) -> StoreOptions {
        let url = match (&self.database_url, &self.db_name) {
            (Some(url), _) if !url.trim().is_empty() => url.trim().to_owned(),
            (_, Some(name)) if !name.trim().is_empty() => {
                let credentials = match &self.db_password {
                    Some(password) => format!("{}:{}", encode(&self.db_user), encode(password)),
                    None => encode(&self.db_user),
                };
                format!(
                    "postgres://{credentials}@{}:{}/{}",
                    self.db_host,
                    self.db_port,
                    encode(name.trim())
                )
            }
            _ => DEFAULT_DATABASE_URL.to_owned(),
        };
        StoreOptions {
            url,
            max_connections: self.database_max_connections.max(1),
            acquire_timeout: self.database_acquire_timeout,
            startup_timeout: self.database_startup_timeout,
        }
    }
}

impl Config {
    /// The session timings this configuration asks for.
    pub fn session_policy(&self) -> SessionPolicy {
        let idle = self
            .session_idle_timeout
            .unwrap_or(self.jwt_refresh_token_lifetime);
        SessionPolicy {
            idle_timeout: idle.as_secs() as i64,
            reuse_grace: self.refresh_reuse_grace.as_secs() as i64,
            access_window: self.jwt_access_token_lifetime.as_secs() as i64 + LEEWAY_SECS as i64,
        }
    }

    /// The password policy this configuration asks for.
    pub fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy {
            min_chars: usize::from(self.password_min_length),
        }
    }
}

impl Config {
    /// The mail settings, checked: production needs a public URL and a relay (or the log
    /// chosen explicitly).
    pub fn mail_settings(&self) -> Result<MailSettings, MailConfigError> {
        let production = self.app_env == AppEnv::Production;
        let public_url = match self.public_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => email::public_url(url)?,
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

/// Percent-encodes a URL user-info or path part (RFC 3986 §2.1): passwords may hold `@`, `:`
/// or `/`.
fn encode(part: &str) -> String {
    part.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// `JWT_ALGORITHM`; empty (as `.env.example` may leave it) is the default, HS256.
fn parse_algorithm(value: &str) -> Result<SigningAlgorithm, String> {
    match value.trim() {
        "" => Ok(SigningAlgorithm::Hs256),
        name => SigningAlgorithm::parse(name),
    }
}

fn parse_secret(value: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(value.trim().to_owned()))
}
