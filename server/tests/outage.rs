//! A PostgreSQL outage: requests that need the database answer 503 with `Retry-After` within
//! 5 s (never 500, never a hang), access tokens still verify from memory, and the server
//! recovers by itself; at start it waits for the database. The test runs a private PostgreSQL
//! (initdb + pg_ctl on a free port) so stopping it touches nothing else.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test and benchmark code: a failure is the finding"
)]

#[allow(dead_code)] // the API suite's harness; this binary uses part of it
#[path = "api/helpers.rs"]
mod helpers;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use helpers::{PASSWORD, TestApp, answer, spawn_app_with};
use reqwest::StatusCode;
use serde_json::json;

/// A PostgreSQL cluster of this test's own, in a temporary directory, on a free port.
struct PrivatePostgres {
    dir: PathBuf,
    port: u16,
}

/// Runs a PostgreSQL tool as the `postgres` user when we are root (PostgreSQL refuses root).
fn postgres_tool(program: &str, args: &[&str]) {
    let mut command = if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", program]);
        command
    } else {
        Command::new(program)
    };
    let output = command
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("could not run {program}: {error}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether this process runs as root (`id -u` prints 0).
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

impl PrivatePostgres {
    fn create() -> Self {
        let dir =
            std::env::temp_dir().join(format!("gatehouse-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a directory for the private cluster");
        if running_as_root() {
            let chown = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status();
            assert!(
                chown.is_ok_and(|status| status.success()),
                "could not hand the directory to postgres"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let data = dir.to_str().expect("a UTF-8 temp path");
        postgres_tool(
            "initdb",
            &[
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let cluster = Self { dir, port };
        cluster.start();
        cluster
    }

    fn start(&self) {
        let data = self.dir.to_str().expect("a UTF-8 temp path");
        let options = format!(
            "-p {} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port
        );
        let log = self.dir.join("server.log");
        postgres_tool(
            "pg_ctl",
            &[
                "-D",
                data,
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
    }

    /// Stops at once, as a crash or a network cut would.
    fn stop(&self) {
        postgres_tool(
            "pg_ctl",
            &[
                "-D",
                self.dir.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--", "pg_ctl", "-D"])
            .arg(&self.dir)
            .args(["-m", "immediate", "stop"])
            .output();
        let _ = Command::new("pg_ctl")
            .arg("-D")
            .arg(&self.dir)
            .args(["-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn app_on(cluster: &PrivatePostgres) -> TestApp {
    let url = cluster.url();
    spawn_app_with(|config| {
        config.database_url = Some(url);
        config.database_acquire_timeout = Duration::from_secs(3);
    })
    .await
}

/// Sends `request` and checks the answer is the documented 503, within 5 s.
async fn assert_unavailable_soon(
    what: &str,
    request: impl std::future::Future<Output = reqwest::Response>,
) {
    let started = Instant::now();
    let response = request.await;
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(5),
        "{what} took {elapsed:?} during the outage"
    );
    let body = answer(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(
        body.body["code"], "service_unavailable",
        "{what}: {:?}",
        body.body
    );
    assert!(body.body["detail"].is_string(), "{what}: {:?}", body.body);
    assert!(
        body.header("retry-after").parse::<u32>().is_ok(),
        "{what}: no Retry-After"
    );
}

#[tokio::test]
async fn an_outage_answers_503_keeps_verifying_access_tokens_and_recovers_by_itself() {
    let cluster = PrivatePostgres::create();
    let app = app_on(&cluster).await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    cluster.stop();

    assert_unavailable_soon("sign-in", app.login("ada@example.com", PASSWORD)).await;
    assert_unavailable_soon("refresh", app.refresh(&tokens.refresh)).await;
    assert_unavailable_soon("the profile", app.get_user(&tokens.access)).await;
    assert_unavailable_soon("the readiness probe", app.get("/readyz")).await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    // Checking an access token needs no database.
    let verified = app
        .post_json("/api/token/verify/", &json!({ "token": tokens.access }))
        .await;
    assert_eq!(verified.status(), StatusCode::OK);

    cluster.start();

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let response = app.login("ada@example.com", PASSWORD).await;
        if response.status() == StatusCode::OK {
            break;
        }
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "only 503 while recovering"
        );
        assert!(
            Instant::now() < deadline,
            "the server did not recover after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    answer(app.refresh(&tokens.refresh).await, StatusCode::OK).await;
    answer(app.get("/readyz").await, StatusCode::OK).await;
}

#[tokio::test]
async fn at_start_the_server_waits_for_the_database() {
    let cluster = PrivatePostgres::create();
    cluster.stop();

    let url = cluster.url();
    let starting = tokio::spawn(async move {
        spawn_app_with(|config| {
            config.database_url = Some(url);
            config.database_startup_timeout = Duration::from_secs(30);
        })
        .await
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !starting.is_finished(),
        "the server started without its database"
    );

    cluster.start();
    let app = tokio::time::timeout(Duration::from_secs(20), starting)
        .await
        .expect("the server should start once the database is up")
        .expect("the start-up task");
    answer(
        app.register("ada@example.com", PASSWORD).await,
        StatusCode::CREATED,
    )
    .await;
}
