//! `/api/openapi.json`: an OpenAPI 3 description that covers every route the server answers,
//! and nothing it does not.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, send_as, sid, spawn_app};

/// Every route the API serves: the SPEC's contract, its aliases, and Gatehouse's own.
const ROUTES: [(&str, &str); 19] = [
    ("post", "/api/register"),
    ("post", "/api/login"),
    ("post", "/api/auth/login"),
    ("post", "/api/token"),
    ("post", "/api/token/refresh"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/token/verify"),
    ("post", "/api/logout"),
    ("post", "/api/auth/logout"),
    ("post", "/api/token/blacklist"),
    ("get", "/api/user"),
    ("patch", "/api/user"),
    ("get", "/api/sessions"),
    ("delete", "/api/sessions/{id}"),
    ("post", "/api/password/change"),
    ("get", "/api/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
];

async fn document() -> (crate::helpers::TestApp, Value) {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.unwrap();
    (app, document)
}

/// Every (method, path) the document describes.
fn operations(document: &Value) -> Vec<(String, String)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                operations.push((method.to_owned(), path.clone()));
            }
        }
    }
    operations.sort();
    operations
}

#[tokio::test]
async fn the_description_lists_exactly_the_routes_served() {
    let (_, document) = document().await;
    assert!(document["openapi"].as_str().unwrap().starts_with('3'));
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    expected.sort();

    assert_eq!(operations(&document), expected);
    // Request and answer bodies are described, and the bearer scheme is declared.
    let login = &document["paths"]["/api/login"]["post"];
    assert!(login["requestBody"].is_object(), "{login}");
    assert!(login["responses"]["401"].is_object(), "{login}");
    for limited in [
        "/api/login",
        "/api/register",
        "/api/token/refresh",
        "/api/password/change",
    ] {
        let responses = &document["paths"][limited]["post"]["responses"];
        assert!(responses["429"].is_object(), "{limited}: {responses}");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(document["components"]["schemas"]["AuthResponse"].is_object());
}

#[tokio::test]
async fn every_described_operation_is_answered_by_its_handler() {
    let (app, document) = document().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let own_session = sid(&app
        .login_ok("ada@example.com", PASSWORD)
        .await
        .tokens
        .refresh);

    for (method, path) in operations(&document) {
        let url = app.url(&path.replace("{id}", &own_session));
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let request = app.client.request(method.clone(), url).json(&json!({}));
        let response = send_as(request, Some(&tokens.access)).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        // The router's own fallbacks answer 404 "Not found." and 405: a handler answers
        // anything else (here mostly 400 for the empty body, or success).
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("Not found.")),
            "{method} {path} is not routed"
        );
    }
}
