//! Response headers that protect tokens and pages.

use reqwest::StatusCode;

use gatehouse::config::AppEnv;
use gatehouse::config::email::EmailBackend;

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with};

#[tokio::test]
async fn answers_carrying_tokens_are_never_cached() {
    let app = spawn_app().await;
    let registered = app.register("ada@example.com", PASSWORD).await;
    assert_eq!(registered.headers()["cache-control"], "no-store");
    let tokens = app.login_ok("ada@example.com", PASSWORD).await.tokens;

    for response in [
        app.login("ada@example.com", PASSWORD).await,
        app.refresh(&tokens.refresh).await,
        app.get_user(&tokens.access).await,
        app.login("ada@example.com", "wrong password").await,
    ] {
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "{}",
            response.url()
        );
    }
}

#[tokio::test]
async fn pages_and_answers_forbid_sniffing_framing_and_leaky_referrers() {
    let app = spawn_app().await;
    for path in ["/login", "/api/nothing-here/"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
    assert_eq!(app.get("/login").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_naming_their_scripts_nonce() {
    let app = spawn_app().await;
    for path in ["/login", "/", "/no-such-page"] {
        let response = app.get(path).await;
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = response.text().await.unwrap();
        let nonce = html
            .split("nonce=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{path}: no nonce on the page's scripts"));
        assert!(
            policy.contains(&format!(
                "script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"
            )),
            "{path}: {policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("object-src 'none'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(!policy.contains("'unsafe-eval'"), "{policy}");
    }
    // A fresh nonce per response.
    let first = app.get("/login").await.headers()["content-security-policy"].clone();
    let second = app.get("/login").await.headers()["content-security-policy"].clone();
    assert_ne!(first, second);
}

#[tokio::test]
async fn api_answers_may_run_and_frame_nothing() {
    let app = spawn_app().await;
    let response = app.get("/api/user/").await;
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

#[tokio::test]
async fn production_asks_browsers_for_https_only() {
    let development = spawn_app().await;
    assert!(
        !development
            .get("/login")
            .await
            .headers()
            .contains_key("strict-transport-security")
    );

    let production = spawn_app_with(|config| {
        config.app_env = AppEnv::Production;
        config.public_url = Some("https://auth.example.com".into());
        config.email_backend = Some(EmailBackend::Log);
    })
    .await;
    for path in ["/login", "/api/user/", "/healthz"] {
        let response = production.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=63072000; includeSubDomains",
            "{path}"
        );
        assert!(
            !response.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("ws:"),
            "no live-reload socket in production"
        );
    }
}
