//! The `server` binary: reads `.env` and the command line, then serves or runs a subcommand.

use std::process::ExitCode;

use clap::Parser;
use gatehouse::cli::Cli;
use gatehouse::config::LogFormat;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    gatehouse::allocator::tune();
    // A missing .env is normal (production sets real environment variables).
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    init_logging(cli.config.log_format);
    match cli.run().await {
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
