//! `POST /api/password/change/`: proves the current password, validates the new one, and ends
//! every other session of the user.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, answer, assert_unauthorized, keys, spawn_app};

const NEW_PASSWORD: &str = "battery staple horse";

/// Asserts a 400 whose only field is `field`, with at least one message; returns the body.
async fn assert_only_field_error(response: reqwest::Response, field: &str) -> Value {
    let refused = answer(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(keys(&refused.body), [field], "{}", refused.body);
    let messages = refused.body[field].as_array().expect("a list of messages");
    assert!(
        !messages.is_empty() && messages.iter().all(Value::is_string),
        "{}",
        refused.body
    );
    refused.body
}

/// The password is unchanged: the old one signs in, the new one does not.
async fn assert_password_unchanged(app: &TestApp) {
    app.login_ok("ada@example.com", PASSWORD).await;
    assert_unauthorized(
        app.login("ada@example.com", NEW_PASSWORD).await,
        "authentication_failed",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_current_password_is_400_on_current_password() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let response = app
        .change_password(&ada.access, "not my password", NEW_PASSWORD, NEW_PASSWORD)
        .await;

    assert_only_field_error(response, "current_password").await;
    assert_password_unchanged(&app).await;
}

#[tokio::test]
async fn mismatched_new_passwords_are_400_on_new_password2() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let response = app
        .change_password(&ada.access, PASSWORD, NEW_PASSWORD, "battery staple horsE")
        .await;

    assert_only_field_error(response, "new_password2").await;
    assert_password_unchanged(&app).await;
}

#[tokio::test]
async fn a_too_short_new_password_is_400_on_new_password() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let response = app
        .change_password(&ada.access, PASSWORD, "short", "short")
        .await;

    let body = assert_only_field_error(response, "new_password").await;
    assert!(body.to_string().contains("too short"), "{body}");
    app.login_ok("ada@example.com", PASSWORD).await;
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let app = spawn_app().await;
    let here = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let elsewhere = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let bob = app.register_ok("bob@example.com", PASSWORD).await.tokens;

    let changed = answer(
        app.change_password(&here.access, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
            .await,
        StatusCode::OK,
    )
    .await;

    assert!(changed.body["detail"].is_string(), "{}", changed.body);
    app.assert_session_works(&here).await;
    app.assert_session_revoked(&elsewhere).await;
    app.assert_session_works(&bob).await;
    assert_unauthorized(
        app.login("ada@example.com", PASSWORD).await,
        "authentication_failed",
    )
    .await;
    app.login_ok("ada@example.com", NEW_PASSWORD).await;
}

#[tokio::test]
async fn changing_the_password_needs_an_access_token() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let anonymous = app
        .post_json(
            "/api/password/change/",
            &serde_json::json!({
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            }),
        )
        .await;
    assert_unauthorized(anonymous, "not_authenticated").await;
    assert_unauthorized(
        app.change_password(&ada.refresh, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
            .await,
        "token_not_valid",
    )
    .await;

    assert_password_unchanged(&app).await;
}
