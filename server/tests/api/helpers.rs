//! Test harness: a server per test on a free port with its own database (an SQLite file, or
//! with `GATEHOUSE_TEST_BACKEND=postgres` a PostgreSQL database created for the test and dropped
//! after it), typed request helpers, and JWT/answer inspection.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::api::{AuthResponse, TokenPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse::config::Config;
use gatehouse::startup::Application;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use secrecy::SecretString;
use serde_json::{Value, json};

/// A password that meets the policy.
pub const PASSWORD: &str = "correct horse battery";

/// The signing secret of every test server (unless a test overrides it).
pub fn test_secret() -> String {
    "test-".repeat(10)
}

/// A running server, its client, and the temporary directory holding its files.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub dir: PathBuf,
    /// The database the server uses: its own by default, but a test may point a server at
    /// another app's database (then that app must outlive this one).
    pub database_url: String,
    /// The database this app created, dropped with the last app holding it.
    _database: Option<Arc<TestDatabase>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where the suite's PostgreSQL databases are created, when it runs on PostgreSQL.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("GATEHOUSE_TEST_BACKEND").as_deref() {
        Ok("postgres") => Some(postgres_server_url()),
        _ => None,
    }
}

/// The PostgreSQL server tests create their databases on (`GATEHOUSE_TEST_POSTGRES_URL`).
pub fn postgres_server_url() -> String {
    std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The Redis the shared-limit tests use (`GATEHOUSE_TEST_REDIS_URL`), each under key names of
/// its own.
pub fn redis_server_url() -> String {
    std::env::var("GATEHOUSE_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A database of one test: an SQLite file in the test's directory, or a fresh PostgreSQL
/// database, dropped when the test ends.
pub struct TestDatabase {
    pub url: String,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(dir: &Path) -> Self {
        let Some(admin_url) = postgres_admin_url() else {
            let url = format!("sqlite://{}", dir.join("test.sqlite3").display());
            return Self {
                url,
                postgres: None,
            };
        };
        Self::postgres(admin_url).await
    }

    /// A fresh PostgreSQL database on the server `admin_url` points at, whatever the backend
    /// of the suite; dropped when the test ends.
    pub async fn postgres(admin_url: String) -> Self {
        let name = format!("gatehouse_test_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&admin_url)
            .await
            .expect("PostgreSQL should be reachable for the test suite");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("could not create the test database");
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Self {
            url,
            postgres: Some((admin_url, name)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async code (and maybe after the test's runtime): use a runtime of
        // its own. FORCE ends the connections the test's servers still hold.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async move {
                let admin = sqlx::PgPool::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                Ok::<_, sqlx::Error>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop a test database: {dropped:?}");
        }
    }
}

/// The server's defaults, as `server` with no flags reads them (and the environment, which
/// the test runs leave alone).
#[derive(clap::Parser)]
struct Defaults {
    #[command(flatten)]
    config: Config,
}

/// The test configuration: the defaults, but a fixed secret, rate limits off, a shorter wait
/// for the database, a free port, and files in `dir`.
pub fn test_config_in(dir: &Path) -> Config {
    let mut config = <Defaults as clap::Parser>::try_parse_from(["server"])
        .expect("the defaults parse")
        .config;
    config.database_url = None;
    config.database_startup_timeout = Duration::from_secs(10);
    config.jwt_secret_key = Some(SecretString::from(test_secret()));
    // Tests sign in and refresh far faster than people; the rate-limit tests switch the
    // limits on with small budgets.
    config.rate_limit_enabled = false;
    // The limits stay in each server's memory unless a test shares them (shared_limits.rs).
    config.redis_url = None;
    config.site_addr = "127.0.0.1:0".parse().expect("a valid address");
    config.dev_secret_file = dir.join("dev-secret");
    config.dev_signing_key_file = dir.join("dev-signing-key.pem");
    config
}

/// The test configuration with a scratch directory that is never created.
pub fn test_config() -> Config {
    test_config_in(&std::env::temp_dir().join(format!("gatehouse-test-{}", uuid::Uuid::new_v4())))
}

/// A server with the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A server whose configuration `customise` adjusts first (lifetimes, secrets, ...).
pub async fn spawn_app_with(customise: impl FnOnce(&mut Config)) -> TestApp {
    let dir = std::env::temp_dir().join(format!("gatehouse-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("could not create the test directory");
    let mut config = test_config_in(&dir);
    customise(&mut config);
    // A test that points the server at another app's database gets no database of its own.
    let database = match config.database_url {
        Some(_) => None,
        None => Some(Arc::new(TestDatabase::create(&dir).await)),
    };
    if let Some(database) = &database {
        config.database_url = Some(database.url.clone());
    }
    let database_url = config.store_options().url;
    let app = Application::build(config)
        .await
        .expect("the application should build");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a reqwest client");
    TestApp {
        address,
        client,
        dir,
        database_url,
        _database: database,
    }
}

/// The username the helpers register for `email`: its local part.
pub fn username_for(email: &str) -> String {
    email
        .trim()
        .split('@')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("the request should reach the server")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request should reach the server")
    }

    /// `GET path` with `Authorization: <value>` verbatim.
    pub async fn get_with_authorization(
        &self,
        path: &str,
        authorization: &str,
    ) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header(reqwest::header::AUTHORIZATION, authorization)
            .send()
            .await
            .expect("the request should reach the server")
    }

    /// Registers `email` with username = its local part and `password2 = password`.
    pub async fn register(&self, email: &str, password: &str) -> reqwest::Response {
        let body = json!({
            "email": email,
            "username": username_for(email),
            "password": password,
            "password2": password,
        });
        self.post_json("/api/register/", &body).await
    }

    /// As `register`, asserting 201 and decoding the answer.
    pub async fn register_ok(&self, email: &str, password: &str) -> AuthResponse {
        let response = self.register(email, password).await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(
            status,
            StatusCode::CREATED,
            "registration of {email} failed: {text}"
        );
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("not an AuthResponse ({error}): {text}"))
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/login/",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// As `login`, asserting 200 and decoding the answer.
    pub async fn login_ok(&self, email: &str, password: &str) -> AuthResponse {
        let response = self.login(email, password).await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, StatusCode::OK, "login of {email} failed: {text}");
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("not an AuthResponse ({error}): {text}"))
    }

    pub async fn get_user(&self, access: &str) -> reqwest::Response {
        self.get_with_authorization("/api/user/", &format!("Bearer {access}"))
            .await
    }

    pub async fn refresh(&self, refresh: &str) -> reqwest::Response {
        self.post_json("/api/token/refresh/", &json!({ "refresh": refresh }))
            .await
    }

    pub async fn logout(&self, refresh: &str) -> reqwest::Response {
        self.post_json("/api/logout/", &json!({ "refresh": refresh }))
            .await
    }

    pub async fn verify(&self, token: &str) -> reqwest::Response {
        self.post_json("/api/token/verify/", &json!({ "token": token }))
            .await
    }

    /// `POST /api/logout/` with `{refresh, scope}`.
    pub async fn logout_with_scope(&self, refresh: &str, scope: &str) -> reqwest::Response {
        self.post_json(
            "/api/logout/",
            &json!({ "refresh": refresh, "scope": scope }),
        )
        .await
    }

    /// As `refresh`, asserting 200 and decoding the new pair.
    pub async fn refresh_ok(&self, refresh: &str) -> TokenPair {
        let response = self.refresh(refresh).await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, StatusCode::OK, "refresh failed: {text}");
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("not a TokenPair ({error}): {text}"))
    }

    /// As `login_ok`, sending `User-Agent: user_agent`.
    pub async fn login_with_user_agent(
        &self,
        email: &str,
        password: &str,
        user_agent: &str,
    ) -> AuthResponse {
        let response = self
            .client
            .post(self.url("/api/login/"))
            .header(reqwest::header::USER_AGENT, user_agent)
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("the request should reach the server");
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert_eq!(status, StatusCode::OK, "login of {email} failed: {text}");
        serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("not an AuthResponse ({error}): {text}"))
    }

    /// `GET /api/sessions/` with `access` as the Bearer token.
    pub async fn list_sessions(&self, access: &str) -> reqwest::Response {
        self.get_with_authorization("/api/sessions/", &format!("Bearer {access}"))
            .await
    }

    /// `DELETE /api/sessions/{id}/`, with `access` as the Bearer token when given.
    pub async fn delete_session(&self, id: &str, access: Option<&str>) -> reqwest::Response {
        let request = self
            .client
            .delete(self.url(&format!("/api/sessions/{id}/")));
        send_as(request, access).await
    }

    /// `POST /api/password/change/` with `access` as the Bearer token.
    pub async fn change_password(
        &self,
        access: &str,
        current: &str,
        new: &str,
        new2: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url("/api/password/change/"))
            .bearer_auth(access)
            .json(&json!({
                "current_password": current,
                "new_password": new,
                "new_password2": new2,
            }))
            .send()
            .await
            .expect("the request should reach the server")
    }

    /// Asserts the session of `tokens` is usable: its access token reads `/api/user/` and its
    /// refresh token rotates. Returns the rotated pair (the one to use from now on).
    pub async fn assert_session_works(&self, tokens: &TokenPair) -> TokenPair {
        answer(self.get_user(&tokens.access).await, StatusCode::OK).await;
        self.refresh_ok(&tokens.refresh).await
    }

    /// Asserts the session of `tokens` has been ended: both tokens answer 401
    /// `session_revoked`.
    pub async fn assert_session_revoked(&self, tokens: &TokenPair) {
        assert_unauthorized(self.get_user(&tokens.access).await, "session_revoked").await;
        assert_unauthorized(self.refresh(&tokens.refresh).await, "session_revoked").await;
    }

    /// A new connection pool on the server's database, to inspect what it stored.
    /// A connection pool on the app's database, whichever the backend (write SQL with `$N`).
    /// The audit trail, once `done` holds for it: rows are written by a background task a
    /// moment after the request, so this polls (for at most 5 s).
    pub async fn audit_trail_until(&self, done: impl Fn(&[AuditRow]) -> bool) -> Vec<AuditRow> {
        let database = self.database().await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let rows: Vec<AuditRow> = sqlx::query_as(
                "SELECT kind, outcome, user_id, session_id, ip, detail FROM auth_events ORDER BY id",
            )
            .fetch_all(&database)
            .await
            .expect("auth_events is readable");
            if done(&rows) || tokio::time::Instant::now() > deadline {
                return rows;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn database(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("the test database should open")
    }
}

/// One `auth_events` row: kind, outcome, user id, session id, ip, detail.
pub type AuditRow = (String, String, Option<i64>, Option<String>, String, String);

/// The session id (`sid` claim) of `token`.
pub fn sid(token: &str) -> String {
    jwt_claims(token)["sid"]
        .as_str()
        .unwrap_or_else(|| panic!("no sid in {token:?}"))
        .to_owned()
}

/// A response read whole (its status already checked): headers and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The value of `name`, or "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// Reads `response`, asserting its status is `status` and its body is JSON with a JSON
/// content type.
pub async fn answer(response: reqwest::Response, status: StatusCode) -> Answer {
    let actual = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "content-type is {content_type:?}, not JSON; body: {text}"
    );
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("body is not JSON ({error}): {text}"));
    Answer { headers, body }
}

