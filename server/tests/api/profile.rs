//! Editing the profile with `PATCH /api/user/`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, answer, assert_field_errors, assert_unauthorized, send_as, spawn_app,
};

impl TestApp {
    async fn patch_user(&self, access: Option<&str>, body: &Value) -> reqwest::Response {
        send_as(self.client.patch(self.url("/api/user/")).json(body), access).await
    }
}

#[tokio::test]
async fn both_names_change_and_the_profile_shows_them() {
    let app = spawn_app().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let body = json!({ "first_name": "  Ada ", "last_name": "Lovelace" });
    let updated = answer(
        app.patch_user(Some(&tokens.access), &body).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            updated.body["first_name"].as_str(),
            updated.body["last_name"].as_str()
        ),
        (Some("Ada"), Some("Lovelace"))
    );

    let profile = answer(app.get_user(&tokens.access).await, StatusCode::OK).await;
    assert_eq!(profile.body, updated.body);
}

#[tokio::test]
async fn a_profile_read_just_before_an_edit_shows_the_edit_at_once() {
    let app = spawn_app().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    answer(app.get_user(&tokens.access).await, StatusCode::OK).await;

    let body = json!({ "first_name": "Augusta" });
    answer(
        app.patch_user(Some(&tokens.access), &body).await,
        StatusCode::OK,
    )
    .await;

    let profile = answer(app.get_user(&tokens.access).await, StatusCode::OK).await;
    assert_eq!(profile.body["first_name"], "Augusta");
}

#[tokio::test]
async fn a_field_left_out_keeps_its_value() {
    let app = spawn_app().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    app.patch_user(
        Some(&tokens.access),
        &json!({ "first_name": "Ada", "last_name": "Lovelace" }),
    )
    .await;

    let updated = answer(
        app.patch_user(Some(&tokens.access), &json!({ "last_name": "King" }))
            .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(
        (
            updated.body["first_name"].as_str(),
            updated.body["last_name"].as_str()
        ),
        (Some("Ada"), Some("King"))
    );
}

#[tokio::test]
async fn a_name_over_150_characters_is_a_field_error_and_changes_nothing() {
    let app = spawn_app().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let body = json!({ "first_name": "Ada", "last_name": "x".repeat(151) });
    assert_field_errors(
        app.patch_user(Some(&tokens.access), &body).await,
        json!({ "last_name": ["Ensure this field has no more than 150 characters."] }),
    )
    .await;

    let profile = answer(app.get_user(&tokens.access).await, StatusCode::OK).await;
    assert_eq!(profile.body["first_name"], "");
}

#[tokio::test]
async fn editing_the_profile_needs_an_access_token() {
    let app = spawn_app().await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    assert_unauthorized(
        app.patch_user(None, &json!({ "first_name": "Eve" })).await,
        "not_authenticated",
    )
    .await;
    assert_unauthorized(
        app.patch_user(Some(&tokens.refresh), &json!({ "first_name": "Eve" }))
            .await,
        "token_not_valid",
    )
    .await;
}
