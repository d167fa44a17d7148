//! The password policy over HTTP: common passwords, passwords like the account's names, the
//! configurable minimum and the 128-character maximum, at registration and password change.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, assert_field_errors, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_common_password_is_refused_with_the_reason() {
    let app = spawn_app().await;

    let response = app.register("ada@example.com", "Password123").await;

    assert_field_errors(
        response,
        json!({ "password": ["This password is too common."] }),
    )
    .await;
}

#[tokio::test]
async fn a_password_like_the_username_or_email_is_refused() {
    let app = spawn_app().await;

    // The test helper registers with the email's local part as the username.
    let response = app.register("lovelace@example.com", "lovelace1").await;

    assert_field_errors(
        response,
        json!({ "password": ["The password is too similar to the username."] }),
    )
    .await;
}

#[tokio::test]
async fn a_password_over_128_characters_is_refused_not_truncated() {
    let app = spawn_app().await;
    let long = "correct horse battery staple ".repeat(5);
    assert!(long.chars().count() > 128);

    let response = app.register("ada@example.com", &long).await;

    assert_field_errors(
        response,
        json!({ "password": ["Ensure this field has no more than 128 characters."] }),
    )
    .await;
    // Its first 128 characters are not an account's password either.
    let prefix: String = long.chars().take(128).collect();
    assert_eq!(
        app.login("ada@example.com", &prefix).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_minimum_length_follows_the_configuration() {
    let app = spawn_app_with(|config| config.password_min_length = 14).await;

    let short = app.register("ada@example.com", "horse staple!").await;
    assert_field_errors(
        short,
        json!({ "password": ["This password is too short. It must contain at least 14 characters."] }),
    )
    .await;
    let long_enough = app.register("ada@example.com", "horse staple!!").await;
    assert_eq!(long_enough.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_new_password_meets_the_same_policy() {
    let app = spawn_app().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let response = app
        .change_password(&tokens.access, PASSWORD, "iloveyou123", "iloveyou123")
        .await;

    assert_field_errors(
        response,
        json!({ "new_password": ["This password is too common."] }),
    )
    .await;
    // The old password still works.
    app.login_ok("ada@example.com", PASSWORD).await;
}
