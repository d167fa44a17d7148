//! `GET /api/revocations/stream`: other services follow ended sessions as Server-Sent Events,
//! behind REVOCATION_STREAM_TOKEN, from any instance, resuming with `Last-Event-ID`.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, assert_unauthorized, sid, spawn_app_with, unix_now};

const STREAM_TOKEN: &str = "revocation-stream-token-for-the-tests-0123456789";

async fn app_with_stream() -> TestApp {
    spawn_app_with(|config| {
        config.revocation_stream_token = Some(SecretString::from(STREAM_TOKEN));
    })
    .await
}

/// An open stream and what has been read of it but not yet parsed.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

/// One event: its `id` and its data as JSON.
#[derive(Debug)]
struct StreamEvent {
    id: i64,
    data: Value,
}

impl Stream {
    async fn open(app: &TestApp, last_event_id: Option<i64>) -> Self {
        let mut request = app
            .client
            .get(app.url("/api/revocations/stream"))
            .bearer_auth(STREAM_TOKEN);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "{:?}",
            response.headers()
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event within `wait`, or `None`. Comment lines (heartbeats) are skipped.
    async fn next(&mut self, wait: Duration) -> Option<StreamEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|line| line.strip_prefix(name))
                        .map(|value| value.trim().to_owned())
                };
                if let (Some(id), Some(data)) = (field("id:"), field("data:")) {
                    return Some(StreamEvent {
                        id: id.parse().unwrap(),
                        data: serde_json::from_str(&data).unwrap(),
                    });
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(std::str::from_utf8(&bytes).unwrap()),
                Ok(Ok(None)) => panic!("the stream ended"),
                Ok(Err(error)) => panic!("the stream failed: {error}"),
                Err(_) => return None,
            }
        }
    }

    /// The next event about session `sid`, skipping others, within `wait`.
    async fn next_about(&mut self, session: &str, wait: Duration) -> Option<StreamEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self.next(left).await?;
            if event.data["sid"] == session {
                return Some(event);
            }
        }
    }
}

#[tokio::test]
async fn the_stream_needs_its_token() {
    let app = app_with_stream().await;
    let url = app.url("/api/revocations/stream");
    let none = app.client.get(&url).send().await.unwrap();
    assert_unauthorized(none, "not_authenticated").await;
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_unauthorized(wrong, "not_authenticated").await;
    // A user's access token is not the stream's token either.
    let access = app
        .register_ok("ada@example.com", PASSWORD)
        .await
        .tokens
        .access;
    let user = app
        .client
        .get(&url)
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_unauthorized(user, "not_authenticated").await;

    let closed = spawn_app_with(|_| {}).await;
    let url = closed.url("/api/revocations/stream");
    let refused = closed
        .client
        .get(&url)
        .bearer_auth(STREAM_TOKEN)
        .send()
        .await
        .unwrap();
    assert_unauthorized(refused, "not_authenticated").await;
}

#[tokio::test]
async fn a_logout_is_streamed_with_its_session_and_until() {
    let app = app_with_stream().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let mut stream = Stream::open(&app, None).await;

    let before = unix_now();
    assert_eq!(
        app.logout(&tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    let session = sid(&tokens.refresh);
    let event = stream
        .next_about(&session, Duration::from_secs(5))
        .await
        .expect("the logout is streamed");
    let until = event.data["until"].as_i64().unwrap();
    assert_eq!(event.id, until);
    // Until its last access token has expired: the access lifetime and the leeway from now.
    assert!(
        until >= before + 3_600 && until <= unix_now() + 3_601,
        "{event:?}"
    );
    let keys: Vec<_> = event.data.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["sid", "until"]);
}

#[tokio::test]
async fn a_follower_gets_what_is_in_force_and_resumes_after_its_last_event() {
    let app = app_with_stream().await;
    let first = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let second = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    app.logout(&first.refresh).await;

    // A new follower first learns every revocation still in force.
    let mut fresh = Stream::open(&app, None).await;
    let replayed = fresh
        .next_about(&sid(&first.refresh), Duration::from_secs(5))
        .await
        .expect("a revocation in force is replayed");

    // Resuming long after it, nothing old is repeated; what ends next is sent.
    let mut resumed = Stream::open(&app, Some(replayed.id + 3_600)).await;
    app.logout(&second.refresh).await;
    let next = resumed
        .next(Duration::from_secs(5))
        .await
        .expect("an event");
    assert_eq!(next.data["sid"], sid(&second.refresh));

    // Resuming from the event itself repeats it (a repeat is harmless; a gap would not be).
    let mut again = Stream::open(&app, Some(replayed.id)).await;
    assert!(
        again
            .next_about(&sid(&first.refresh), Duration::from_secs(5))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn a_revocation_on_another_instance_is_streamed() {
    let first = app_with_stream().await;
    let other = spawn_app_with(|config| {
        config.database_url = Some(first.database_url.clone());
        config.revocation_stream_token = Some(SecretString::from(STREAM_TOKEN));
    })
    .await;
    let tokens = first.register_ok("ada@example.com", PASSWORD).await.tokens;
    let mut stream = Stream::open(&other, None).await;

    first.logout(&tokens.refresh).await;

    // SQLite's poll and PostgreSQL's feed both bring it within a second or two.
    assert!(
        stream
            .next_about(&sid(&tokens.refresh), Duration::from_secs(5))
            .await
            .is_some(),
        "the other instance streams the revocation"
    );
}
