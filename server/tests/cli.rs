//! The `server` binary: `generate-secret`, `generate-key`, `--help`, and production refusing
//! weak secrets (current, alias and previous keys) and missing, weak or published signing keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test and benchmark code: a failure is the finding"
)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a child may run before it is killed and the test fails.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Variables the server reads, removed so the test's own environment cannot leak in.
const SERVER_VARIABLES: &[&str] = &[
    "DATABASE_URL",
    "JWT_SECRET_KEY",
    "JWT_SECRET",
    "JWT_PREVIOUS_SECRET_KEYS",
    "JWT_ALGORITHM",
    "JWT_PRIVATE_KEY",
    "JWT_PRIVATE_KEY_FILE",
    "JWT_PREVIOUS_PUBLIC_KEYS_FILE",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_ACCESS_TOKEN_LIFETIME",
    "JWT_REFRESH_TOKEN_LIFETIME",
    "SESSION_IDLE_TIMEOUT",
    "REFRESH_REUSE_GRACE",
    "APP_ENV",
    "CORS_ALLOWED_ORIGINS",
    "LEPTOS_SITE_ADDR",
    "DEV_SECRET_FILE",
    "DEV_SIGNING_KEY_FILE",
    "RUST_LOG",
    "LOG_FORMAT",
    "RATE_LIMIT_ENABLED",
    "RATE_LIMIT_PER_IP",
    "RATE_LIMIT_PER_ACCOUNT",
    "TRUSTED_PROXIES",
    "PASSWORD_MIN_LENGTH",
    "METRICS_TOKEN",
    "REVOCATION_STREAM_TOKEN",
    "WEBAUTHN_RP_ORIGIN",
    "WEBAUTHN_RP_ID",
    "PUBLIC_URL",
    "SMTP_URL",
    "SMTP_TLS_CA_FILE",
    "EMAIL_FROM",
    "EMAIL_BACKEND",
    "EMAIL_VERIFICATION",
    "PASSWORD_RESET_TIMEOUT",
    "EMAIL_VERIFICATION_TIMEOUT",
    "MFA_TOKEN_LIFETIME",
];

/// A temporary working directory, removed on drop, so no `.env` is read from the repository
/// and no development secret or database lands in it.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("gatehouse-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("could not create a temporary directory");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `server` with a clean environment, run inside `dir`.
fn server(dir: &TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.current_dir(&dir.0).stdin(Stdio::null());
    for variable in SERVER_VARIABLES {
        command.env_remove(variable);
    }
    for (variable, _) in std::env::vars_os() {
        let name = variable.to_string_lossy();
        if name.starts_with("JWT_") || name.starts_with("LEPTOS_") {
            command.env_remove(&variable);
        }
    }
    command
}

/// A production server configuration in `dir`, listening on a free port.
fn production_server(dir: &TempDir) -> Command {
    let mut command = server(dir);
    command
        .env("APP_ENV", "production")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.0.join("cli.sqlite3").display()),
        )
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("PUBLIC_URL", "https://auth.example.com")
        .env("EMAIL_BACKEND", "log");
    command
}

struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
}

fn read_all(stream: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stream) = stream {
            let _ = stream.read_to_string(&mut text);
        }
        text
    })
}

