//! CORS: only the exact origins in CORS_ALLOWED_ORIGINS may read answers; a wildcard or the
//! `null` origin is refused at start-up.

use reqwest::{Method, StatusCode};

use crate::helpers::{TestApp, spawn_app, spawn_app_with, test_config};
use gatehouse::startup::Application;

const ALLOWED: &str = "https://app.example.com";

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(Method::OPTIONS, app.url("/api/token/refresh/"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .send()
        .await
        .expect("the request should reach the server")
}

#[tokio::test]
async fn a_listed_origin_may_call_the_api() {
    let app = spawn_app_with(|config| {
        config.cors_allowed_origins = vec![ALLOWED.to_owned(), "http://localhost:5173".to_owned()]
    })
    .await;

    let response = preflight(&app, ALLOWED).await;

    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], ALLOWED);
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let allowed_headers = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    let answer = app
        .client
        .get(app.url("/api/user/"))
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["access-control-allow-origin"], ALLOWED);
}

#[tokio::test]
async fn other_origins_get_no_cors_permission() {
    let allowing =
        spawn_app_with(|config| config.cors_allowed_origins = vec![ALLOWED.to_owned()]).await;
    let same_origin_only = spawn_app().await;

    for app in [&allowing, &same_origin_only] {
        for origin in [
            "https://evil.example.com",
            "https://app.example.com.evil.com",
            "null",
        ] {
            let response = preflight(app, origin).await;
            assert!(
                !response
                    .headers()
                    .contains_key("access-control-allow-origin"),
                "{origin} was allowed"
            );
        }
    }
}

#[tokio::test]
async fn wildcard_and_null_origins_are_refused_at_start() {
    for origin in ["*", "null", "app.example.com"] {
        let mut config = test_config();
        config.cors_allowed_origins = vec![origin.to_owned()];
        let error = match Application::build(config).await {
            Ok(_) => panic!("{origin} was accepted"),
            Err(error) => format!("{error:#}"),
        };
        assert!(error.contains("CORS_ALLOWED_ORIGINS"), "{error}");
    }
}
