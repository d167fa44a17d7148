//! The command line: `server` serves; subcommands run one-off operations.

use clap::{Parser, Subcommand};

use crate::config::Config;

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
    /// Emergency: revoke every session; every user must sign in again. Running servers refuse
    /// the sessions' access tokens within a second.
    RevokeAll,
    /// Delete expired and idle sessions now (the server also does it every 10 minutes).
    FlushExpired,
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
