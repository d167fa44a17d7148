//! Rate limits shared by every instance through Redis (REDIS_URL): three instances on one
//! PostgreSQL database and one Redis give a client one budget, not three; with Redis stopped,
//! each instance limits on its own (never a 5xx, never no limit), and once Redis is back the
//! budgets are shared again without a restart.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{
    TestApp, TestDatabase, answer, postgres_server_url, redis_server_url, spawn_app_with,
};
use gatehouse::{Rate, TrustedProxies};

/// Key names of one test, so tests run in parallel on one Redis (and beside CI's other jobs).
fn unique_prefix() -> String {
    format!("gatehouse-test:{}", uuid::Uuid::new_v4().simple())
}

/// An instance on `database_url` (its own when `None`) keeping its limits in the Redis at `redis_url`, under `prefix`.
/// It believes X-Forwarded-For from the test (127.0.0.1), so a test picks each request's address.
async fn instance(
    database_url: Option<&str>,
    redis_url: &str,
    prefix: &str,
    (per_ip, per_account): (&str, &str),
) -> TestApp {
    let (per_ip, per_account) = (
        Rate::parse(per_ip).unwrap(),
        Rate::parse(per_account).unwrap(),
    );
    spawn_app_with(|config| {
        config.database_url = database_url.map(str::to_owned);
        config.rate_limit_enabled = true;
        config.rate_limit_per_ip = per_ip;
        config.rate_limit_per_account = per_account;
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        config.redis_url = Some(SecretString::from(redis_url.to_owned()));
        config.redis_key_prefix = prefix.to_owned();
        // Generous for a test machine busy with other builds: a late answer must not be taken
        // for a Redis that is down (a stopped one refuses the connection at once).
        config.redis_timeout_ms = 250;
    })
    .await
}

