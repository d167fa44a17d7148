//! A real SMTP server on loopback for the mail tests: `scripts/smtp_sink.py` (aiosmtpd) in a
//! process of its own, on free ports, read over its HTTP API. The server under test delivers to
//! it with its real transport; nothing is mocked. Stopping it is an SMTP outage; restarting it
//! on the same ports ends the outage.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;

/// How long a test waits for mail before it fails: far longer than a delivery takes, short
/// enough that a lost mail fails the test rather than hanging it.
pub const MAIL_DEADLINE: Duration = Duration::from_secs(15);

/// One delivered message, as the sink parsed it.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    pub subject: String,
    /// The text/plain part ("" if there is none).
    pub text: String,
    /// The text/html part ("" if there is none).
    pub html: String,
}

impl Mail {
    /// The token of the link `{link}?token=T` in the text part, asserting the HTML part carries
    /// the same link. `link` is the page's full address, e.g. `http://x.test/reset-password`.
    pub fn link_token(&self, link: &str) -> String {
        let prefix = format!("{link}?token=");
        let start = self
            .text
            .find(&prefix)
            .unwrap_or_else(|| panic!("no link {prefix}… in the text part: {}", self.text))
            + prefix.len();
        let token: String = self.text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(!token.is_empty(), "an empty token in {}", self.text);
        let full = format!("{prefix}{token}");
        assert!(
            self.html.contains(&format!("href=\"{full}\"")),
            "the HTML part does not link to {full}: {}",
            self.html
        );
        token
    }
}

/// TLS the sink serves, with the certificate and key it presents.
#[derive(Debug, Clone)]
pub enum SinkTls {
    StartTls { cert: PathBuf, key: PathBuf },
    Implicit { cert: PathBuf, key: PathBuf },
}

/// The sink process and its ports; the process is killed (by its own pid) on drop.
pub struct MailSink {
    pub smtp_port: u16,
    pub http_port: u16,
    tls: Option<SinkTls>,
    child: Option<Child>,
    client: reqwest::Client,
}

impl Drop for MailSink {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The repository's root (the server crate's parent).
fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the server crate is inside the repository")
}

/// The Python with aiosmtpd: `GATEHOUSE_TEST_PYTHON`, else `.tools/venv` (`make setup`).
fn python() -> PathBuf {
    if let Ok(python) = std::env::var("GATEHOUSE_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    repo_root().join(".tools/venv/bin/python")
}

/// Two distinct ports free right now (held together while chosen, so they differ).
fn free_ports() -> (u16, u16) {
    let one = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let two = TcpListener::bind("127.0.0.1:0").expect("a free port");
    (
        one.local_addr().expect("an address").port(),
        two.local_addr().expect("an address").port(),
    )
}

impl MailSink {
    /// A plain-SMTP sink on free ports, ready.
    pub async fn start() -> Self {
        Self::start_with(None).await
    }

    /// A sink serving `tls` on free ports, ready.
    pub async fn start_tls(tls: SinkTls) -> Self {
        Self::start_with(Some(tls)).await
    }

    async fn start_with(tls: Option<SinkTls>) -> Self {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("a reqwest client");
        // A port found free may be taken by another test before the sink binds it: then the
        // sink exits at once, and it is tried again on other ports.
        for _ in 0..5 {
            let (smtp_port, http_port) = free_ports();
            let mut sink = Self {
                smtp_port,
                http_port,
                tls: tls.clone(),
                child: None,
                client: client.clone(),
            };
            if sink.launch().await {
                return sink;
            }
        }
        panic!(
            "the SMTP sink did not start (is aiosmtpd installed in .tools/venv? run `make setup`)"
        );
    }

    /// The `SMTP_URL` of the sink over plain SMTP.
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.smtp_port)
    }

    /// Ends the process: an SMTP outage (the ports refuse connections).
    pub fn stop(&mut self) {
        self.kill();
    }

    /// Starts the sink again on the same ports: the outage is over. (A restarted sink has
    /// forgotten the messages it held.)
    pub async fn restart(&mut self) {
        self.kill();
        for _ in 0..10 {
            if self.launch().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!(
            "the SMTP sink did not start again on ports {} and {}",
            self.smtp_port, self.http_port
        );
    }

    /// Spawns the process on this sink's ports and waits until its HTTP API answers (it starts
    /// listening for SMTP first, and aiosmtpd checks that listener before going on). `false`
    /// if the process exits or does not answer in time.
    async fn launch(&mut self) -> bool {
        let mut command = Command::new(python());
        command
            .arg(repo_root().join("scripts/smtp_sink.py"))
            .args(["--smtp-port", &self.smtp_port.to_string()])
            .args(["--http-port", &self.http_port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        match &self.tls {
            None => {}
            Some(SinkTls::StartTls { cert, key }) => {
                command.args(["--tls", "starttls"]);
                command.arg("--cert").arg(cert).arg("--key").arg(key);
            }
            Some(SinkTls::Implicit { cert, key }) => {
                command.args(["--tls", "implicit"]);
                command.arg("--cert").arg(cert).arg("--key").arg(key);
            }
        }
        let child = command.spawn().unwrap_or_else(|error| {
            panic!(
                "could not run {} ({error}); run `make setup`",
                python().display()
            )
        });
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::time::Instant::now() < deadline {
            let exited = self
                .child
                .as_mut()
                .is_some_and(|child| matches!(child.try_wait(), Ok(Some(_))));
            if exited {
                self.child = None;
                return false;
            }
            let answered = self
                .client
                .get(self.api("/messages"))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success());
            if answered {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.kill();
        false
    }

    /// Kills the process (only ours, by its pid) and reaps it.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn api(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http_port)
    }

    /// Every message received so far, oldest first.
    pub async fn all(&self) -> Vec<Mail> {
        self.fetch(None).await
    }

    /// The messages to `to` received so far, oldest first.
    pub async fn messages(&self, to: &str) -> Vec<Mail> {
        self.fetch(Some(to)).await
    }

    async fn fetch(&self, to: Option<&str>) -> Vec<Mail> {
        let mut request = self.client.get(self.api("/messages"));
        if let Some(to) = to {
            request = request.query(&[("to", to)]);
        }
        let response = request.send().await.expect("the sink's API answers");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.expect("the sink answers JSON")
    }

    /// The messages to `to` once there are at least `count` of them (polling, for at most
    /// `MAIL_DEADLINE`).
    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + MAIL_DEADLINE;
        loop {
            let mails = self.messages(to).await;
            if mails.len() >= count {
                return mails;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "after {MAIL_DEADLINE:?}, {} of {count} mails to {to} arrived: {mails:#?}",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
