//! `/metrics`: Prometheus text with audit-event counters, rate-limit refusals, per-route
//! latency and the live-session gauge; behind a token when METRICS_TOKEN is set.

use reqwest::StatusCode;
use secrecy::SecretString;

use crate::helpers::{PASSWORD, TestApp, spawn_app, spawn_app_with};
use gatehouse::Rate;

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
    );
    response.text().await.unwrap()
}

/// The value of the sample named exactly `series` (name and labels), 0 if absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn counters_move_with_the_events_they_count() {
    let app = spawn_app().await;
    let logins = r#"gatehouse_auth_events_total{kind="login",outcome="success"}"#;
    let failures = r#"gatehouse_auth_events_total{kind="login",outcome="failure"}"#;
    let before = scrape(&app).await;
    assert_eq!(sample(&before, logins), 0.0);

    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    app.login_ok("ada@example.com", PASSWORD).await;
    app.login_ok("ada@example.com", PASSWORD).await;
    app.login("ada@example.com", "wrong password").await;
    app.get_user(&tokens.access).await;

    let after = scrape(&app).await;
    assert_eq!(sample(&after, logins), 2.0, "{after}");
    assert_eq!(sample(&after, failures), 1.0, "{after}");
    assert_eq!(
        sample(
            &after,
            r#"gatehouse_auth_events_total{kind="register",outcome="success"}"#
        ),
        1.0
    );
    assert_eq!(sample(&after, "gatehouse_active_sessions"), 3.0, "{after}");
    // Latency by route pattern, never by raw path.
    let user_reads = r#"gatehouse_http_request_duration_seconds_count{method="GET",route="/api/user",status="200"}"#;
    assert_eq!(sample(&after, user_reads), 1.0, "{after}");
    app.delete_session("not-a-session-id", Some(&tokens.access))
        .await;
    let later = scrape(&app).await;
    assert!(later.contains(r#"route="/api/sessions/{id}""#), "{later}");
    assert!(!later.contains("not-a-session-id"));
}

#[tokio::test]
async fn rate_limit_refusals_are_counted() {
    let app = spawn_app_with(|config| {
        config.rate_limit_enabled = true;
        config.rate_limit_per_ip = Rate::parse("1/min").unwrap();
    })
    .await;
    app.login("ada@example.com", "wrong password").await;
    app.login("ada@example.com", "wrong password").await;

    let text = scrape(&app).await;

    assert_eq!(
        sample(&text, r#"gatehouse_rate_limited_total{action="login"}"#),
        1.0,
        "{text}"
    );
}

#[tokio::test]
async fn with_a_token_configured_metrics_need_it() {
    let app = spawn_app_with(|config| {
        config.metrics_token = Some(SecretString::from("scrape-secret-123".to_owned()))
    })
    .await;

    assert_eq!(app.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
    let wrong = app.get_with_authorization("/metrics", "Bearer nope").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = app
        .get_with_authorization("/metrics", "Bearer scrape-secret-123")
        .await;
    assert_eq!(right.status(), StatusCode::OK);
}
