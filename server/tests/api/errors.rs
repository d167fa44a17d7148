//! The API's error answers outside validation: 404, 405, 415, malformed JSON, 413 and 431, all JSON.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{answer, assert_unauthorized, keys, spawn_app};

/// The largest body every endpoint accepts.
const MAX_BODY_BYTES: usize = 16 * 1024;

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = spawn_app().await;

    for path in ["/api/whatever", "/api/whatever/", "/api/user/42/"] {
        let not_found = answer(app.get(path).await, StatusCode::NOT_FOUND).await;
        assert_eq!(not_found.body, json!({ "detail": "Not found." }), "{path}");
    }
    let posted = answer(
        app.post_json("/api/whatever/", &json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(posted.body, json!({ "detail": "Not found." }));
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = spawn_app().await;

    for path in [
        "/api/login/",
        "/api/login",
        "/api/register/",
        "/api/token/refresh/",
    ] {
        let refused = answer(app.get(path).await, StatusCode::METHOD_NOT_ALLOWED).await;
        assert!(
            refused.body["detail"].is_string(),
            "{path}: {}",
            refused.body
        );
    }
    let posted = answer(
        app.post_json("/api/user/", &json!({})).await,
        StatusCode::METHOD_NOT_ALLOWED,
    )
    .await;
    assert!(posted.body["detail"].is_string(), "{}", posted.body);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_json_415() {
    let app = spawn_app().await;
    let credentials = r#"{"email": "ada@example.com", "password": "correct horse battery"}"#;

    let text_plain = app
        .client
        .post(app.url("/api/login/"))
        .header(reqwest::header::CONTENT_TYPE, "text/plain")
        .body(credentials)
        .send()
        .await
        .unwrap();
    let form = app
        .client
        .post(app.url("/api/register/"))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body("email=ada%40example.com")
        .send()
        .await
        .unwrap();
    let no_content_type = app
        .client
        .post(app.url("/api/token/refresh/"))
        .body("{}")
        .send()
        .await
        .unwrap();

    for response in [text_plain, form, no_content_type] {
        let refused = answer(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        assert!(refused.body["detail"].is_string(), "{}", refused.body);
    }
}

async fn post_raw_json(app: &crate::helpers::TestApp, path: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_detail_and_no_field_keys() {
    let app = spawn_app().await;

    for body in [r#"{"email": "#, "not json", "", r#"{"email": "a@b.com",}"#] {
        let refused = answer(
            post_raw_json(&app, "/api/login/", body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;

        let object = refused.body.as_object().expect("an object");
        assert!(object["detail"].is_string(), "{body:?}: {}", refused.body);
        assert!(
            object.keys().all(|key| key == "detail" || key == "code"),
            "{body:?}: field keys in {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_400_with_a_detail() {
    let app = spawn_app().await;

    for body in [r#"{"email": 5, "password": "x"}"#, "[]", r#""text""#] {
        let refused = answer(
            post_raw_json(&app, "/api/login/", body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;

        assert!(
            refused.body["detail"].is_string(),
            "{body:?}: {}",
            refused.body
        );
        assert!(
            refused.body.get("email").is_none(),
            "{body:?}: {}",
            refused.body
        );
    }
}

#[tokio::test]
async fn a_body_over_16_kib_is_a_json_413() {
    let app = spawn_app().await;
    let body = json!({ "email": "a".repeat(MAX_BODY_BYTES + 1), "password": "x" });

    let refused = answer(
        app.post_json("/api/login/", &body).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;

    assert!(refused.body["detail"].is_string(), "{}", refused.body);
}

#[tokio::test]
async fn a_body_just_under_the_limit_is_read_and_validated() {
    let app = spawn_app().await;
    let body = json!({ "email": format!("{}@example.com", "a".repeat(MAX_BODY_BYTES - 200)) });

    let refused = answer(
        app.post_json("/api/register/", &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    assert_eq!(
        refused.body["email"],
        json!(["Enter a valid email address."])
    );
}

#[tokio::test]
async fn an_authorization_header_over_8_kib_is_a_json_431() {
    let app = spawn_app().await;
    let oversized = format!("Bearer {}", "a".repeat(8 * 1024));

    let refused = answer(
        app.get_with_authorization("/api/user/", &oversized).await,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    )
    .await;

    assert_eq!(keys(&refused.body), ["detail"]);
    // At the limit the header is read, and the token judged like any other.
    let at_limit = format!("Bearer {}", "a".repeat(8 * 1024 - "Bearer ".len()));
    assert_unauthorized(
        app.get_with_authorization("/api/user/", &at_limit).await,
        "token_not_valid",
    )
    .await;
}