/// Reads a 401, asserting its `code`, a `detail` string and a `WWW-Authenticate` challenge.
pub async fn assert_unauthorized(response: reqwest::Response, code: &str) -> Answer {
    let answer = answer(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(answer.body["code"], code, "body: {}", answer.body);
    assert!(
        answer.body["detail"].is_string(),
        "no detail in {}",
        answer.body
    );
    assert!(
        answer.header("www-authenticate").starts_with("Bearer"),
        "WWW-Authenticate is {:?}",
        answer.header("www-authenticate")
    );
    answer
}

/// Reads a 400 validation error, asserting the body is exactly `expected`.
pub async fn assert_field_errors(response: reqwest::Response, expected: Value) {
    let answer = answer(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(answer.body, expected);
}

fn decode_part(token: &str, index: usize) -> Value {
    let part = token
        .split('.')
        .nth(index)
        .unwrap_or_else(|| panic!("{token:?} is not a JWT"));
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .unwrap_or_else(|error| panic!("JWT part {index} is not base64url ({error})"));
    serde_json::from_slice(&bytes).expect("a JWT part is JSON")
}

/// A JWT's header, unverified.
pub fn jwt_header(token: &str) -> Value {
    decode_part(token, 0)
}

/// A JWT's claims, unverified.
pub fn jwt_claims(token: &str) -> Value {
    decode_part(token, 1)
}

/// Encodes `value` as a base64url JWT part.
pub fn encode_part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("serialisable"))
}

