//! Sign-in: `POST /api/login/`, its alias `/api/auth/login/`, and simplejwt's `/api/token/`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, answer, assert_field_errors, keys, spawn_app};

const BAD_CREDENTIALS: &str = "No active account found with the given credentials";

#[tokio::test]
async fn logging_in_answers_the_user_and_a_fresh_working_token_pair() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let signed_in = app.login_ok("ada@example.com", PASSWORD).await;

    assert_eq!(signed_in.user, registered.user);
    assert_ne!(signed_in.tokens.refresh, registered.tokens.refresh);
    assert_ne!(signed_in.tokens.access, registered.tokens.access);
    let me = answer(app.get_user(&signed_in.tokens.access).await, StatusCode::OK).await;
    assert_eq!(me.body["email"], "ada@example.com");
}

#[tokio::test]
async fn the_auth_login_alias_and_the_slashless_spelling_sign_in_too() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let credentials = json!({ "email": "ada@example.com", "password": PASSWORD });

    for path in ["/api/auth/login/", "/api/login"] {
        let signed_in = answer(app.post_json(path, &credentials).await, StatusCode::OK).await;

        assert_eq!(signed_in.body["user"]["id"], registered.user.id, "{path}");
        assert!(
            signed_in.body["tokens"]["access"].is_string(),
            "{path}: {}",
            signed_in.body
        );
    }
}

#[tokio::test]
async fn the_token_endpoint_answers_only_the_pair() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;

    let response = app
        .post_json(
            "/api/token/",
            &json!({ "email": "ada@example.com", "password": PASSWORD }),
        )
        .await;

    let pair = answer(response, StatusCode::OK).await;
    assert_eq!(keys(&pair.body), ["access", "refresh"], "{}", pair.body);
    let access = pair.body["access"].as_str().unwrap();
    answer(app.get_user(access).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;

    let wrong_password = answer(
        app.login("ada@example.com", "not the password").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let unknown_email = answer(
        app.login("nobody@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let expected = json!({ "detail": BAD_CREDENTIALS, "code": "authentication_failed" });
    assert_eq!(wrong_password.body, expected);
    assert_eq!(unknown_email.body, expected);
    assert_eq!(wrong_password.header("www-authenticate"), "Bearer");
    assert_eq!(unknown_email.header("www-authenticate"), "Bearer");
}

#[tokio::test]
async fn the_token_endpoint_refuses_a_wrong_password_like_login() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;

    let response = app
        .post_json(
            "/api/token/",
            &json!({ "email": "ada@example.com", "password": "not the password" }),
        )
        .await;

    let refused = answer(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(
        refused.body,
        json!({ "detail": BAD_CREDENTIALS, "code": "authentication_failed" })
    );
}

#[tokio::test]
async fn a_malformed_email_gets_the_same_401_as_an_unknown_one() {
    let app = spawn_app().await;

    let refused = answer(
        app.login("not-an-email", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    assert_eq!(
        refused.body,
        json!({ "detail": BAD_CREDENTIALS, "code": "authentication_failed" })
    );
}

#[tokio::test]
async fn the_email_is_matched_case_insensitively() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let signed_in = app.login_ok("  ADA@Example.com ", PASSWORD).await;

    assert_eq!(signed_in.user.id, registered.user.id);
}

#[tokio::test]
async fn the_password_is_matched_exactly() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;

    let response = app.login("ada@example.com", &PASSWORD.to_uppercase()).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn missing_login_fields_are_reported_as_required() {
    let app = spawn_app().await;

    let response = app.post_json("/api/login/", &json!({})).await;

    let required = json!(["This field is required."]);
    assert_field_errors(response, json!({ "email": required, "password": required })).await;
}

#[tokio::test]
async fn blank_login_fields_are_reported_as_blank() {
    let app = spawn_app().await;

    let response = app
        .post_json("/api/token/", &json!({ "email": " ", "password": "" }))
        .await;

    let blank = json!(["This field may not be blank."]);
    assert_field_errors(response, json!({ "email": blank, "password": blank })).await;
}
