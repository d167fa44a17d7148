//! Configuration from the environment (12-factor) and flags; the `///` docs below are `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::lifetime;

/// Which rules apply: production refuses weak secrets and development conveniences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AppEnv {
    #[value(alias = "dev")]
    Development,
    #[value(alias = "prod")]
    Production,
}

/// Everything the server reads at start. Each option is also an environment variable; a `.env`
/// file in the working directory is read first if present.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database URL. The default is an SQLite file created on first start.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://gatehouse.sqlite3"
    )]
    pub database_url: String,

    /// HMAC secret that signs tokens (HS256), used as the string's bytes exactly as written.
    /// Unset in development: a generated secret is kept in DEV_SECRET_FILE.
    /// Production refuses a missing, short (< 32 bytes), placeholder or published value.
    #[arg(long, env = "JWT_SECRET_KEY", hide_env_values = true, value_parser = parse_secret)]
    pub jwt_secret_key: Option<SecretString>,

    /// Alias of JWT_SECRET_KEY, as some services name it.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, value_parser = parse_secret)]
    pub jwt_secret: Option<SecretString>,

    /// Earlier secrets (comma-separated) whose tokens still verify during a key rotation;
    /// new tokens are always signed with JWT_SECRET_KEY.
    #[arg(long, env = "JWT_PREVIOUS_SECRET_KEYS", hide_env_values = true, value_delimiter = ',', value_parser = parse_secret)]
    pub jwt_previous_secret_keys: Vec<SecretString>,

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

    /// Address and port the server listens on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,

    /// Where development keeps its generated secret (git-ignored). Never used in production.
    #[arg(long, env = "DEV_SECRET_FILE", default_value = ".gatehouse-dev-secret")]
    pub dev_secret_file: PathBuf,
}

fn parse_secret(value: &str) -> Result<SecretString, String> {
    Ok(SecretString::from(value.trim().to_owned()))
}
