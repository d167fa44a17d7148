//! The issued JWTs themselves: header, claims, and lifetimes from the configuration.

use std::time::Duration;

use crate::helpers::{
    PASSWORD, claim_i64, jwt_claims, jwt_header, spawn_app, spawn_app_with, unix_now,
};

#[tokio::test]
async fn both_tokens_carry_the_documented_claims() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let (access, refresh) = (
        jwt_claims(&registered.tokens.access),
        jwt_claims(&registered.tokens.refresh),
    );

    for (claims, token_type) in [(&access, "access"), (&refresh, "refresh")] {
        assert_eq!(claims["token_type"], token_type, "{claims}");
        assert_eq!(
            claims["user_id"].as_i64(),
            Some(registered.user.id),
            "user_id is a number: {claims}"
        );
        assert_eq!(
            claims["sub"],
            registered.user.id.to_string(),
            "sub is a string: {claims}"
        );
        assert_eq!(claims["email"], "ada@example.com", "{claims}");
        for name in ["exp", "iat", "nbf"] {
            assert!(claims[name].is_i64(), "{name} is an integer: {claims}");
        }
        assert!(
            claims["jti"].as_str().is_some_and(|jti| !jti.is_empty()),
            "{claims}"
        );
        assert!(
            claims["sid"].as_str().is_some_and(|sid| !sid.is_empty()),
            "{claims}"
        );
        assert!(
            (claims["iat"].as_i64().unwrap() - unix_now()).abs() <= 60,
            "{claims}"
        );
        assert!(
            claims["nbf"].as_i64().unwrap() <= claims["iat"].as_i64().unwrap(),
            "{claims}"
        );
    }
    assert_ne!(access["jti"], refresh["jti"]);
    assert_eq!(
        access["sid"], refresh["sid"],
        "both tokens belong to one session"
    );
}

#[tokio::test]
async fn each_sign_in_is_a_new_session() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    let signed_in = app.login_ok("ada@example.com", PASSWORD).await;

    assert_ne!(
        jwt_claims(&signed_in.tokens.refresh)["sid"],
        jwt_claims(&registered.tokens.refresh)["sid"]
    );
}

#[tokio::test]
async fn the_header_names_hs256_and_a_key_id() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;

    for token in [&registered.tokens.access, &registered.tokens.refresh] {
        let header = jwt_header(token);

        assert_eq!(header["alg"], "HS256", "{header}");
        let kid = header["kid"]
            .as_str()
            .unwrap_or_else(|| panic!("no kid in {header}"));
        assert!(!kid.is_empty());
        assert!(
            !kid.contains("test-"),
            "the kid must not reveal the secret: {kid}"
        );
    }
}

#[tokio::test]
async fn lifetimes_default_to_sixty_minutes_and_seven_days() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let (access, refresh) = (&registered.tokens.access, &registered.tokens.refresh);

    assert_eq!(claim_i64(access, "exp") - claim_i64(access, "iat"), 60 * 60);
    assert_eq!(
        claim_i64(refresh, "exp") - claim_i64(refresh, "iat"),
        7 * 24 * 60 * 60
    );
}

#[tokio::test]
async fn lifetimes_follow_the_configuration() {
    let app = spawn_app_with(|config| {
        config.jwt_access_token_lifetime = Duration::from_secs(5 * 60);
        config.jwt_refresh_token_lifetime = Duration::from_secs(12 * 60 * 60);
    })
    .await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let (access, refresh) = (&registered.tokens.access, &registered.tokens.refresh);

    assert_eq!(claim_i64(access, "exp") - claim_i64(access, "iat"), 5 * 60);
    assert_eq!(
        claim_i64(refresh, "exp") - claim_i64(refresh, "iat"),
        12 * 60 * 60
    );
}
