//! Ending sessions with `POST /api/logout/`: access tokens die with their session at once, and
//! `scope` chooses which of the user's sessions end (current, others, all).

use app::api::TokenPair;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    PASSWORD, TestApp, answer, assert_unauthorized, keys, spawn_app, spawn_app_with,
};

/// Three sessions of ada and one of bob.
struct Sessions {
    ada: [TokenPair; 3],
    bob: TokenPair,
}

async fn sign_in_three_times_and_bob_once(app: &TestApp) -> Sessions {
    let first = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let second = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let third = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let bob = app.register_ok("bob@example.com", PASSWORD).await.tokens;
    Sessions {
        ada: [first, second, third],
        bob,
    }
}

#[tokio::test]
async fn an_access_token_is_refused_as_soon_as_its_session_logs_out() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let access = &registered.tokens.access;
    answer(app.get_user(access).await, StatusCode::OK).await;

    assert_eq!(
        app.logout(&registered.tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    let refused = assert_unauthorized(app.get_user(access).await, "session_revoked").await;
    assert_eq!(refused.body["detail"], "Session has been revoked");
    assert_eq!(
        refused.header("www-authenticate"),
        "Bearer error=\"invalid_token\""
    );
}

#[tokio::test]
async fn logging_out_without_a_scope_ends_only_the_current_session() {
    let app = spawn_app().await;
    let Sessions { ada, bob } = sign_in_three_times_and_bob_once(&app).await;

    assert_eq!(
        app.logout(&ada[0].refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    app.assert_session_revoked(&ada[0]).await;
    app.assert_session_works(&ada[1]).await;
    app.assert_session_works(&ada[2]).await;
    app.assert_session_works(&bob).await;
}

#[tokio::test]
async fn logging_out_with_scope_current_ends_only_the_current_session() {
    let app = spawn_app().await;
    let Sessions { ada, .. } = sign_in_three_times_and_bob_once(&app).await;

    assert_eq!(
        app.logout_with_scope(&ada[1].refresh, "current")
            .await
            .status(),
        StatusCode::RESET_CONTENT
    );

    app.assert_session_revoked(&ada[1]).await;
    app.assert_session_works(&ada[0]).await;
    app.assert_session_works(&ada[2]).await;
}

#[tokio::test]
async fn logging_out_with_scope_others_ends_every_other_session_of_the_user() {
    let app = spawn_app().await;
    let Sessions { ada, bob } = sign_in_three_times_and_bob_once(&app).await;

    assert_eq!(
        app.logout_with_scope(&ada[0].refresh, "others")
            .await
            .status(),
        StatusCode::RESET_CONTENT
    );

    app.assert_session_works(&ada[0]).await;
    app.assert_session_revoked(&ada[1]).await;
    app.assert_session_revoked(&ada[2]).await;
    app.assert_session_works(&bob).await;
}

#[tokio::test]
async fn logging_out_with_scope_all_ends_every_session_of_the_user() {
    let app = spawn_app().await;
    let Sessions { ada, bob } = sign_in_three_times_and_bob_once(&app).await;

    assert_eq!(
        app.logout_with_scope(&ada[2].refresh, "all").await.status(),
        StatusCode::RESET_CONTENT
    );

    for session in &ada {
        app.assert_session_revoked(session).await;
    }
    app.assert_session_works(&bob).await;
}

#[tokio::test]
async fn an_unknown_logout_scope_is_400_on_scope_and_ends_nothing() {
    let app = spawn_app().await;
    let Sessions { ada, .. } = sign_in_three_times_and_bob_once(&app).await;

    let refused = answer(
        app.logout_with_scope(&ada[0].refresh, "bogus").await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    assert_eq!(keys(&refused.body), ["scope"], "{}", refused.body);
    let messages = refused.body["scope"]
        .as_array()
        .expect("a list of messages");
    assert!(
        !messages.is_empty() && messages.iter().all(|message| message.is_string()),
        "{}",
        refused.body
    );
    for session in &ada {
        app.assert_session_works(session).await;
    }
}

#[tokio::test]
async fn a_scoped_logout_still_needs_the_live_refresh_token() {
    let app = spawn_app().await;
    let Sessions { ada, .. } = sign_in_three_times_and_bob_once(&app).await;
    let rotated = app.refresh_ok(&ada[0].refresh).await;

    for scope in ["others", "all"] {
        assert_unauthorized(
            app.logout_with_scope(&ada[0].refresh, scope).await,
            "token_not_valid",
        )
        .await;
    }
    assert_unauthorized(
        app.post_json(
            "/api/logout/",
            &json!({ "refresh": ada[1].access, "scope": "all" }),
        )
        .await,
        "token_not_valid",
    )
    .await;

    app.assert_session_works(&rotated).await;
    app.assert_session_works(&ada[1]).await;
    app.assert_session_works(&ada[2]).await;
}

#[tokio::test]
async fn a_server_started_after_a_logout_refuses_that_sessions_access_token_at_once() {
    let first = spawn_app().await;
    let ada = first.register_ok("ada@example.com", PASSWORD).await.tokens;
    assert_eq!(
        first.logout(&ada.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    let started_later =
        spawn_app_with(|config| config.database_url = Some(first.database_url.clone())).await;

    assert_unauthorized(started_later.get_user(&ada.access).await, "session_revoked").await;
}
