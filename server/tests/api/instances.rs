//! Several server instances on one database: rotation and revocation hold across them.

use std::time::{Duration, Instant};

use futures::future::join_all;
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, assert_unauthorized, spawn_app_with};

/// Two instances on one fresh database, without the reuse grace.
async fn two_instances() -> (TestApp, TestApp) {
    let first = spawn_app_with(|config| config.refresh_reuse_grace = Duration::ZERO).await;
    let url = first.database_url.clone();
    let second = spawn_app_with(|config| {
        config.database_url = Some(url);
        config.refresh_reuse_grace = Duration::ZERO;
    })
    .await;
    (first, second)
}

/// How soon a revocation on one instance must reach the others: PostgreSQL pushes it
/// (LISTEN/NOTIFY); SQLite is polled every second.
fn propagation_bound(app: &TestApp) -> Duration {
    if app.database_url.starts_with("postgres") {
        Duration::from_secs(1)
    } else {
        Duration::from_secs(2)
    }
}

#[tokio::test]
async fn a_token_refreshed_on_one_instance_is_reuse_when_replayed_on_another() {
    let (a, b) = two_instances().await;
    let original = a.register_ok("ada@example.com", PASSWORD).await.tokens;
    let rotated = a.refresh_ok(&original.refresh).await;

    assert_unauthorized(b.refresh(&original.refresh).await, "token_reused").await;

    // Reuse ends the whole session, on both instances.
    assert_unauthorized(a.refresh(&rotated.refresh).await, "session_revoked").await;
    assert_unauthorized(b.get_user(&rotated.access).await, "session_revoked").await;
}

#[tokio::test]
async fn concurrent_refreshes_across_instances_let_exactly_one_win() {
    let (a, b) = two_instances().await;
    let tokens = a.register_ok("ada@example.com", PASSWORD).await.tokens;

    let attempts = (0..20).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        app.refresh(&tokens.refresh)
    });
    let statuses: Vec<StatusCode> = join_all(attempts)
        .await
        .iter()
        .map(|r| r.status())
        .collect();

    let wins = statuses
        .iter()
        .filter(|status| **status == StatusCode::OK)
        .count();
    assert_eq!(wins, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_logout_on_one_instance_stops_the_access_token_on_another_within_the_bound() {
    let (a, b) = two_instances().await;
    let tokens = a.register_ok("ada@example.com", PASSWORD).await.tokens;
    assert_eq!(b.get_user(&tokens.access).await.status(), StatusCode::OK);

    assert_eq!(
        a.logout(&tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );
    let logged_out = Instant::now();

    let bound = propagation_bound(&a);
    loop {
        let response = b.get_user(&tokens.access).await;
        if response.status() == StatusCode::UNAUTHORIZED {
            assert_unauthorized(response, "session_revoked").await;
            break;
        }
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            logged_out.elapsed() < bound,
            "after {:?} the other instance still accepts the access token of a session logged out elsewhere",
            logged_out.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_unauthorized(b.refresh(&tokens.refresh).await, "session_revoked").await;
}

#[tokio::test]
async fn a_profile_edit_on_one_instance_shows_on_another_within_a_second_or_so() {
    let (first, second) = two_instances().await;
    let tokens = first.register_ok("ada@example.com", PASSWORD).await.tokens;
    // The second instance has just read (and may keep) the profile.
    let before: serde_json::Value = second.get_user(&tokens.access).await.json().await.unwrap();
    assert_eq!(before["first_name"], "");

    let edited = first
        .client
        .patch(first.url("/api/user/"))
        .bearer_auth(&tokens.access)
        .json(&serde_json::json!({ "first_name": "Augusta" }))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), StatusCode::OK);

    // Bound: the cache's freshness (gatehouse::user_cache::FRESH_FOR) and a margin.
    let deadline = Instant::now() + gatehouse::user_cache::FRESH_FOR + Duration::from_secs(1);
    loop {
        let profile: serde_json::Value =
            second.get_user(&tokens.access).await.json().await.unwrap();
        if profile["first_name"] == "Augusta" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the second instance still shows {profile}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
