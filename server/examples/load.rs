//! A load driver for Gatehouse's benchmarks (`scripts/bench.sh`): signs up `--users`
//! accounts, then drives one scenario from that many concurrent workers for `--seconds` and
//! prints one JSON line of results. Rotation is stateful (each answer carries the next
//! token), which stock load tools cannot express, hence this driver.

use std::time::{Duration, Instant};

use app::api::{AuthResponse, TokenPair};
use clap::{Parser, ValueEnum};
use serde_json::json;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Scenario {
    /// Each worker rotates its own session's refresh token, again and again.
    Refresh,
    /// Each worker reads GET /api/user/ with its access token.
    Me,
}

/// Drives one scenario against a running server.
#[derive(Debug, Parser)]
struct Args {
    /// The server, e.g. http://127.0.0.1:3300.
    #[arg(long)]
    base: String,
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// Concurrent workers, each with an account and a session of its own.
    #[arg(long, default_value_t = 32)]
    users: usize,
    /// How long to drive the load.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// A label for the output (e.g. the backend).
    #[arg(long, default_value = "")]
    label: String,
}

struct Outcome {
    latencies: Vec<Duration>,
    errors: u64,
}

async fn sign_up(client: &reqwest::Client, base: &str, n: usize) -> anyhow::Result<TokenPair> {
    let email = format!("load-{n}-{}@example.com", uuid::Uuid::new_v4().simple());
    let body = json!({
        "email": email, "username": email.replace('@', "."),
        "password": "load test password", "password2": "load test password",
    });
    let response = client
        .post(format!("{base}/api/register/"))
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(
        response.status() == 201,
        "sign-up failed: {}",
        response.status()
    );
    Ok(response.json::<AuthResponse>().await?.tokens)
}

async fn work(
    client: reqwest::Client,
    base: String,
    scenario: Scenario,
    mut tokens: TokenPair,
    until: Instant,
) -> Outcome {
    let mut outcome = Outcome {
        latencies: Vec::with_capacity(100_000),
        errors: 0,
    };
    while Instant::now() < until {
        let started = Instant::now();
        let ok = match scenario {
            Scenario::Refresh => {
                let sent = client
                    .post(format!("{base}/api/token/refresh/"))
                    .json(&json!({ "refresh": tokens.refresh }))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == 200 => {
                        match response.json::<TokenPair>().await {
                            Ok(next) => {
                                tokens = next;
                                true
                            }
                            Err(_) => false,
                        }
                    }
                    _ => false,
                }
            }
            Scenario::Me => {
                let sent = client
                    .get(format!("{base}/api/user/"))
                    .bearer_auth(&tokens.access)
                    .send()
                    .await;
                match sent {
                    Ok(response) => response.status() == 200 && response.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        };
        if ok {
            outcome.latencies.push(started.elapsed());
        } else {
            outcome.errors += 1;
        }
    }
    outcome
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(args.users)
        .build()?;
    let mut sessions = Vec::with_capacity(args.users);
    for n in 0..args.users {
        sessions.push(sign_up(&client, &args.base, n).await?);
    }
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let workers: Vec<_> = sessions
        .into_iter()
        .map(|tokens| {
            tokio::spawn(work(
                client.clone(),
                args.base.clone(),
                args.scenario,
                tokens,
                until,
            ))
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let outcome = worker.await?;
        latencies.extend(outcome.latencies);
        errors += outcome.errors;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let result = json!({
        "scenario": format!("{:?}", args.scenario).to_lowercase(),
        "label": args.label,
        "workers": args.users,
        "requests": latencies.len(),
        "errors": errors,
        "per_second": (latencies.len() as f64 / elapsed).round(),
        "p50_ms": (percentile(&latencies, 0.50) * 100.0).round() / 100.0,
        "p99_ms": (percentile(&latencies, 0.99) * 100.0).round() / 100.0,
    });
    println!("{result}");
    Ok(())
}
