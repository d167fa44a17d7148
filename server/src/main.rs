//! The `server` binary: reads `.env` and the command line, then serves or runs a subcommand.

use std::process::ExitCode;

use clap::Parser;
use gatehouse::cli::{Cli, Command};
use gatehouse::config::Config;
use gatehouse::startup::Application;
use gatehouse::state::SessionPolicy;
use gatehouse::store::{NewEvent, Store};
use gatehouse::{clock, upkeep};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    gatehouse::password::return_hash_memory_to_os();
    // A missing .env is normal (production sets real environment variables).
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::GenerateSecret => {
            println!("JWT_SECRET_KEY={}", gatehouse::secret::generate());
            Ok(())
        }
        Command::Migrate => Store::connect(&cli.config.store_options()).await.map(|_| {
            tracing::info!("migrations applied");
        }),
        Command::RevokeAll => revoke_all(&cli.config).await,
        Command::FlushExpired => flush_expired(&cli.config).await,
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

async fn revoke_all(config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let now = clock::now();
    let revoked = store.revoke_every_session("revoke_all", now).await?;
    let detail = format!("{revoked} sessions");
    let event = NewEvent {
        at: now,
        kind: "revoke_all",
        user_id: None,
        session_id: None,
        ip: "",
        detail: &detail,
    };
    store.record_event(event).await?;
    println!("Revoked {revoked} sessions. Every user must sign in again.");
    Ok(())
}

async fn flush_expired(config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.store_options()).await?;
    let deleted = upkeep::flush_expired(&store, &SessionPolicy::from_config(config)).await?;
    println!("Deleted {deleted} expired sessions.");
    Ok(())
}
