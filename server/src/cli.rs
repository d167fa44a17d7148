//! The command line: `server` serves; subcommands run one-off operations.

use anyhow::Context;
use clap::{Parser, Subcommand};
use secrecy::ExposeSecret;

use crate::auth::domain::Email;
use crate::auth::keys::{PrivateKey, SigningAlgorithm};
use crate::auth::{admin, revoke};
use crate::clock;
use crate::config::{Config, secret};
use crate::startup::Application;
use crate::store::{Store, StoredEvent, UserSearch};
use crate::telemetry::Audit;

/// Gatehouse: JWT authentication server (axum + Leptos). Serves the API and the web UI.
#[derive(Debug, Parser)]
#[command(name = "server", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the API and the web UI (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Print a fresh JWT secret as a .env line.
    GenerateSecret,
    /// Print a new private signing key as PKCS#8 PEM, for JWT_PRIVATE_KEY_FILE (or
    /// JWT_PRIVATE_KEY); `openssl pkey -pubout` gives its public key for a later rotation.
    GenerateKey {
        /// EdDSA (Ed25519), ES256 (P-256) or RS256 (RSA, 2048 bits).
        #[arg(long, value_parser = SigningAlgorithm::parse)]
        algorithm: SigningAlgorithm,
    },
    /// Emergency: revoke every session; every user must sign in again. Running servers refuse
    /// the sessions' access tokens within a second.
    RevokeAll,
    /// Delete expired and idle sessions now (the server also does it every 10 minutes).
    FlushExpired,
    /// Manage staff (who may use the Admin pages and /api/admin/) and list users.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Print a user's recent audit events (sign-ins, refreshes, revocations, ...), newest first.
    Audit {
        /// The user's email address.
        #[arg(long)]
        user: String,
        /// How many events to print.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum UsersCommand {
    /// Make the user with this email staff (audited).
    GrantStaff { email: String },
    /// Take staff status from the user with this email (audited).
    RevokeStaff { email: String },
    /// Print users, oldest first: id, email, username, active, staff.
    List {
        /// Only users whose email or username starts with this.
        #[arg(long)]
        search: Option<String>,
        /// How many to print.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

impl Cli {
    /// Runs the command given (serving by default) to its end.
    pub async fn run(self) -> anyhow::Result<()> {
        let config = self.config;
        match self.command.unwrap_or(Command::Serve) {
            Command::GenerateSecret => {
                println!("JWT_SECRET_KEY={}", secret::generate());
                Ok(())
            }
            Command::GenerateKey { algorithm } => {
                let key = PrivateKey::generate(algorithm)?;
                print!("{}", key.to_pem().expose_secret());
                Ok(())
            }
            Command::Migrate => Store::connect(&config.store_options()).await.map(|_| {
                tracing::info!("migrations applied");
            }),
            Command::RevokeAll => revoke_all(&config).await,
            Command::FlushExpired => flush_expired(&config).await,
            Command::Audit { user, limit } => audit(&config, &user, limit).await,
            Command::Users { command } => users(&config, command).await,
            Command::Serve => Ok(Application::build(config)
                .await?
                .run_until_stopped()
                .await?),
        }
    }
}

async fn revoke_all(config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let audit = Audit::spawn(store.clone(), Default::default());
    let revoked = revoke::revoke_all(&store, &audit).await?;
    println!("Revoked {revoked} sessions. Every user must sign in again.");
    Ok(())
}

async fn flush_expired(config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let deleted = revoke::flush_expired(&store, &config.session_policy()).await?;
    println!("Deleted {deleted} expired sessions.");
    Ok(())
}

/// `server users ...`: staff status by email, and the list of users.
async fn users(config: &Config, command: UsersCommand) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let (email, staff) = match command {
        UsersCommand::GrantStaff { email } => (email, true),
        UsersCommand::RevokeStaff { email } => (email, false),
        UsersCommand::List { search, limit } => {
            let search = UserSearch {
                prefix: search.as_deref(),
                offset: 0,
                limit: i64::from(limit),
            };
            let (count, users) = store.search_users(search).await?;
            println!("{count} users; id, email, username, active, staff:");
            for user in users {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    user.id, user.email, user.username, user.is_active, user.is_staff
                );
            }
            return Ok(());
        }
    };
    let email = Email::parse(&email).map_err(|message| anyhow::anyhow!(message))?;
    let audit = Audit::spawn(store.clone(), Default::default());
    let user = admin::set_staff_by_email(&store, &audit, email.as_str(), staff)
        .await?
        .with_context(|| format!("no user with the email {}", email.as_str()))?;
    let now = if user.is_staff {
        "is now"
    } else {
        "is no longer"
    };
    println!("{} (user {}) {now} staff.", user.email, user.id);
    Ok(())
}

/// `server audit --user EMAIL`: one line per event, newest first.
async fn audit(config: &Config, email: &str, limit: u32) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let email = Email::parse(email).map_err(|message| anyhow::anyhow!(message))?;
    let user = store
        .user_by_email(email.as_str())
        .await?
        .with_context(|| format!("no user with the email {}", email.as_str()))?;
    let events = store.events_of_user(user.id, i64::from(limit)).await?;
    println!(
        "{} events of {} (user {}), newest first:",
        events.len(),
        user.email,
        user.id
    );
    for StoredEvent { event, .. } in events {
        println!(
            "{}  {:<16} {:<7}  session={}  ip={}  {}",
            clock::rfc3339(event.at),
            event.kind,
            event.outcome,
            event.session_id.as_deref().unwrap_or("-"),
            if event.ip.is_empty() { "-" } else { &event.ip },
            event.detail
        );
    }
    Ok(())
}
