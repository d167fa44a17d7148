//! Refresh-token rotation: each token is accepted once; the one just replaced gets the same new
//! pair back within the grace; any other reuse revokes the whole session and is audited.

use std::time::Duration;

use app::api::TokenPair;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    AuditRow, PASSWORD, TestApp, answer, assert_unauthorized, claim_i64, jwt_claims, sid,
    sleep_until_unix, spawn_app, spawn_app_with,
};

/// How many clients race with one refresh token.
const RACERS: usize = 50;

/// A server whose rotation has no grace: a replaced token presented again is always reuse.
async fn spawn_app_without_grace() -> TestApp {
    spawn_app_with(|config| config.refresh_reuse_grace = Duration::ZERO).await
}

/// `RACERS` refreshes with `refresh`, all in flight at once; each answer's status and body.
async fn race(app: &TestApp, refresh: &str) -> Vec<(StatusCode, Value)> {
    let responses = join_all((0..RACERS).map(|_| app.refresh(refresh))).await;
    join_all(responses.into_iter().map(|response| async move {
        let status = response.status();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{status}: body is not JSON ({error}): {text}"));
        (status, body)
    }))
    .await
}

#[tokio::test]
async fn a_refresh_token_used_again_after_the_grace_is_401_token_reused() {
    let app = spawn_app_without_grace().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    app.refresh_ok(&registered.tokens.refresh).await;

    let reused = assert_unauthorized(
        app.refresh(&registered.tokens.refresh).await,
        "token_reused",
    )
    .await;

    assert_eq!(
        reused.body,
        json!({
            "code": "token_reused",
            "detail": "Token was already used; the session has been revoked",
        })
    );
    assert_eq!(
        reused.header("www-authenticate"),
        "Bearer error=\"invalid_token\""
    );
}

#[tokio::test]
async fn within_the_grace_the_replaced_token_gets_the_same_pair_and_the_new_one_keeps_working() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let second = app.refresh_ok(&registered.tokens.refresh).await;

    let again = app.refresh_ok(&registered.tokens.refresh).await;

    assert_eq!(again, second, "the grace answers the pair already minted");
    let me = answer(app.get_user(&second.access).await, StatusCode::OK).await;
    assert_eq!(me.body["id"], registered.user.id);
    let third = app.refresh_ok(&second.refresh).await;
    assert_ne!(third.refresh, second.refresh);
    app.assert_session_works(&third).await;
}

#[tokio::test]
async fn a_token_older_than_the_one_just_replaced_is_reuse_even_within_the_grace() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let second = app.refresh_ok(&registered.tokens.refresh).await;
    let third = app.refresh_ok(&second.refresh).await;

    assert_unauthorized(
        app.refresh(&registered.tokens.refresh).await,
        "token_reused",
    )
    .await;

    app.assert_session_revoked(&third).await;
}

#[tokio::test]
async fn fifty_concurrent_refreshes_without_a_grace_let_exactly_one_win() {
    let app = spawn_app_without_grace().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let answers = race(&app, &registered.tokens.refresh).await;

    let statuses: Vec<StatusCode> = answers.iter().map(|(status, _)| *status).collect();
    let winners = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!((winners, refused), (1, RACERS - 1), "{statuses:?}");
    // The losers presented a used token: reuse, detected by the first loser; those after it
    // find the session already revoked.
    let codes: Vec<&str> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::UNAUTHORIZED)
        .map(|(_, body)| body["code"].as_str().unwrap_or_default())
        .collect();
    assert!(
        codes
            .iter()
            .all(|code| ["token_reused", "session_revoked"].contains(code)),
        "{codes:?}"
    );
    assert!(codes.contains(&"token_reused"), "{codes:?}");
}

#[tokio::test]
async fn fifty_concurrent_refreshes_within_the_grace_all_get_one_identical_pair() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let answers = race(&app, &registered.tokens.refresh).await;

    let statuses: Vec<StatusCode> = answers.iter().map(|(status, _)| *status).collect();
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    let pairs: Vec<TokenPair> = answers
        .into_iter()
        .map(|(_, body)| serde_json::from_value(body).expect("a token pair"))
        .collect();
    let minted = &pairs[0];
    assert!(
        pairs.iter().all(|pair| pair == minted),
        "more than one pair was minted"
    );
    assert_ne!(minted.refresh, registered.tokens.refresh);
    let session = sid(&minted.refresh);
    assert_eq!(session, sid(&registered.tokens.refresh));
    // The pair answered is the one the session stored as its next.
    let stored: (String, String) =
        sqlx::query_as("SELECT refresh_jti, access_jti FROM sessions WHERE id = $1")
            .bind(&session)
            .fetch_one(&app.database().await)
            .await
            .expect("the session row");
    assert_eq!(
        stored,
        (
            jwt_claims(&minted.refresh)["jti"]
                .as_str()
                .unwrap()
                .to_owned(),
            jwt_claims(&minted.access)["jti"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    );
    app.assert_session_works(minted).await;
}

#[tokio::test]
async fn reuse_revokes_the_whole_session_and_is_recorded_in_the_audit_trail() {
    let app = spawn_app_without_grace().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let first = registered.tokens;
    let mut latest = first.clone();
    for _ in 0..3 {
        latest = app.refresh_ok(&latest.refresh).await;
    }
    answer(app.get_user(&latest.access).await, StatusCode::OK).await;

    assert_unauthorized(app.refresh(&first.refresh).await, "token_reused").await;

    let refused = assert_unauthorized(app.refresh(&latest.refresh).await, "session_revoked").await;
    assert_eq!(refused.body["detail"], "Session has been revoked");
    assert_unauthorized(app.get_user(&latest.access).await, "session_revoked").await;
    assert_unauthorized(app.get_user(&first.access).await, "session_revoked").await;

    let session = sid(&first.refresh);
    let is_reuse = |row: &AuditRow| {
        row.0 == "token_reused"
            && row.1 == "failure"
            && row.2 == Some(registered.user.id)
            && row.3.as_deref() == Some(session.as_str())
            && row.4 == "127.0.0.1"
    };
    let events = app
        .audit_trail_until(|rows| rows.iter().any(is_reuse))
        .await;
    assert!(
        events.iter().any(is_reuse),
        "no token_reused event for session {session}: {events:?}"
    );
}

#[tokio::test]
async fn reuse_in_one_session_leaves_the_users_other_sessions_alone() {
    let app = spawn_app_without_grace().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let other = app.login_ok("ada@example.com", PASSWORD).await;
    app.refresh_ok(&registered.tokens.refresh).await;

    assert_unauthorized(
        app.refresh(&registered.tokens.refresh).await,
        "token_reused",
    )
    .await;

    app.assert_session_works(&other.tokens).await;
}

#[tokio::test]
async fn the_replaced_token_presented_once_the_grace_has_run_out_is_reuse() {
    let app = spawn_app_with(|config| config.refresh_reuse_grace = Duration::from_secs(1)).await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let second = app.refresh_ok(&registered.tokens.refresh).await;
    let rotated_at = claim_i64(&second.refresh, "iat");

    sleep_until_unix(rotated_at + 1).await;

    assert_unauthorized(
        app.refresh(&registered.tokens.refresh).await,
        "token_reused",
    )
    .await;
    app.assert_session_revoked(&second).await;
}
