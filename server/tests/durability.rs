//! The audit trail survives a crash: a server killed with SIGKILL in the middle of a refresh
//! load (16 clients, each rotating its own session), then restarted on the same database, has
//! an `auth_events` row for every rotation a client was told about, and every session still
//! refreshes. Three kills in a row, on SQLite and on PostgreSQL (a database of the test's own
//! on 127.0.0.1:5432, dropped after it). The server is the real binary, so the kill is real.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the finding"
)]

#[allow(dead_code)] // the API suite's harness; this binary uses its databases
#[path = "api/helpers.rs"]
mod helpers;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use helpers::{PASSWORD, TestDatabase, postgres_server_url, sid};
use serde_json::{Value, json};

const CLIENTS: usize = 16;
const ROUNDS: usize = 3;
/// How long the load runs before the kill.
const LOAD_FOR: Duration = Duration::from_millis(1500);

/// The server binary on `database_url`, listening on `port`.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(database_url: &str, port: u16, dir: &Path) -> Self {
        let log = std::fs::File::create(dir.join(format!("server-{}.log", uuid::Uuid::new_v4())))
            .expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(dir)
            .env("DATABASE_URL", database_url)
            .env("JWT_SECRET_KEY", "durability-test-secret-".repeat(3))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RATE_LIMIT_ENABLED", "false")
            .env("REFRESH_REUSE_GRACE", "60s")
            .env("RUST_LOG", "warn")
            .env_remove("APP_ENV")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the server binary starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while client.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { child, base }
    }

    /// SIGKILL: no shutdown, no flush.
    fn kill(self) {
        drop(self);
    }
}

/// A server is killed when dropped, so a failing test leaves none behind.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One client's session: its latest refresh token and how many rotations it was answered.
#[derive(Clone)]
struct Session {
    id: String,
    refresh: String,
    answered: u64,
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> reqwest::Result<Value> {
    let response = client.post(url).json(&body).send().await?;
    assert!(
        response.status().is_success(),
        "{} answered {}",
        response.url(),
        response.status()
    );
    response.json().await
}

/// One user with `CLIENTS` sessions.
async fn sign_in_clients(server: &Server) -> Vec<Session> {
    let client = reqwest::Client::new();
    let email = "durable@example.com";
    post(
        &client,
        format!("{}/api/register/", server.base),
        json!({ "email": email, "username": "durable", "password": PASSWORD, "password2": PASSWORD }),
    )
    .await
    .unwrap();
    let mut sessions = Vec::new();
    for _ in 0..CLIENTS {
        let pair = post(
            &client,
            format!("{}/api/token/", server.base),
            json!({ "email": email, "password": PASSWORD }),
        )
        .await
        .unwrap();
        let refresh = pair["refresh"].as_str().unwrap().to_owned();
        sessions.push(Session {
            id: sid(&refresh),
            refresh,
            answered: 0,
        });
    }
    sessions
}

/// Every client rotates its session as fast as it can until the server is killed after
/// `LOAD_FOR`; returns the sessions with what each client was answered.
async fn refresh_until_killed(server: Server, sessions: Vec<Session>) -> Vec<Session> {
    let shared: Vec<_> = sessions
        .into_iter()
        .map(|session| Arc::new(Mutex::new(session)))
        .collect();
    let mut clients = Vec::new();
    for session in &shared {
        let session = session.clone();
        let url = format!("{}/api/token/refresh/", server.base);
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            loop {
                let refresh = session.lock().unwrap().refresh.clone();
                let Ok(response) = client
                    .post(&url)
                    .json(&json!({ "refresh": refresh }))
                    .send()
                    .await
                else {
                    return; // the server is gone
                };
                assert_eq!(response.status(), 200, "a refresh under load failed");
                // An answer cut off by the kill was never received: not counted.
                let Ok(pair) = response.json::<Value>().await else {
                    return;
                };
                let mut session = session.lock().unwrap();
                session.refresh = pair["refresh"].as_str().unwrap().to_owned();
                session.answered += 1;
            }
        }));
    }
    tokio::time::sleep(LOAD_FOR).await;
    server.kill();
    for client in clients {
        client.await.expect("a load client panicked");
    }
    shared
        .iter()
        .map(|session| session.lock().unwrap().clone())
        .collect()
}

/// Successful refreshes recorded per session.
async fn recorded_refreshes(database_url: &str) -> HashMap<String, i64> {
    const QUERY: &str = "SELECT session_id, COUNT(*) FROM auth_events \
         WHERE kind = 'refresh' AND outcome = 'success' GROUP BY session_id";
    let rows: Vec<(String, i64)> = if database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(database_url).await.unwrap();
        let rows = sqlx::query_as(QUERY).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(database_url).await.unwrap();
        let rows = sqlx::query_as(QUERY).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    };
    rows.into_iter().collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Kills a loaded server `ROUNDS` times on `database_url` and checks the trail each time.
async fn survives_kills(database_url: &str, dir: &Path) {
    let port = free_port();
    let mut server = Server::start(database_url, port, dir).await;
    let mut sessions = sign_in_clients(&server).await;
    let mut total_answered = 0;
    for round in 1..=ROUNDS {
        sessions = refresh_until_killed(server, sessions).await;
        server = Server::start(database_url, port, dir).await;
        let recorded = recorded_refreshes(database_url).await;
        for session in &sessions {
            let rows = recorded.get(&session.id).copied().unwrap_or(0);
            assert!(
                rows >= session.answered as i64,
                "round {round}: session {} was answered {} rotations but has {rows} rows",
                session.id,
                session.answered
            );
        }
        // Every session still refreshes with the last token its client received (a rotation
        // committed but not answered leaves the client one behind: the grace covers it).
        let client = reqwest::Client::new();
        for session in &mut sessions {
            let pair = post(
                &client,
                format!("{}/api/token/refresh/", server.base),
                json!({ "refresh": session.refresh }),
            )
            .await
            .unwrap();
            session.refresh = pair["refresh"].as_str().unwrap().to_owned();
            session.answered += 1;
        }
        total_answered += sessions.iter().map(|s| s.answered).sum::<u64>();
    }
    server.kill();
    assert!(
        total_answered > (CLIENTS * ROUNDS) as u64,
        "the load should have rotated more than once per session"
    );
}

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path =
            std::env::temp_dir().join(format!("gatehouse-durability-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_under_load_on_sqlite_every_answered_rotation_has_its_row() {
    let dir = TempDir::new();
    let url = format!("sqlite://{}", dir.0.join("durable.sqlite3").display());
    survives_kills(&url, &dir.0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_under_load_on_postgres_every_answered_rotation_has_its_row() {
    let dir = TempDir::new();
    let database = TestDatabase::postgres(postgres_server_url()).await;
    survives_kills(&database.url, &dir.0).await;
}