/// The integer claim `name` of `token`.
pub fn claim_i64(token: &str, name: &str) -> i64 {
    let claims = jwt_claims(token);
    claims[name]
        .as_i64()
        .unwrap_or_else(|| panic!("claim {name} is not an integer in {claims}"))
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

/// Sleeps until the wall clock reads at least `unix_seconds` (plus a small margin).
pub async fn sleep_until_unix(unix_seconds: i64) {
    let target =
        UNIX_EPOCH + Duration::from_secs(unix_seconds.max(0) as u64) + Duration::from_millis(50);
    if let Ok(wait) = target.duration_since(SystemTime::now()) {
        tokio::time::sleep(wait).await;
    }
}

/// Sleeps until a token expiring at `exp` is past the server's 1 s leeway: the server
/// refuses from `exp + leeway` on (RFC 7519 §4.1.4).
pub async fn sleep_past_expiry(exp: i64) {
    sleep_until_unix(exp + 1).await;
}

/// Sends `request`, with `Authorization: Bearer <access>` when given.
pub async fn send_as(request: reqwest::RequestBuilder, access: Option<&str>) -> reqwest::Response {
    let request = match access {
        Some(access) => request.bearer_auth(access),
        None => request,
    };
    request
        .send()
        .await
        .expect("the request should reach the server")
}

/// The keys of a JSON object answer, in order.
pub fn keys(body: &Value) -> Vec<&str> {
    body.as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect()
}
