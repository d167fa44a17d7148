//! `POST /api/token/verify/`: signature, lifetime and, for refresh tokens, not-yet-used; and
//! key rotation across servers.

use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{
    PASSWORD, answer, assert_field_errors, assert_unauthorized, spawn_app, spawn_app_with,
    test_secret,
};

#[tokio::test]
async fn a_valid_access_or_refresh_token_verifies_with_an_empty_object() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    for token in [&registered.tokens.access, &registered.tokens.refresh] {
        let verified = answer(app.verify(token).await, StatusCode::OK).await;

        assert_eq!(verified.body, json!({}));
    }
}

#[tokio::test]
async fn verify_works_without_a_trailing_slash() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let response = app
        .post_json(
            "/api/token/verify",
            &json!({ "token": registered.tokens.access }),
        )
        .await;

    assert_eq!(answer(response, StatusCode::OK).await.body, json!({}));
}

#[tokio::test]
async fn a_garbage_token_does_not_verify() {
    let app = spawn_app().await;

    for token in ["garbage", "a.b.c"] {
        assert_unauthorized(app.verify(token).await, "token_not_valid").await;
    }
}

#[tokio::test]
async fn a_used_refresh_token_no_longer_verifies() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let pair = answer(
        app.refresh(&registered.tokens.refresh).await,
        StatusCode::OK,
    )
    .await;

    assert_unauthorized(
        app.verify(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;

    let current = pair.body["refresh"].as_str().unwrap();
    answer(app.verify(current).await, StatusCode::OK).await;
}

#[tokio::test]
async fn verify_without_a_token_field_is_400() {
    let app = spawn_app().await;

    let response = app.post_json("/api/token/verify/", &json!({})).await;

    assert_field_errors(response, json!({ "token": ["This field is required."] })).await;
}

#[tokio::test]
async fn a_token_from_a_server_with_another_secret_does_not_verify() {
    let other = spawn_app_with(|config| {
        config.jwt_secret_key = Some(SecretString::from("other-".repeat(8)))
    })
    .await;
    let foreign = other.register_ok("ada@example.com", PASSWORD).await;
    let app = spawn_app().await;

    assert_unauthorized(app.verify(&foreign.tokens.access).await, "token_not_valid").await;
    assert_unauthorized(
        app.get_user(&foreign.tokens.access).await,
        "token_not_valid",
    )
    .await;
}

#[tokio::test]
async fn tokens_signed_with_a_previous_key_still_verify_after_a_key_rotation() {
    let before = spawn_app().await;
    let issued = before.register_ok("ada@example.com", PASSWORD).await;
    let after = spawn_app_with(|config| {
        config.jwt_secret_key = Some(SecretString::from("rotated-".repeat(6)));
        config.jwt_previous_secret_keys = vec![SecretString::from(test_secret())];
    })
    .await;

    let verified = answer(after.verify(&issued.tokens.access).await, StatusCode::OK).await;

    assert_eq!(verified.body, json!({}));
}