/// Runs `command` to completion, killing it and failing the test after `TIMEOUT`.
fn run(mut command: Command) -> Finished {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary should start");
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on the child") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            kill(&mut child);
            panic!(
                "the server did not exit within {TIMEOUT:?}; stderr: {}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Finished {
        success: status.success(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn generate_secret() -> String {
    let dir = TempDir::new();
    let mut command = server(&dir);
    command.arg("generate-secret");
    let finished = run(command);
    assert!(
        finished.success,
        "generate-secret failed: {}",
        finished.stderr
    );
    finished.stdout
}

#[test]
fn generate_secret_prints_one_env_line_with_a_long_value() {
    let output = generate_secret();

    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got {output:?}");
    let value = lines[0]
        .strip_prefix("JWT_SECRET_KEY=")
        .unwrap_or_else(|| panic!("not a JWT_SECRET_KEY line: {output:?}"));
    assert!(
        value.len() >= 43,
        "the secret is only {} characters",
        value.len()
    );
    assert!(!value.chars().any(char::is_whitespace), "{value:?}");
}

#[test]
fn generate_secret_prints_a_different_secret_each_run() {
    assert_ne!(generate_secret(), generate_secret());
}

#[test]
fn help_lists_every_environment_variable() {
    let dir = TempDir::new();
    let mut command = server(&dir);
    command.arg("--help");

    let finished = run(command);

    assert!(finished.success, "--help failed: {}", finished.stderr);
    // Every variable the server reads but RUST_LOG (tracing's own).
    for variable in SERVER_VARIABLES.iter().filter(|name| **name != "RUST_LOG") {
        assert!(
            finished.stdout.contains(variable),
            "--help does not mention {variable}:\n{}",
            finished.stdout
        );
    }
}

#[test]
fn log_format_json_writes_one_json_object_per_line() {
    let dir = TempDir::new();
    let mut command = server(&dir);
    command
        .arg("migrate")
        .env("DATABASE_URL", "sqlite://cli.sqlite3")
        .env("LOG_FORMAT", "json");

    let finished = run(command);

    assert!(finished.success, "migrate failed: {}", finished.stderr);
    let lines: Vec<serde_json::Value> = finished
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line["message"] == "migrations applied" && line["level"] == "INFO"),
        "{lines:?}"
    );
}

#[test]
fn bad_limits_are_refused_with_the_variable_named() {
    for (variable, value) in [
        ("RATE_LIMIT_PER_IP", "lots"),
        ("TRUSTED_PROXIES", "proxy.internal"),
        ("PASSWORD_MIN_LENGTH", "6"),
    ] {
        let dir = TempDir::new();
        let mut command = server(&dir);
        command.arg("migrate").env(variable, value);

        let finished = run(command);

        assert!(!finished.success, "{variable}={value} was accepted");
        assert!(
            finished.stderr.contains(variable),
            "{variable}: {}",
            finished.stderr
        );
    }
}

#[test]
fn production_refuses_weak_secrets() {
    let weak: [(&str, Option<&str>); 5] = [
        ("unset", None),
        ("empty", Some("")),
        ("short", Some("short")),
        ("placeholder", Some("dev-secret-change-me")),
        (
            "published",
            Some("h&#0mpGPgj^wXdTf$EsR&#Umd=OyNIODywDLm_2J8@_T6A#OcIC-fJ*YJN*Z@*SE"),
        ),
    ];
    for (case, secret) in weak {
        let dir = TempDir::new();
        let mut command = production_server(&dir);
        if let Some(secret) = secret {
            command.env("JWT_SECRET_KEY", secret);
        }

        let finished = run(command);

        assert!(
            !finished.success,
            "{case}: production started with a weak secret"
        );
        assert!(
            finished.stderr.contains("JWT_SECRET_KEY"),
            "{case}: stderr does not name JWT_SECRET_KEY:\n{}",
            finished.stderr
        );
        if let Some(secret) = secret.filter(|secret| secret.len() >= 16) {
            assert!(
                !finished.stderr.contains(secret),
                "{case}: stderr reveals the secret"
            );
        }
    }
}

/// Starts `command` (a server) and asserts it logs that it is listening, then stops it.
fn assert_starts(mut command: Command) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary should start");
    let (lines, received) = mpsc::channel();
    for stream in [
        child
            .stdout
            .take()
            .map(|out| Box::new(out) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|err| Box::new(err) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
    }
    drop(lines);

    let deadline = Instant::now() + TIMEOUT;
    let mut seen = Vec::new();
    let listening = loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(remaining) {
            Ok(line) if line.contains("listening") => break true,
            Ok(line) => seen.push(line),
            Err(_) => break false,
        }
    };
    let exited = child.try_wait().ok().flatten();
    kill(&mut child);

    assert!(
        listening,
        "production did not start (exit: {exited:?}):\n{}",
        seen.join("\n")
    );
}

/// A fresh strong secret from `generate-secret`.
fn strong_secret() -> String {
    generate_secret()
        .trim()
        .strip_prefix("JWT_SECRET_KEY=")
        .expect("a JWT_SECRET_KEY line")
        .to_owned()
}

#[test]
fn production_starts_with_a_generated_secret() {
    let dir = TempDir::new();
    let mut command = production_server(&dir);
    command.env("JWT_SECRET_KEY", strong_secret());

    assert_starts(command);
}

#[test]
fn production_starts_with_a_strong_secret_under_the_jwt_secret_alias() {
    let dir = TempDir::new();
    let mut command = production_server(&dir);
    command.env("JWT_SECRET", strong_secret());

    assert_starts(command);
}

