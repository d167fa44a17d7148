//! Forged access tokens on `GET /api/user/`: each is a real token changed in exactly one way,
//! and the same claims signed properly are accepted, so each refusal is for that one defect.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Answer, PASSWORD, TestApp, answer, assert_unauthorized, encode_part, jwt_claims, jwt_header,
    spawn_app, test_secret, unix_now,
};

const INVALID_TOKEN_CHALLENGE: &str = "Bearer error=\"invalid_token\"";

/// Signs `claims` with HS256 under `secret`, naming key `kid`.
fn sign(claims: &Value, secret: &str, kid: &str) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("signing test claims")
}

/// A registered user's real access token, its claims and its key id.
async fn real_access_token(app: &TestApp) -> (String, Value, String) {
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let access = registered.tokens.access;
    let claims = jwt_claims(&access);
    let kid = jwt_header(&access)["kid"]
        .as_str()
        .expect("a kid")
        .to_owned();
    (access, claims, kid)
}

/// Asserts `token` is refused with `code` and the `invalid_token` challenge.
async fn assert_refused(app: &TestApp, token: &str, code: &str) -> Answer {
    let refused = assert_unauthorized(app.get_user(token).await, code).await;
    assert_eq!(refused.header("www-authenticate"), INVALID_TOKEN_CHALLENGE);
    refused
}

#[tokio::test]
async fn a_token_re_signed_with_the_server_secret_is_accepted() {
    let app = spawn_app().await;
    let (_, claims, kid) = real_access_token(&app).await;

    let genuine = sign(&claims, &test_secret(), &kid);

    answer(app.get_user(&genuine).await, StatusCode::OK).await;
}

#[tokio::test]
async fn an_alg_none_token_is_401_token_not_valid() {
    let app = spawn_app().await;
    let (_, claims, _) = real_access_token(&app).await;

    let unsigned = format!(
        "{}.{}.",
        encode_part(&json!({ "alg": "none", "typ": "JWT" })),
        encode_part(&claims)
    );

    assert_refused(&app, &unsigned, "token_not_valid").await;
}

#[tokio::test]
async fn a_token_signed_with_another_key_under_the_right_kid_is_401_token_not_valid() {
    let app = spawn_app().await;
    let (_, claims, kid) = real_access_token(&app).await;

    let forged = sign(&claims, &"attacker-key-".repeat(4), &kid);

    assert_refused(&app, &forged, "token_not_valid").await;
}

#[tokio::test]
async fn a_refresh_token_presented_as_an_access_token_is_401_token_not_valid() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    assert_refused(&app, &registered.tokens.refresh, "token_not_valid").await;

    let (mut claims, kid) = (
        jwt_claims(&registered.tokens.access),
        jwt_header(&registered.tokens.access)["kid"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    claims["token_type"] = json!("refresh");
    assert_refused(
        &app,
        &sign(&claims, &test_secret(), &kid),
        "token_not_valid",
    )
    .await;
}

#[tokio::test]
async fn a_properly_signed_token_expired_five_seconds_ago_is_401_token_expired() {
    let app = spawn_app().await;
    let (_, mut claims, kid) = real_access_token(&app).await;
    let now = unix_now();
    claims["exp"] = json!(now - 5);
    claims["iat"] = json!(now - 100);
    claims["nbf"] = json!(now - 100);

    let expired = sign(&claims, &test_secret(), &kid);

    let refused = assert_refused(&app, &expired, "token_expired").await;
    assert_eq!(refused.body["detail"], "Token is expired");
}
