//! A real Gatehouse per test (in-process, port 0, SQLite in a temporary directory, an EdDSA
//! key, the revocation stream on), reached through a TCP proxy the test can cut or point at
//! another instance, as a network or a restart would.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse::config::Config;
use gatehouse::keys::SigningAlgorithm;
use gatehouse::startup::Application;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use verifier::{Claims, Verifier, VerifyError};

pub const PASSWORD: &str = "correct horse battery";
pub const STREAM_TOKEN: &str = "revocation-stream-token-for-the-verifier-tests";

/// The committed test key of `name` (`eddsa`, `es256`, ...) in the server's fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../server/tests/fixtures/keys")
        .join(name)
}

#[derive(clap::Parser)]
struct Defaults {
    #[command(flatten)]
    config: Config,
}

/// A running Gatehouse and the directory of its files.
pub struct Gatehouse {
    pub address: SocketAddr,
    pub database_url: String,
    pub dir: PathBuf,
    client: reqwest::Client,
}

impl Drop for Gatehouse {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Gatehouse signing with the EdDSA fixture key, naming `issuer` in its tokens, that
/// `customise` adjusts last (another key, another database, ...).
pub async fn spawn_gatehouse(issuer: &str, customise: impl FnOnce(&mut Config)) -> Gatehouse {
    let dir = std::env::temp_dir().join(format!("gatehouse-verifier-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = <Defaults as clap::Parser>::try_parse_from(["server"])
        .unwrap()
        .config;
    config.database_url = Some(format!("sqlite://{}", dir.join("test.sqlite3").display()));
    config.database_startup_timeout = Duration::from_secs(10);
    config.jwt_secret_key = Some(SecretString::from("test-".repeat(10)));
    config.rate_limit_enabled = false;
    config.site_addr = "127.0.0.1:0".parse().unwrap();
    config.dev_secret_file = dir.join("dev-secret");
    config.dev_signing_key_file = dir.join("dev-signing-key.pem");
    config.jwt_algorithm = SigningAlgorithm::EdDsa;
    config.jwt_private_key_file = Some(fixture("eddsa.pem"));
    config.jwt_issuer = Some(issuer.to_owned());
    config.revocation_stream_token = Some(SecretString::from(STREAM_TOKEN));
    customise(&mut config);
    let database_url = config.database_url.clone().unwrap();
    let app = Application::build(config).await.unwrap();
    let address = SocketAddr::from(([127, 0, 0, 1], app.port()));
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    Gatehouse {
        address,
        database_url,
        dir,
        client,
    }
}

/// An access and a refresh token.
pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

impl Gatehouse {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    fn tokens(body: &Value) -> Tokens {
        Tokens {
            access: body["tokens"]["access"].as_str().unwrap().to_owned(),
            refresh: body["tokens"]["refresh"].as_str().unwrap().to_owned(),
        }
    }

    /// Registers `email` (its local part as username) and returns its first tokens.
    pub async fn register(&self, email: &str) -> Tokens {
        let username = email.split('@').next().unwrap();
        let body = json!({"email": email, "username": username, "password": PASSWORD, "password2": PASSWORD});
        Self::tokens(&self.post("/api/register/", body).await)
    }

    pub async fn login(&self, email: &str) -> Tokens {
        let body = json!({"email": email, "password": PASSWORD});
        Self::tokens(&self.post("/api/login/", body).await)
    }

    /// `POST /api/logout/`: the session ends.
    pub async fn logout(&self, tokens: &Tokens) {
        self.post("/api/logout/", json!({"refresh": tokens.refresh}))
            .await;
    }

    /// `GET /.well-known/jwks.json`, as JSON.
    pub async fn jwks(&self) -> Value {
        let response = self
            .client
            .get(self.url("/.well-known/jwks.json"))
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }
}

/// A verifier of `proxy`'s issuer, following its revocation stream.
pub async fn verifier_for(proxy: &Proxy) -> Verifier {
    Verifier::builder(proxy.url())
        .revocation_stream(
            format!("{}/api/revocations/stream", proxy.url()),
            STREAM_TOKEN,
        )
        .build()
        .await
        .unwrap()
}

/// Polls until `check` holds, for at most `wait`; whether it did.
pub async fn eventually(wait: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until `verifier` follows the stream (at most 5 s).
pub async fn wait_following(verifier: &Verifier) {
    let following = eventually(Duration::from_secs(5), async || {
        verifier.following_revocations()
    })
    .await;
    assert!(
        following,
        "the verifier never connected to the revocation stream"
    );
}

/// `verifier.verify(token)`, polled until it is `Revoked` for at most `wait`; the last answer.
pub async fn refused_within(
    verifier: &Verifier,
    token: &str,
    wait: Duration,
) -> Result<Claims, VerifyError> {
    let mut last = verifier.verify(token).await;
    eventually(wait, async || {
        last = verifier.verify(token).await;
        last == Err(VerifyError::Revoked)
    })
    .await;
    last
}

/// `token` with its header changed by `change` (its signature left as it was).
pub fn with_header(token: &str, change: impl FnOnce(&mut Value)) -> String {
    let (header, rest) = token.split_once('.').unwrap();
    let mut header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    change(&mut header);
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap());
    format!("{header}.{rest}")
}

/// A TCP proxy in front of Gatehouse: `down` cuts every connection and refuses new ones until
/// `up`; `point_at` sends new connections to another instance.
pub struct Proxy {
    pub address: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    open: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Proxy {
    /// A proxy on a free port; it points nowhere useful until `point_at`.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let upstream = Arc::new(Mutex::new(address));
        let open = Arc::new(AtomicBool::new(true));
        let (cut, _) = watch::channel(0);
        let proxy = Self {
            address,
            upstream: upstream.clone(),
            open: open.clone(),
            cut: cut.clone(),
        };
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                if !open.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let target = *upstream.lock().unwrap();
                let mut cut = cut.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn point_at(&self, gatehouse: &Gatehouse) {
        *self.upstream.lock().unwrap() = gatehouse.address;
    }

    /// Cuts every open connection and refuses new ones.
    pub fn down(&self) {
        self.open.store(false, Ordering::SeqCst);
        self.cut.send_modify(|generation| *generation += 1);
    }

    pub fn up(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}
