//! Response headers that protect tokens and pages.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, spawn_app};

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
