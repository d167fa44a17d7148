//! `POST /api/token/refresh/` (alias `/api/auth/refresh/`): the endpoint, its refusals and the
//! session's fixed end (the grace and reuse rules of rotation are in `rotation`).

use std::time::Duration;

use app::api::TokenPair;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    PASSWORD, answer, assert_field_errors, assert_unauthorized, claim_i64, jwt_claims, keys,
    sleep_past_expiry, sleep_until_unix, spawn_app, spawn_app_with,
};

async fn refreshed(response: reqwest::Response) -> TokenPair {
    let pair = answer(response, StatusCode::OK).await;
    assert_eq!(keys(&pair.body), ["access", "refresh"], "{}", pair.body);
    serde_json::from_value(pair.body).expect("a token pair")
}

#[tokio::test]
async fn refreshing_answers_a_new_pair_whose_access_token_works() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let pair = refreshed(app.refresh(&registered.tokens.refresh).await).await;

    assert_ne!(pair.refresh, registered.tokens.refresh);
    let me = answer(app.get_user(&pair.access).await, StatusCode::OK).await;
    assert_eq!(me.body["id"], registered.user.id);
}

#[tokio::test]
async fn the_auth_refresh_alias_and_the_slashless_spelling_rotate_too() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let first = refreshed(
        app.post_json(
            "/api/auth/refresh/",
            &json!({ "refresh": registered.tokens.refresh }),
        )
        .await,
    )
    .await;
    let second = refreshed(
        app.post_json("/api/token/refresh", &json!({ "refresh": first.refresh }))
            .await,
    )
    .await;

    assert_ne!(second.refresh, first.refresh);
}

#[tokio::test]
async fn an_access_token_is_not_accepted_as_a_refresh_token() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    assert_unauthorized(
        app.refresh(&registered.tokens.access).await,
        "token_not_valid",
    )
    .await;

    // The refused attempt did not consume the session's refresh token.
    refreshed(app.refresh(&registered.tokens.refresh).await).await;
}

#[tokio::test]
async fn a_garbage_refresh_token_is_401_token_not_valid() {
    let app = spawn_app().await;

    assert_unauthorized(app.refresh("garbage").await, "token_not_valid").await;
}

#[tokio::test]
async fn a_missing_or_blank_refresh_field_is_400() {
    let app = spawn_app().await;

    let missing = app.post_json("/api/token/refresh/", &json!({})).await;
    assert_field_errors(missing, json!({ "refresh": ["This field is required."] })).await;

    let blank = app
        .post_json("/api/token/refresh/", &json!({ "refresh": "" }))
        .await;
    assert_field_errors(
        blank,
        json!({ "refresh": ["This field may not be blank."] }),
    )
    .await;
}

#[tokio::test]
async fn rotation_never_extends_the_session() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let first = &registered.tokens.refresh;
    // Rotate in a later second than sign-in, so "now + lifetime" would differ from the
    // session's end.
    sleep_until_unix(claim_i64(first, "iat") + 1).await;

    let pair = refreshed(app.refresh(first).await).await;

    assert!(
        claim_i64(&pair.refresh, "iat") > claim_i64(first, "iat"),
        "rotation happened in a later second"
    );
    assert_eq!(claim_i64(&pair.refresh, "exp"), claim_i64(first, "exp"));
    assert!(claim_i64(&pair.access, "exp") <= claim_i64(first, "exp"));
    assert_eq!(jwt_claims(&pair.refresh)["sid"], jwt_claims(first)["sid"]);
}

#[tokio::test]
async fn an_expired_refresh_token_is_refused_and_caps_the_access_token() {
    let app =
        spawn_app_with(|config| config.jwt_refresh_token_lifetime = Duration::from_secs(1)).await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let refresh = &registered.tokens.refresh;
    // The access token never outlives its session, whatever its own lifetime.
    assert_eq!(
        claim_i64(&registered.tokens.access, "exp"),
        claim_i64(refresh, "exp")
    );

    sleep_past_expiry(claim_i64(refresh, "exp")).await;

    assert_unauthorized(app.refresh(refresh).await, "token_expired").await;
}
