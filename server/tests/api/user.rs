//! `GET /api/user/`: the signed-in user, and every way a Bearer access token is refused.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    PASSWORD, answer, assert_unauthorized, claim_i64, encode_part, jwt_claims, jwt_header,
    sleep_past_expiry, spawn_app, spawn_app_with,
};

const INVALID_TOKEN_CHALLENGE: &str = "Bearer error=\"invalid_token\"";

#[tokio::test]
async fn the_user_endpoint_answers_the_signed_in_user_with_and_without_a_trailing_slash() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let bearer = format!("Bearer {}", registered.tokens.access);

    for path in ["/api/user/", "/api/user"] {
        let me = answer(
            app.get_with_authorization(path, &bearer).await,
            StatusCode::OK,
        )
        .await;

        let user: app::api::User = serde_json::from_value(me.body).expect("a User");
        assert_eq!(user, registered.user, "{path}");
    }
}

#[tokio::test]
async fn a_request_without_a_token_is_401_not_authenticated() {
    let app = spawn_app().await;

    let refused = assert_unauthorized(app.get("/api/user/").await, "not_authenticated").await;

    assert_eq!(refused.header("www-authenticate"), "Bearer");
}

#[tokio::test]
async fn an_authorization_header_of_another_scheme_is_401_not_authenticated() {
    let app = spawn_app().await;

    for authorization in ["Basic YWRhOnBhc3N3b3Jk", "Bearer ", "Token abc"] {
        let response = app
            .get_with_authorization("/api/user/", authorization)
            .await;

        assert_unauthorized(response, "not_authenticated").await;
    }
}

#[tokio::test]
async fn a_garbage_token_is_401_token_not_valid_with_the_invalid_token_challenge() {
    let app = spawn_app().await;

    for token in ["garbage", "not.a.jwt", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"] {
        let refused = assert_unauthorized(app.get_user(token).await, "token_not_valid").await;

        assert_eq!(
            refused.header("www-authenticate"),
            INVALID_TOKEN_CHALLENGE,
            "{token}"
        );
    }
}

#[tokio::test]
async fn a_refresh_token_is_not_accepted_as_an_access_token() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let refused = assert_unauthorized(
        app.get_user(&registered.tokens.refresh).await,
        "token_not_valid",
    )
    .await;

    assert_eq!(refused.header("www-authenticate"), INVALID_TOKEN_CHALLENGE);
}

#[tokio::test]
async fn an_expired_access_token_is_401_token_expired() {
    let app = spawn_app_with(|config| {
        config.jwt_access_token_lifetime = std::time::Duration::from_secs(1)
    })
    .await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let access = registered.tokens.access;
    assert_eq!(claim_i64(&access, "exp") - claim_i64(&access, "iat"), 1);
    answer(app.get_user(&access).await, StatusCode::OK).await;

    sleep_past_expiry(claim_i64(&access, "exp")).await;

    let refused = assert_unauthorized(app.get_user(&access).await, "token_expired").await;
    assert_eq!(refused.body["detail"], "Token is expired");
    assert_eq!(refused.header("www-authenticate"), INVALID_TOKEN_CHALLENGE);
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let access = &registered.tokens.access;
    let claims = jwt_claims(access);
    let other_key = EncodingKey::from_secret("another-secret-".repeat(4).as_bytes());
    let mut same_kid = Header::new(Algorithm::HS256);
    same_kid.kid = jwt_header(access)["kid"].as_str().map(str::to_owned);
    let forgeries = [
        jsonwebtoken::encode(&same_kid, &claims, &other_key).unwrap(),
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &other_key).unwrap(),
    ];

    for forged in forgeries {
        assert_unauthorized(app.get_user(&forged).await, "token_not_valid").await;
    }
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let claims = jwt_claims(&registered.tokens.access);
    let mut header = jwt_header(&registered.tokens.access);
    header["alg"] = json!("none");

    for signature in ["", "AAAA"] {
        let unsigned = format!(
            "{}.{}.{signature}",
            encode_part(&header),
            encode_part(&claims)
        );

        let response = app.get_user(&unsigned).await;

        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_unauthorized(response, "token_not_valid").await;
    }
}

#[tokio::test]
async fn a_token_whose_claims_were_edited_is_refused() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let access = &registered.tokens.access;
    let mut claims = jwt_claims(access);
    claims["user_id"] = json!(registered.user.id + 1);
    claims["sub"] = json!((registered.user.id + 1).to_string());
    let mut parts = access.split('.');
    let (header, _, signature) = (parts.next().unwrap(), parts.next(), parts.next().unwrap());

    let tampered = format!("{header}.{}.{signature}", encode_part(&claims));

    assert_unauthorized(app.get_user(&tampered).await, "token_not_valid").await;
}
