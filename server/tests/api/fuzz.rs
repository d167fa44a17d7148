//! Fuzzing (proptest): arbitrary JSON bodies, arbitrary bytes and mangled tokens against the
//! JSON endpoints, and arbitrary strings against the token parser. Nothing panics, nothing
//! answers 5xx, every answer is JSON. `PROPTEST_CASES` sets the cases per target (default 48,
//! so CI runs them briefly; raise it for a longer hunt).

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use reqwest::Method;
use reqwest::header::HeaderValue;
use secrecy::SecretString;
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use gatehouse::tokens::{Amr, Issuer, KeyRing, Subject, TokenService, TokenType};

/// The JSON endpoints, with the method they take.
const ENDPOINTS: [(&str, &str); 10] = [
    ("POST", "/api/register/"),
    ("POST", "/api/login/"),
    ("POST", "/api/token/"),
    ("POST", "/api/token/refresh/"),
    ("POST", "/api/token/verify/"),
    ("POST", "/api/logout/"),
    ("POST", "/api/password/change/"),
    ("PATCH", "/api/user/"),
    ("GET", "/api/user/"),
    ("GET", "/api/sessions/"),
];

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(48);
    TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

/// Field names the endpoints read, and others.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "email",
            "password",
            "password2",
            "username",
            "first_name",
            "last_name",
            "refresh",
            "token",
            "scope",
            "current_password",
            "new_password",
            "new_password2",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,12}",
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        "[a-z]{1,8}@[a-z]{1,8}\\.com".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Sends `body` (raw bytes, as JSON) with `authorization`, and returns status, content type
/// and body.
fn send(
    runtime: &tokio::runtime::Runtime,
    app: &TestApp,
    (method, path): (&str, &str),
    body: Vec<u8>,
    authorization: Option<String>,
) -> (u16, String, String) {
    runtime.block_on(async {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = app
            .client
            .request(method, app.url(path))
            .header("content-type", "application/json")
            .timeout(Duration::from_secs(10))
            .body(body);
        if let Some(authorization) = authorization {
            // Raw bytes: non-ASCII (obs-text) is allowed on the wire, and is fuzzed too.
            let value = HeaderValue::from_bytes(authorization.as_bytes())
                .expect("callers send only bytes a header may hold");
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("the server should answer");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        (
            status,
            content_type,
            response.text().await.unwrap_or_default(),
        )
    })
}

/// A server and a signed-in user's access token, so authenticated endpoints parse their bodies.
fn signed_in() -> (tokio::runtime::Runtime, TestApp, String) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(spawn_app());
    let access = runtime
        .block_on(app.register_ok("fuzz@example.com", PASSWORD))
        .tokens
        .access;
    (runtime, app, access)
}

fn assert_json_answer(status: u16, content_type: &str, body: &str) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "answered {status}: {body}");
    if status != 204 && status != 205 {
        prop_assert!(
            content_type.starts_with("application/json"),
            "{content_type}: {body}"
        );
        prop_assert!(
            serde_json::from_str::<Value>(body).is_ok(),
            "not JSON: {body}"
        );
    }
    Ok(())
}

/// Sends bodies from `bodies` to random JSON endpoints as a signed-in user.
fn fuzz_bodies(bodies: impl Strategy<Value = Vec<u8>>) {
    let (runtime, app, access) = signed_in();
    let strategy = (prop::sample::select(ENDPOINTS.to_vec()), bodies);
    runner()
        .run(&strategy, |(endpoint, body)| {
            let bearer = Some(format!("Bearer {access}"));
            let (status, content_type, text) = send(&runtime, &app, endpoint, body, bearer);
            assert_json_answer(status, &content_type, &text)
        })
        .unwrap();
}

#[test]
fn arbitrary_json_bodies_never_break_an_endpoint() {
    fuzz_bodies(json_value().prop_map(|body| serde_json::to_vec(&body).unwrap()));
}

#[test]
fn arbitrary_bytes_never_break_an_endpoint() {
    fuzz_bodies(prop::collection::vec(any::<u8>(), 0..512));
}

#[test]
fn mangled_tokens_are_refused_cleanly_everywhere() {
    let (runtime, app, access) = signed_in();
    // A valid token with one character replaced, cut short, or extended; or any string.
    let mangled = prop_oneof![
        (0..access.len(), any::<char>()).prop_map({
            let access = access.clone();
            move |(at, c)| {
                let mut chars: Vec<char> = access.chars().collect();
                chars[at] = c;
                chars.into_iter().collect::<String>()
            }
        }),
        (0..access.len()).prop_map({
            let access = access.clone();
            move |end| access[..end].to_owned()
        }),
        "[A-Za-z0-9_\\-]{0,40}\\.[A-Za-z0-9_\\-]{0,80}\\.[A-Za-z0-9_\\-]{0,43}",
        "\\PC{0,64}",
    ];
    runner()
        .run(&mangled, |token| {
            if token == access {
                return Ok(());
            }
            let header = format!("Bearer {token}");
            let sendable = HeaderValue::from_bytes(header.as_bytes()).is_ok();
            for endpoint in [("GET", "/api/user/"), ("GET", "/api/sessions/")]
                .into_iter()
                .filter(|_| sendable)
            {
                let (status, content_type, text) = send(
                    &runtime,
                    &app,
                    endpoint,
                    Vec::new(),
                    Some(format!("Bearer {token}")),
                );
                prop_assert!(
                    status == 401 || status == 400,
                    "{endpoint:?} answered {status}: {text}"
                );
                assert_json_answer(status, &content_type, &text)?;
            }
            for (path, field) in [
                ("/api/token/verify/", "token"),
                ("/api/token/refresh/", "refresh"),
            ] {
                let body = serde_json::to_vec(&serde_json::json!({ field: token })).unwrap();
                let (status, content_type, text) = send(&runtime, &app, ("POST", path), body, None);
                prop_assert!(
                    status == 401 || status == 400,
                    "{path} answered {status}: {text}"
                );
                assert_json_answer(status, &content_type, &text)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_token_parser_refuses_any_other_string_without_panicking() {
    let secret = SecretString::from("fuzz-".repeat(8));
    let tokens = TokenService::new(
        KeyRing::hmac(&secret, &[]),
        Issuer {
            issuer: "http://127.0.0.1:3000".into(),
            audience: None,
        },
        Duration::from_secs(60),
        Duration::from_secs(600),
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let subject = Subject {
        user_id: 1,
        email: "a@b.c",
        email_verified: false,
        session_id: "s",
        amr: Amr::Password,
    };
    let valid = tokens.issue_pair(subject, now + 600, now).access;
    let mut runner = runner();
    let cases = RunnerConfig {
        cases: runner.config().cases * 20,
        ..runner.config().clone()
    };
    runner = TestRunner::new(cases);
    runner
        .run(&"\\PC{0,300}", |candidate| {
            if candidate != valid {
                prop_assert!(tokens.verify_any(&candidate).is_err());
                prop_assert!(tokens.verify(&candidate, TokenType::Access).is_err());
            }
            Ok(())
        })
        .unwrap();
}
