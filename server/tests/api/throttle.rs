//! Rate limits: per client address and per account, 429 `throttled` with `Retry-After`,
//! `X-Forwarded-For` believed only from trusted proxies, and off with RATE_LIMIT_ENABLED=false.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, answer, spawn_app, spawn_app_with};
use gatehouse::Rate;
use gatehouse::TrustedProxies;

/// A server with rate limits on: `per_ip` and `per_account` as `N/min`.
async fn spawn_limited(per_ip: &str, per_account: &str, trusted: &str) -> TestApp {
    let (per_ip, per_account) = (
        Rate::parse(per_ip).unwrap(),
        Rate::parse(per_account).unwrap(),
    );
    let trusted = TrustedProxies::parse(trusted).unwrap();
    spawn_app_with(|config| {
        config.rate_limit_enabled = true;
        config.rate_limit_per_ip = per_ip;
        config.rate_limit_per_account = per_account;
        config.trusted_proxies = trusted;
    })
    .await
}

/// A sign-in attempt as if from `forwarded_for` (an `X-Forwarded-For` value).
async fn login_from(app: &TestApp, email: &str, forwarded_for: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/login/"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "email": email, "password": "wrong password" }))
        .send()
        .await
        .expect("the request should reach the server")
}

async fn assert_throttled(response: reqwest::Response) {
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is a number of seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    let throttled = answer(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(throttled.body["code"], "throttled");
    assert_eq!(
        throttled.body["detail"],
        format!("Request was throttled. Expected available in {retry_after} seconds.")
    );
}

#[tokio::test]
async fn sign_ins_from_one_address_are_throttled_after_the_limit() {
    let app = spawn_limited("3/min", "100/min", "").await;
    for n in 0..3 {
        let email = format!("user{n}@example.com");
        assert_eq!(
            app.login(&email, "wrong password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    assert_throttled(app.login("another@example.com", "wrong password").await).await;
    // Even the right password waits: the limit comes before any check.
    assert_throttled(app.login("user0@example.com", PASSWORD).await).await;
}

#[tokio::test]
async fn an_account_is_throttled_from_any_address() {
    let app = spawn_limited("100/min", "2/min", "127.0.0.1").await;
    for address in ["198.51.100.1", "198.51.100.2"] {
        let response = login_from(&app, "ada@example.com", address).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }

    // A new address does not reset the account's budget (spelled differently, too).
    assert_throttled(login_from(&app, " ADA@example.com", "198.51.100.3").await).await;
    // Other accounts are not affected.
    let other = login_from(&app, "bob@example.com", "198.51.100.3").await;
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let direct = spawn_limited("2/min", "100/min", "").await;
    for n in 0..2 {
        let response = login_from(
            &direct,
            &format!("u{n}@example.com"),
            &format!("203.0.113.{n}"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Claiming yet another address does not help a client that is not a trusted proxy.
    assert_throttled(login_from(&direct, "u9@example.com", "203.0.113.9").await).await;

    let proxied = spawn_limited("2/min", "100/min", "127.0.0.0/8").await;
    for n in 0..4 {
        // Behind the proxy, each forwarded address is a client of its own.
        let response = login_from(
            &proxied,
            &format!("u{n}@example.com"),
            &format!("203.0.113.{n}"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "client {n}");
    }
}

#[tokio::test]
async fn registration_refresh_and_password_change_have_limits_too() {
    let app = spawn_limited("100/min", "2/min", "").await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    // Refresh: the user's budget of 2, then 429.
    let next = app.refresh_ok(&tokens.refresh).await;
    let next = app.refresh_ok(&next.refresh).await;
    assert_throttled(app.refresh(&next.refresh).await).await;
    // The throttled token was not consumed: it still works once the budget refills, and
    // meanwhile the session itself is intact.
    answer(app.get_user(&next.access).await, StatusCode::OK).await;

    // Password change: wrong current passwords spend the user's budget.
    for _ in 0..2 {
        let response = app
            .change_password(
                &next.access,
                "not my password",
                "a brand new passphrase",
                "a brand new passphrase",
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    assert_throttled(
        app.change_password(
            &next.access,
            PASSWORD,
            "a brand new passphrase",
            "a brand new passphrase",
        )
        .await,
    )
    .await;

    // Registration: per email.
    assert_eq!(
        app.register("bob@example.com", "bad").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.register("bob@example.com", "bad").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_throttled(app.register("bob@example.com", PASSWORD).await).await;
}

#[tokio::test]
async fn with_rate_limits_off_nothing_is_throttled() {
    // The test servers run with RATE_LIMIT_ENABLED=false, as load tests do.
    let app = spawn_app().await;
    for _ in 0..40 {
        assert_eq!(
            app.login("ada@example.com", "wrong password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
}
