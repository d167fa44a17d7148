//! `POST /api/logout/` (aliases `/api/auth/logout/`, `/api/token/blacklist/`): ending a session.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, answer, assert_field_errors, assert_unauthorized, spawn_app};

#[tokio::test]
async fn logging_out_answers_205_and_the_refresh_token_stops_working() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let response = app.logout(&registered.tokens.refresh).await;

    assert_eq!(response.status(), StatusCode::RESET_CONTENT);
    assert_eq!(
        response.text().await.unwrap(),
        "",
        "205 Reset Content carries no body"
    );
    assert_unauthorized(
        app.refresh(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;
    assert_unauthorized(
        app.verify(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;
}

#[tokio::test]
async fn a_second_logout_with_the_same_token_is_401() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    assert_eq!(
        app.logout(&registered.tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    let again = assert_unauthorized(
        app.logout(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;

    assert_eq!(again.body["detail"], "Token is blacklisted");
}

#[tokio::test]
async fn logging_out_with_a_rotated_refresh_token_ends_the_session() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let pair = answer(
        app.refresh(&registered.tokens.refresh).await,
        StatusCode::OK,
    )
    .await;
    let current = pair.body["refresh"].as_str().unwrap();

    assert_unauthorized(
        app.logout(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;
    assert_eq!(
        app.logout(current).await.status(),
        StatusCode::RESET_CONTENT
    );

    assert_unauthorized(app.refresh(current).await, "token_not_valid").await;
}

#[tokio::test]
async fn the_logout_aliases_end_their_session_too() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;

    for path in ["/api/auth/logout/", "/api/token/blacklist/", "/api/logout"] {
        let session = app.login_ok("ada@example.com", PASSWORD).await;

        let response = app
            .post_json(path, &json!({ "refresh": session.tokens.refresh }))
            .await;

        assert_eq!(response.status(), StatusCode::RESET_CONTENT, "{path}");
        assert_unauthorized(
            app.refresh(&session.tokens.refresh).await,
            "token_not_valid",
        )
        .await;
    }
}

#[tokio::test]
async fn logging_out_ends_only_that_session() {
    let app = spawn_app().await;
    let first = app.register_ok("ada@example.com", PASSWORD).await;
    let second = app.login_ok("ada@example.com", PASSWORD).await;

    assert_eq!(
        app.logout(&first.tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    answer(app.refresh(&second.tokens.refresh).await, StatusCode::OK).await;
}

#[tokio::test]
async fn an_access_token_cannot_log_out() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    assert_unauthorized(
        app.logout(&registered.tokens.access).await,
        "token_not_valid",
    )
    .await;

    answer(
        app.refresh(&registered.tokens.refresh).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn logout_without_a_refresh_field_is_400() {
    let app = spawn_app().await;

    let response = app.post_json("/api/logout/", &json!({})).await;

    assert_field_errors(response, json!({ "refresh": ["This field is required."] })).await;
}

#[tokio::test]
async fn logout_with_a_garbage_token_is_401() {
    let app = spawn_app().await;

    assert_unauthorized(app.logout("garbage").await, "token_not_valid").await;
}
