//! How sessions end on their own: a fixed absolute end that rotation never extends, and an
//! idle timeout counted from the last refresh.

use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{
    PASSWORD, answer, assert_unauthorized, claim_i64, sleep_past_expiry, sleep_until_unix,
    spawn_app_with,
};

#[tokio::test]
async fn rotation_never_moves_the_sessions_absolute_end() {
    let app = spawn_app_with(|config| {
        config.jwt_refresh_token_lifetime = Duration::from_secs(3);
        config.jwt_access_token_lifetime = Duration::from_secs(3);
    })
    .await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let first = &registered.tokens.refresh;
    let (signed_in_at, session_end) = (claim_i64(first, "iat"), claim_i64(first, "exp"));
    assert_eq!(session_end - signed_in_at, 3);

    let mut latest = app.refresh_ok(first).await;
    let mut issued = vec![latest.clone()];
    for second in [1, 2] {
        sleep_until_unix(signed_in_at + second).await;
        latest = app.refresh_ok(&latest.refresh).await;
        issued.push(latest.clone());
    }

    for pair in &issued {
        assert_eq!(claim_i64(&pair.refresh, "exp"), session_end);
        assert!(claim_i64(&pair.access, "exp") <= session_end);
    }
    assert!(
        claim_i64(&latest.refresh, "iat") >= signed_in_at + 2,
        "the last rotation happened two seconds after sign-in"
    );
    // At the session's end the newest token is still within its verification leeway, but the
    // session itself has ended.
    sleep_until_unix(session_end).await;
    assert_unauthorized(app.refresh(&latest.refresh).await, "session_expired").await;
    // Once past the leeway the token itself is expired.
    sleep_past_expiry(session_end).await;
    assert_unauthorized(app.refresh(&latest.refresh).await, "token_expired").await;
}

#[tokio::test]
async fn a_session_unused_for_longer_than_the_idle_timeout_ends() {
    let app = spawn_app_with(|config| {
        config.session_idle_timeout = Some(Duration::from_secs(2));
    })
    .await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let signed_in_at = claim_i64(&registered.tokens.refresh, "iat");
    assert!(
        claim_i64(&registered.tokens.refresh, "exp") - signed_in_at >= 24 * 60 * 60,
        "the refresh token itself lives long"
    );

    // Each refresh counts as use: at two seconds after sign-in the session lives, because it
    // was last used one second ago.
    sleep_until_unix(signed_in_at + 1).await;
    let used = app.refresh_ok(&registered.tokens.refresh).await;
    sleep_until_unix(signed_in_at + 2).await;
    let last = app.refresh_ok(&used.refresh).await;
    let last_used_at = claim_i64(&last.refresh, "iat");

    sleep_until_unix(last_used_at + 3).await;

    let refused = assert_unauthorized(app.refresh(&last.refresh).await, "session_expired").await;
    assert_eq!(refused.body["detail"], "Session has expired");
    let listed = answer(app.list_sessions(&last.access).await, StatusCode::OK).await;
    assert_eq!(
        listed.body,
        serde_json::json!([]),
        "an idle session is not listed"
    );
}

#[tokio::test]
async fn an_access_token_is_refused_from_exp_plus_the_leeway_to_the_second() {
    let app = spawn_app_with(|config| {
        config.jwt_access_token_lifetime = Duration::from_secs(2);
    })
    .await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let exp = claim_i64(&registered.tokens.access, "exp");
    // Within the one-second leeway the token still works...
    sleep_until_unix(exp).await;
    answer(
        app.get_user(&registered.tokens.access).await,
        StatusCode::OK,
    )
    .await;
    // ...and from exp + 1 s on it does not (it used to work until exp + 2 s).
    sleep_until_unix(exp + 1).await;
    assert_unauthorized(
        app.get_user(&registered.tokens.access).await,
        "token_expired",
    )
    .await;
}
