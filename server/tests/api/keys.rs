//! Signing-key rotation: servers on one database, the newer one signing with a new secret and
//! still verifying the old one through `jwt_previous_secret_keys`, until the old key is dropped.

use reqwest::StatusCode;
use secrecy::SecretString;

use crate::helpers::{
    PASSWORD, answer, assert_unauthorized, jwt_header, spawn_app, spawn_app_with, test_secret,
};

/// The secret the rotated servers sign with.
fn new_secret() -> String {
    "rotated-key-".repeat(4)
}

fn kid(token: &str) -> String {
    jwt_header(token)["kid"]
        .as_str()
        .unwrap_or_else(|| panic!("no kid in {token:?}"))
        .to_owned()
}

#[tokio::test]
async fn tokens_of_a_previous_key_verify_until_that_key_is_dropped() {
    // The first server (old key) owns the database directory, so it lives to the end.
    let old = spawn_app().await;
    let signed_with_old = old.register_ok("ada@example.com", PASSWORD).await;
    let old_kid = kid(&signed_with_old.tokens.access);
    let rotated = spawn_app_with(|config| {
        config.database_url = Some(old.database_url.clone());
        config.jwt_secret_key = Some(SecretString::from(new_secret()));
        config.jwt_previous_secret_keys = vec![SecretString::from(test_secret())];
    })
    .await;

    let me = answer(
        rotated.get_user(&signed_with_old.tokens.access).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me.body["id"], signed_with_old.user.id);

    let signed_with_new = rotated.login_ok("ada@example.com", PASSWORD).await;
    let new_kid = kid(&signed_with_new.tokens.access);
    assert_ne!(new_kid, old_kid);
    assert_eq!(kid(&signed_with_new.tokens.refresh), new_kid);
    // A rotation on the new server re-signs an old-key session with the new key.
    let moved = rotated.refresh_ok(&signed_with_old.tokens.refresh).await;
    assert_eq!(kid(&moved.access), new_kid);
    assert_eq!(kid(&moved.refresh), new_kid);

    let dropped = spawn_app_with(|config| {
        config.database_url = Some(old.database_url.clone());
        config.jwt_secret_key = Some(SecretString::from(new_secret()));
        config.jwt_previous_secret_keys = vec![];
    })
    .await;

    assert_unauthorized(
        dropped.get_user(&signed_with_old.tokens.access).await,
        "token_not_valid",
    )
    .await;
    answer(
        dropped.get_user(&signed_with_new.tokens.access).await,
        StatusCode::OK,
    )
    .await;
    answer(dropped.get_user(&moved.access).await, StatusCode::OK).await;
    // The old server, which never learnt the new key, refuses the new tokens.
    assert_unauthorized(
        old.get_user(&signed_with_new.tokens.access).await,
        "token_not_valid",
    )
    .await;
}