#[test]
fn production_refuses_a_weak_secret_under_the_jwt_secret_alias_and_names_it() {
    let dir = TempDir::new();
    let mut command = production_server(&dir);
    command.env("JWT_SECRET", "short-but-random-Q7x");

    let finished = run(command);

    assert!(
        !finished.success,
        "production started with a weak JWT_SECRET"
    );
    assert!(
        finished.stderr.contains("JWT_SECRET "),
        "stderr does not name JWT_SECRET:\n{}",
        finished.stderr
    );
}

#[test]
fn production_refuses_a_short_previous_secret_and_names_jwt_previous_secret_keys() {
    let (current, previous) = (strong_secret(), strong_secret());
    let dir = TempDir::new();
    let mut command = production_server(&dir);
    command.env("JWT_SECRET_KEY", &current).env(
        "JWT_PREVIOUS_SECRET_KEYS",
        format!("{previous},short-old-key"),
    );

    let finished = run(command);

    assert!(
        !finished.success,
        "production started with a short previous secret"
    );
    assert!(
        finished.stderr.contains("JWT_PREVIOUS_SECRET_KEYS"),
        "stderr does not name JWT_PREVIOUS_SECRET_KEYS:\n{}",
        finished.stderr
    );
    for secret in [&current, &previous] {
        assert!(
            !finished.stderr.contains(secret.as_str()),
            "stderr reveals a secret"
        );
    }
}

#[test]
fn production_starts_with_strong_previous_secrets() {
    let dir = TempDir::new();
    let mut command = production_server(&dir);
    command.env("JWT_SECRET_KEY", strong_secret()).env(
        "JWT_PREVIOUS_SECRET_KEYS",
        format!("{},{}", strong_secret(), strong_secret()),
    );

    assert_starts(command);
}

#[test]
fn production_refuses_to_start_without_a_public_url_or_a_mail_relay() {
    let missing_public_url = {
        let dir = TempDir::new();
        let mut command = production_server(&dir);
        command
            .env("JWT_SECRET_KEY", strong_secret())
            .env_remove("PUBLIC_URL");
        run(command)
    };
    assert!(
        !missing_public_url.success,
        "production started without PUBLIC_URL"
    );
    assert!(
        missing_public_url
            .stderr
            .contains("PUBLIC_URL is required in production"),
        "{}",
        missing_public_url.stderr
    );

    // Mail to the log must be chosen explicitly in production.
    let missing_relay = {
        let dir = TempDir::new();
        let mut command = production_server(&dir);
        command
            .env("JWT_SECRET_KEY", strong_secret())
            .env_remove("EMAIL_BACKEND");
        run(command)
    };
    assert!(
        !missing_relay.success,
        "production started without SMTP_URL"
    );
    assert!(
        missing_relay
            .stderr
            .contains("SMTP_URL is required in production"),
        "{}",
        missing_relay.stderr
    );
}

fn generate_key(algorithm: &str) -> Finished {
    let dir = TempDir::new();
    let mut command = server(&dir);
    command.args(["generate-key", "--algorithm", algorithm]);
    run(command)
}

#[test]
fn generate_key_prints_a_new_pkcs8_pem_of_each_algorithm() {
    use gatehouse::keys::{PrivateKey, SigningAlgorithm};
    for algorithm in [
        SigningAlgorithm::EdDsa,
        SigningAlgorithm::Es256,
        SigningAlgorithm::Rs256,
    ] {
        let first = generate_key(algorithm.name());
        assert!(first.success, "{algorithm}: {}", first.stderr);
        assert!(
            first.stdout.starts_with("-----BEGIN PRIVATE KEY-----\n")
                && first.stdout.ends_with("-----END PRIVATE KEY-----\n"),
            "{algorithm}: {}",
            first.stdout
        );
        let key = PrivateKey::from_pem(algorithm, &first.stdout).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        let second = generate_key(algorithm.name());
        assert_ne!(
            first.stdout, second.stdout,
            "{algorithm}: the same key twice"
        );
    }
    let hs256 = generate_key("HS256");
    assert!(!hs256.success, "HS256 has no key pair");
    assert!(hs256.stderr.contains("generate-secret") || hs256.stderr.contains("shared secret"));
}