/// A failed sign-in of `email` as if from `address`.
async fn login_from(app: &TestApp, email: &str, address: &str) -> StatusCode {
    app.client
        .post(app.url("/api/login/"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": "wrong password" }))
        .send()
        .await
        .expect("the request should reach the server")
        .status()
}

/// Asserts the sign-in is refused by a limit: 429 `throttled` with `Retry-After`.
async fn assert_throttled(app: &TestApp, email: &str, address: &str) {
    let response = app
        .client
        .post(app.url("/api/login/"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": "wrong password" }))
        .send()
        .await
        .expect("the request should reach the server");
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok()?.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let refused = answer(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(refused.body["code"], "throttled");
}

/// A failed sign-in (of an email not used before) as if from `address`: 401, or 429 when a
/// limit refuses it, and never anything else (a 5xx above all).
async fn login(app: &TestApp, address: &str) -> StatusCode {
    static EMAILS: AtomicU32 = AtomicU32::new(0);
    let n = EMAILS.fetch_add(1, Ordering::Relaxed);
    let status = login_from(app, &format!("user{n}@example.com"), address).await;
    assert!(
        status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
        "only 401 or 429, never a 5xx: {status}"
    );
    status
}

/// The backend `/metrics` says is in use: "redis" or "memory".
async fn backend(app: &TestApp) -> String {
    let text = app.get("/metrics").await.text().await.unwrap();
    let in_use: Vec<&str> = ["redis", "memory"]
        .into_iter()
        .filter(|name| {
            text.contains(&format!(
                "gatehouse_rate_limit_backend{{backend=\"{name}\"}} 1\n"
            ))
        })
        .collect();
    assert_eq!(in_use.len(), 1, "exactly one backend in use: {text}");
    in_use[0].to_owned()
}

/// Three instances on one fresh PostgreSQL database (whatever the suite's backend: that is the
/// setup shared limits are for) and one Redis. The database is dropped after the instances.
async fn three_instances(limits: (&str, &str)) -> (TestDatabase, [TestApp; 3]) {
    let database = TestDatabase::postgres(postgres_server_url()).await;
    let (redis, prefix) = (redis_server_url(), unique_prefix());
    let mut apps = Vec::new();
    for _ in 0..3 {
        apps.push(instance(Some(&database.url), &redis, &prefix, limits).await);
    }
    let apps: [TestApp; 3] = apps.try_into().ok().expect("three instances");
    (database, apps)
}

#[tokio::test]
async fn one_address_has_one_budget_across_three_instances() {
    let (_database, apps) = three_instances(("3/min", "100/min")).await;
    for app in &apps {
        assert_eq!(backend(app).await, "redis");
    }
    let address = "198.51.100.10";
    for (n, app) in apps.iter().enumerate() {
        let email = format!("user{n}@example.com");
        assert_eq!(
            login_from(app, &email, address).await,
            StatusCode::UNAUTHORIZED
        );
    }

    // The fourth attempt is refused on every instance: three instances, one budget.
    for app in &apps {
        assert_throttled(app, "another@example.com", address).await;
    }
    // Another address keeps its own budget.
    assert_eq!(
        login_from(&apps[0], "another@example.com", "198.51.100.11").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn one_account_has_one_budget_across_three_instances_and_addresses() {
    let (_database, apps) = three_instances(("100/min", "2/min")).await;
    let [a, b, c] = &apps;
    assert_eq!(
        login_from(a, "ada@example.com", "198.51.100.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_from(b, "ada@example.com", "198.51.100.2").await,
        StatusCode::UNAUTHORIZED
    );

    // A third instance and a third address: still the same, spent, budget (spelled otherwise).
    assert_throttled(c, " ADA@example.com", "198.51.100.3").await;
    assert_throttled(a, "ada@example.com", "198.51.100.4").await;
    // Another account is not affected.
    assert_eq!(
        login_from(c, "bob@example.com", "198.51.100.3").await,
        StatusCode::UNAUTHORIZED
    );
}

/// A redis-server of the test's own, on a port of its own, without persistence. Stopped (by
/// its pid, which the test started) when dropped.
struct OwnRedis {
    port: u16,
    process: Option<Child>,
}

impl OwnRedis {
    fn start() -> Self {
        // A free port: bound, then released for redis-server.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut redis = Self {
            port,
            process: None,
        };
        redis.restart();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts redis-server on the port, and waits until it accepts connections.
    fn restart(&mut self) {
        let port = self.port.to_string();
        let process = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", ""])
            .args(["--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server should be installed");
        self.process = Some(process);
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills it (SIGKILL: like a crash, no goodbye to the clients) and waits until it is gone.
    fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn with_redis_stopped_each_instance_limits_alone_and_shares_again_once_it_is_back() {
    let mut redis = OwnRedis::start();
    let prefix = unique_prefix();
    let limits = ("3/min", "100/min");
    let a = instance(None, &redis.url(), &prefix, limits).await;
    let b = instance(Some(&a.database_url), &redis.url(), &prefix, limits).await;

    // Shared: three attempts over both instances spend the address's budget.
    for app in [&a, &b, &a] {
        assert_eq!(login(app, "198.51.100.1").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&b, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    redis.stop();
    // Each instance limits on its own: three attempts on each, then 429.
    for app in [&a, &b] {
        for _ in 0..3 {
            assert_eq!(login(app, "198.51.100.2").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(
            login(app, "198.51.100.2").await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(backend(app).await, "memory");
        answer(app.get("/readyz").await, StatusCode::OK).await;
    }

    redis.restart();
    // Each instance tries Redis again by itself (a second after its last failure).
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut probe = 0;
    loop {
        probe += 1;
        let address = format!("198.51.100.{}", 100 + probe);
        login(&a, &address).await;
        login(&b, &address).await;
        if backend(&a).await == "redis" && backend(&b).await == "redis" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the instances did not return to Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Shared again: the restarted Redis is empty, and three attempts over both spend it.
    for app in [&b, &a, &b] {
        assert_eq!(login(app, "198.51.100.3").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&a, "198.51.100.3").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
