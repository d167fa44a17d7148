//! `POST /api/logout/` (aliases `/api/auth/logout/`, `/api/token/blacklist/`): ending a session.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, answer, assert_field_errors, assert_unauthorized, spawn_app};

#[tokio::test]
async fn logging_out_answers_205_and_ends_the_session() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    answer(
        app.get_user(&registered.tokens.access).await,
        StatusCode::OK,
    )
    .await;

    let response = app.logout(&registered.tokens.refresh).await;

    assert_eq!(response.status(), StatusCode::RESET_CONTENT);
    assert_eq!(
        response.text().await.unwrap(),
        "",
        "205 Reset Content carries no body"
    );
    assert_unauthorized(
        app.refresh(&registered.tokens.refresh).await,
        "session_revoked",
    )
    .await;
    assert_unauthorized(
        app.get_user(&registered.tokens.access).await,
        "session_revoked",
    )
    .await;
    assert_unauthorized(
        app.verify(&registered.tokens.refresh).await,
        "session_revoked",
    )
    .await;
}

#[tokio::test]
async fn a_second_logout_with_the_same_token_is_401_session_revoked() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    assert_eq!(
        app.logout(&registered.tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    let again = assert_unauthorized(
        app.logout(&registered.tokens.refresh).await,
        "session_revoked",
    )
    .await;

    assert_eq!(again.body["detail"], "Session has been revoked");
}

#[tokio::test]
async fn logging_out_needs_the_live_refresh_token_not_one_already_rotated() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let current = app.refresh_ok(&registered.tokens.refresh).await;

    let stale = assert_unauthorized(
        app.logout(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;
    assert_eq!(stale.body["detail"], "Token is blacklisted");

    // The refused logout ended nothing: the live token still logs out, and that ends it.
    answer(app.get_user(&current.access).await, StatusCode::OK).await;
    assert_eq!(
        app.logout(&current.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );
    app.assert_session_revoked(&current).await;
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
        app.assert_session_revoked(&session.tokens).await;
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