fn fixture_key(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

#[test]
fn production_refuses_a_missing_weak_or_published_signing_key() {
    let cases: [(&str, &str, Option<PathBuf>, &str); 5] = [
        ("missing", "EdDSA", None, "JWT_PRIVATE_KEY"),
        (
            "published EdDSA",
            "EdDSA",
            Some(fixture_key("eddsa.pem")),
            "published",
        ),
        (
            "published ES256",
            "ES256",
            Some(fixture_key("es256.pem")),
            "published",
        ),
        (
            "RSA of 1024 bits",
            "RS256",
            Some(fixture_key("rs256-1024-weak.pem")),
            "2048",
        ),
        (
            "another algorithm's key",
            "ES256",
            Some(fixture_key("rs256.pem")),
            "PKCS#8 PEM ES256",
        ),
    ];
    for (case, algorithm, key_file, expected) in cases {
        let dir = TempDir::new();
        let mut command = production_server(&dir);
        command
            .env("JWT_SECRET_KEY", strong_secret())
            .env("JWT_ALGORITHM", algorithm);
        let key_material = key_file.as_ref().map(|path| {
            let pem = std::fs::read_to_string(path).unwrap();
            pem.lines().nth(1).unwrap().to_owned()
        });
        if let Some(key_file) = key_file {
            command.env("JWT_PRIVATE_KEY_FILE", key_file);
        }

        let finished = run(command);

        assert!(!finished.success, "{case}: production started");
        assert!(
            finished.stderr.contains(expected),
            "{case}: stderr does not say {expected:?}:\n{}",
            finished.stderr
        );
        if let Some(key_material) = key_material {
            assert!(
                !finished.stderr.contains(&key_material),
                "{case}: the key is printed"
            );
        }
    }
}

#[test]
fn production_refuses_a_published_previous_public_key() {
    let dir = TempDir::new();
    let key = generate_key("EdDSA").stdout;
    let mut command = production_server(&dir);
    command
        .env("JWT_SECRET_KEY", strong_secret())
        .env("JWT_ALGORITHM", "EdDSA")
        .env("JWT_PRIVATE_KEY", key)
        .env(
            "JWT_PREVIOUS_PUBLIC_KEYS_FILE",
            fixture_key("rs256.pub.pem"),
        );

    let finished = run(command);

    assert!(
        !finished.success,
        "production started with a published previous key"
    );
    assert!(
        finished.stderr.contains("JWT_PREVIOUS_PUBLIC_KEYS_FILE"),
        "{}",
        finished.stderr
    );
}

#[test]
fn production_starts_with_a_generated_key_from_a_file_or_the_environment() {
    for algorithm in ["EdDSA", "ES256"] {
        let dir = TempDir::new();
        let key_file = dir.0.join("signing-key.pem");
        std::fs::write(&key_file, generate_key(algorithm).stdout).unwrap();
        let mut command = production_server(&dir);
        command
            .env("JWT_SECRET_KEY", strong_secret())
            .env("JWT_ALGORITHM", algorithm)
            .env("JWT_PRIVATE_KEY_FILE", &key_file);
        assert_starts(command);
    }
    // One line, with `\n` for the line breaks, as some platforms hold a PEM in a variable.
    let dir = TempDir::new();
    let one_line = generate_key("EdDSA").stdout.trim_end().replace('\n', "\\n");
    let mut command = production_server(&dir);
    command
        .env("JWT_SECRET_KEY", strong_secret())
        .env("JWT_ALGORITHM", "EdDSA")
        .env("JWT_PRIVATE_KEY", one_line);
    assert_starts(command);
}

#[test]
fn a_stopping_server_ends_its_revocation_streams() {
    use std::io::Write;
    let dir = TempDir::new();
    let mut command = production_server(&dir);
    command
        .env("JWT_SECRET_KEY", strong_secret())
        .env("REVOCATION_STREAM_TOKEN", "stream-token-0123456789")
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("the server binary should start");
    // The JSON log line `{"message":"listening","address":"127.0.0.1:PORT",...}`.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let line: serde_json::Value = serde_json::from_str(&line).ok()?;
            (line["message"] == "listening").then(|| line["address"].as_str().unwrap().to_owned())
        })
        .expect("the server logs its address");
    std::thread::spawn(move || lines.for_each(drop));

    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /api/revocations/stream HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer stream-token-0123456789\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut status = String::new();
    BufReader::new(stream.try_clone().unwrap())
        .read_line(&mut status)
        .unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");

    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if started.elapsed() > TIMEOUT {
            kill(&mut child);
            panic!("the server still waits on the stream after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    drop(stream);
}
