//! The `server` binary: reads `.env` and the command line, then serves or runs a subcommand.

use std::process::ExitCode;

use clap::Parser;
use gatehouse::cli::{Cli, Command};
use gatehouse::startup::Application;
use gatehouse::store::Store;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
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
        Command::Migrate => Store::connect(&cli.config.database_url).await.map(|_| {
            tracing::info!("migrations applied");
        }),
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
