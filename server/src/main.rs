//! The `server` binary: reads `.env` and the command line, then serves or runs a subcommand.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use gatehouse::audit::{EventKind, Outcome};
use gatehouse::cli::{Cli, Command};
use gatehouse::config::{Config, LogFormat};
use gatehouse::startup::Application;
use gatehouse::state::SessionPolicy;
use gatehouse::store::{EventRow, Store};
use gatehouse::{clock, domain, upkeep};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    gatehouse::allocator::tune();
    // A missing .env is normal (production sets real environment variables).
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    init_logging(cli.config.log_format);
    let outcome = match cli.command.clone().unwrap_or(Command::Serve) {
        Command::GenerateSecret => {
            println!("JWT_SECRET_KEY={}", gatehouse::secret::generate());
            Ok(())
        }
        Command::Migrate => Store::connect(&cli.config.store_options()).await.map(|_| {
            tracing::info!("migrations applied");
        }),
        Command::RevokeAll => revoke_all(&cli.config).await,
        Command::FlushExpired => flush_expired(&cli.config).await,
        Command::Audit { user, limit } => audit(&cli.config, &user, limit).await,
        Command::Serve => match Application::build(cli.config).await {
            Ok(application) => application.run_until_stopped().await.map_err(Into::into),
            Err(error) => Err(error),
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Text lines for people, or one JSON object per line for log shippers; `RUST_LOG` filters.
fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

async fn revoke_all(config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let now = clock::now();
    let revoked = store
        .revoke_every_session(EventKind::RevokeAll.as_str(), now)
        .await?;
    let event = EventRow {
        at: now,
        kind: EventKind::RevokeAll.as_str().to_owned(),
        outcome: Outcome::Success.as_str().to_owned(),
        user_id: None,
        session_id: None,
        ip: String::new(),
        detail: format!("{revoked} sessions"),
    };
    tracing::info!(target: "gatehouse::audit", kind = "revoke_all", outcome = "success", detail = %event.detail, "auth event");
    store.record_events(&[event]).await?;
    println!("Revoked {revoked} sessions. Every user must sign in again.");
    Ok(())
}

async fn flush_expired(config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let deleted = upkeep::flush_expired(&store, &SessionPolicy::from_config(config)).await?;
    println!("Deleted {deleted} expired sessions.");
    Ok(())
}

/// `server audit --user EMAIL`: one line per event, newest first.
async fn audit(config: &Config, email: &str, limit: u32) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let email = domain::Email::parse(email).map_err(|message| anyhow::anyhow!(message))?;
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
    for event in events {
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
