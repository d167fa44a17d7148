//! The `server` binary's maintenance subcommands run against a live server's database:
//! `revoke-all` reaches the running server within its one-second sync, `flush-expired` deletes
//! only dead sessions.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use app::api::TokenPair;
use gatehouse::Verification;
use reqwest::StatusCode;

use crate::helpers::{
    PASSWORD, TestApp, answer, assert_unauthorized, claim_i64, sid, sleep_until_unix, spawn_app,
    spawn_app_with,
};

/// How long a subcommand may run before it is killed and the test fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// The running server learns of revocations made by another process within this.
const SYNC_DEADLINE: Duration = Duration::from_secs(3);

/// A working directory for the child, removed on drop, so no `.env` or development secret
/// from the repository is used.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("gatehouse-cmd-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("could not create a scratch directory");
        Self(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `server <subcommand>` and asserts it succeeded and printed `expected` (the count).
async fn run_server_ok(subcommand: &str, database_url: &str, expected: &str) {
    let finished = run_server(subcommand, database_url).await;
    assert!(
        finished.success,
        "{subcommand} failed:\n{}\n{}",
        finished.stdout, finished.stderr
    );
    assert!(
        finished.stdout.contains(expected),
        "stdout does not give the count:\n{}",
        finished.stdout
    );
}

/// Runs `server <subcommand>` on `database_url` in development, with no other server variable
/// from the test's environment. Polls without blocking, so the test's server keeps serving.
async fn run_server(subcommand: &str, database_url: &str) -> Finished {
    let dir = ScratchDir::new();
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.current_dir(&dir.0).stdin(Stdio::null());
    for (variable, _) in std::env::vars_os() {
        let name = variable.to_string_lossy();
        if name.starts_with("JWT_")
            || name.starts_with("LEPTOS_")
            || [
                "DATABASE_URL",
                "APP_ENV",
                "CORS_ALLOWED_ORIGINS",
                "DEV_SECRET_FILE",
                "SESSION_IDLE_TIMEOUT",
                "REFRESH_REUSE_GRACE",
                "RUST_LOG",
            ]
            .contains(&name.as_ref())
        {
            command.env_remove(&variable);
        }
    }
    let mut child = command
        .args(subcommand.split_whitespace())
        .env("DATABASE_URL", database_url)
        .env("APP_ENV", "development")
        .env("DEV_SECRET_FILE", dir.0.join("dev-secret"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary should start");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on the child") {
            break status;
        }
        if started.elapsed() > COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`server {subcommand}` did not exit within {COMMAND_TIMEOUT:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // The outputs are a few lines, well within a pipe's buffer, so reading after exit is safe.
    let (mut stdout, mut stderr) = (String::new(), String::new());
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("stderr");
    }
    Finished {
        success: status.success(),
        stdout,
        stderr,
    }
}

/// Polls until every access token of `sessions` answers 401 `session_revoked`, or the deadline.
async fn wait_until_access_is_refused(app: &TestApp, sessions: &[&TokenPair]) -> bool {
    let deadline = Instant::now() + SYNC_DEADLINE;
    loop {
        let mut all_refused = true;
        for session in sessions {
            let response = app.get_user(&session.access).await;
            let status = response.status();
            let body: serde_json::Value = response.json().await.expect("a JSON body");
            all_refused &= status == StatusCode::UNAUTHORIZED && body["code"] == "session_revoked";
        }
        if all_refused {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn revoke_all_ends_every_session_and_the_running_server_follows_within_seconds() {
    let app = spawn_app().await;
    let first = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let second = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let bob = app.register_ok("bob@example.com", PASSWORD).await.tokens;
    for session in [&first, &second, &bob] {
        answer(app.get_user(&session.access).await, StatusCode::OK).await;
    }

    run_server_ok("revoke-all", &app.database_url, "Revoked 3 sessions").await;
    // Refresh tokens are checked against the database: refused at once.
    for session in [&first, &second, &bob] {
        assert_unauthorized(app.refresh(&session.refresh).await, "session_revoked").await;
    }
    // Access tokens are checked in memory: refused once the server has synced.
    assert!(
        wait_until_access_is_refused(&app, &[&first, &second, &bob]).await,
        "the running server still accepts revoked access tokens after {SYNC_DEADLINE:?}"
    );
    let events: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, detail FROM auth_events WHERE kind = 'revoke_all'")
            .fetch_all(&app.database().await)
            .await
            .expect("auth_events is readable");
    assert_eq!(events, [("revoke_all".to_owned(), "3 sessions".to_owned())]);
    // Signing in again starts a session that works.
    let fresh = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    app.assert_session_works(&fresh).await;
}

#[tokio::test]
async fn flush_expired_deletes_only_sessions_past_their_end() {
    let long_lived = spawn_app().await;
    let live = long_lived
        .register_ok("ada@example.com", PASSWORD)
        .await
        .tokens;
    let short_lived = spawn_app_with(|config| {
        config.database_url = Some(long_lived.database_url.clone());
        config.jwt_refresh_token_lifetime = Duration::from_secs(1);
        config.jwt_access_token_lifetime = Duration::from_secs(1);
        // Its idle timeout would default to the 1 s lifetime, and its flush job (which runs at
        // start) would then delete the long-lived instance's session if this start took over a
        // second (seen on a loaded machine): only the command under test may delete here.
        config.session_idle_timeout = Some(Duration::from_secs(3600));
    })
    .await;
    let expired = short_lived
        .login_ok("ada@example.com", PASSWORD)
        .await
        .tokens;
    sleep_until_unix(claim_i64(&expired.refresh, "exp")).await;

    run_server_ok(
        "flush-expired",
        &long_lived.database_url,
        "Deleted 1 expired sessions",
    )
    .await;
    let remaining: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions")
        .fetch_all(&long_lived.database().await)
        .await
        .expect("sessions is readable");
    assert_eq!(remaining, [sid(&live.refresh)]);
    long_lived.assert_session_works(&live).await;
}

#[tokio::test]
async fn audit_prints_a_users_recent_events_newest_first() {
    // No verification mail: its events (queued, then sent whenever the sender gets to it)
    // would interleave with the ones this test orders.
    let app = spawn_app_with(|config| config.email_verification = Verification::None).await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    app.login("ada@example.com", "wrong password").await;
    app.refresh_ok(&tokens.refresh).await;
    app.audit_trail_until(|rows| rows.len() >= 3).await;

    let finished = run_server("audit --user ADA@example.com", &app.database_url).await;

    assert!(finished.success, "{}\n{}", finished.stdout, finished.stderr);
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert!(
        lines[0].starts_with("3 events of ada@example.com"),
        "{}",
        finished.stdout
    );
    assert!(
        lines[1].contains("refresh") && lines[1].contains("success"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("login") && lines[2].contains("failure"),
        "{}",
        lines[2]
    );
    assert!(lines[2].contains("ip=127.0.0.1") && lines[2].contains("wrong password"));
    assert!(lines[3].contains("register"), "{}", lines[3]);

    let unknown = run_server("audit --user nobody@example.com", &app.database_url).await;
    assert!(!unknown.success);
    assert!(
        unknown
            .stderr
            .contains("no user with the email nobody@example.com"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn users_commands_grant_and_revoke_staff_and_list_users() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await;
    let admin = |access: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/admin/users/"))
                .bearer_auth(access)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        admin(ada.tokens.access.clone()).await,
        StatusCode::FORBIDDEN
    );

    run_server_ok(
        "users grant-staff ADA@example.com",
        &app.database_url,
        "is now staff",
    )
    .await;
    // The same token: staff status is read from the database on each request.
    assert_eq!(admin(ada.tokens.access.clone()).await, StatusCode::OK);
    run_server_ok("users list", &app.database_url, "1 users").await;
    let listed = run_server("users list --search ada", &app.database_url).await;
    assert!(
        listed.stdout.contains("ada@example.com\tada\ttrue\ttrue"),
        "{}",
        listed.stdout
    );

    run_server_ok(
        "users revoke-staff ada@example.com",
        &app.database_url,
        "is no longer staff",
    )
    .await;
    assert_eq!(
        admin(ada.tokens.access.clone()).await,
        StatusCode::FORBIDDEN
    );
    let trail = app
        .audit_trail_until(|rows| {
            rows.iter()
                .filter(|row| row.0.starts_with("staff_"))
                .count()
                == 2
        })
        .await;
    assert!(
        trail
            .iter()
            .any(|row| row.0 == "staff_granted" && row.5 == "command line")
    );

    let unknown = run_server("users grant-staff nobody@example.com", &app.database_url).await;
    assert!(!unknown.success);
    assert!(
        unknown
            .stderr
            .contains("no user with the email nobody@example.com")
    );
}
