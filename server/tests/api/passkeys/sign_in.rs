//! Signing in with a passkey alone: the tokens say how (`amr`), and the refusals.

use gatehouse::Verification;
use reqwest::StatusCode;
use serde_json::json;

use super::{
    AsAuthResponse, ORIGIN, SoftAuthenticator, begin, finish_registration, finish_sign_in,
    passkey_app, register_passkey, sign_in,
};
use crate::helpers::{
    PASSWORD, answer, assert_field_errors, assert_unauthorized, jwt_claims, spawn_app_with,
};

const ADA: &str = "ada@example.com";

/// The `amr` of `token`.
fn amr(token: &str) -> serde_json::Value {
    jwt_claims(token)["amr"].clone()
}

#[tokio::test]
async fn a_registered_passkey_signs_in_alone_as_a_second_factor() {
    let app = passkey_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let passkey = register_passkey(&app, &access, &mut authenticator, Some("Laptop")).await;
    assert_eq!(passkey["name"], "Laptop");
    assert_eq!(passkey["last_used_at"], json!(null));

    let response = sign_in(&app, &mut authenticator).await;
    let signed_in = answer(response, StatusCode::OK).await.auth_response();
    assert_eq!(signed_in.user.email, ADA);
    for token in [&signed_in.tokens.access, &signed_in.tokens.refresh] {
        assert_eq!(amr(token), json!(["hwk", "user", "mfa"]));
    }
    // A refresh keeps how the session began.
    let refreshed = app.refresh_ok(&signed_in.tokens.refresh).await;
    assert_eq!(amr(&refreshed.access), json!(["hwk", "user", "mfa"]));

    // Each sign-in carries a greater counter, and is recorded.
    let again = sign_in(&app, &mut authenticator).await;
    answer(again, StatusCode::OK).await;
    let trail = app
        .audit_trail_until(|rows| rows.iter().filter(|row| row.0 == "passkey_login").count() == 2)
        .await;
    let kinds: Vec<(&str, &str)> = trail
        .iter()
        .map(|row| (row.0.as_str(), row.1.as_str()))
        .filter(|(kind, _)| kind.starts_with("passkey"))
        .collect();
    assert_eq!(
        kinds,
        [
            ("passkey_registration_started", "success"),
            ("passkey_added", "success"),
            ("passkey_login", "success"),
            ("passkey_login", "success"),
        ]
    );
}

#[tokio::test]
async fn a_passkey_sign_in_skips_the_totp_step() {
    let app = passkey_app().await;
    let user = crate::mfa::user_with_totp(&app, ADA).await;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    register_passkey(&app, &user.access, &mut authenticator, None).await;
    crate::mfa::password_step(&app, "/api/login/", ADA).await;

    let signed_in = answer(sign_in(&app, &mut authenticator).await, StatusCode::OK)
        .await
        .auth_response();
    assert_eq!(amr(&signed_in.tokens.access), json!(["hwk", "user", "mfa"]));
}

#[tokio::test]
async fn a_wrong_origin_is_refused_at_registration_and_at_sign_in() {
    let app = passkey_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut phished = SoftAuthenticator::new("https://auth.gatehouse.test.evil.example");
    let (challenge_id, options) = begin(&app, "/api/passkeys/register/begin/", Some(&access)).await;
    let credential = phished.create(&options);
    assert_field_errors(
        finish_registration(&app, &access, &challenge_id, &credential, None).await,
        json!({ "credential": ["The passkey could not be verified."] }),
    )
    .await;

    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    register_passkey(&app, &access, &mut authenticator, None).await;
    authenticator.origin = "https://evil.example".into();
    assert_unauthorized(sign_in(&app, &mut authenticator).await, "passkey_invalid").await;
    // The right origin still works: nothing was spent but that challenge.
    authenticator.origin = ORIGIN.into();
    answer(sign_in(&app, &mut authenticator).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_challenge_is_answered_once() {
    let app = passkey_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let (challenge_id, options) = begin(&app, "/api/passkeys/register/begin/", Some(&access)).await;
    let credential = authenticator.create(&options);
    let first = finish_registration(&app, &access, &challenge_id, &credential, None).await;
    answer(first, StatusCode::CREATED).await;
    assert_field_errors(
        finish_registration(&app, &access, &challenge_id, &credential, None).await,
        json!({ "challenge_id": ["This registration has expired or was already used: begin again."] }),
    )
    .await;

    let (challenge_id, options) = begin(&app, "/api/passkeys/login/begin/", None).await;
    let assertion = authenticator.get(&options);
    answer(
        finish_sign_in(&app, &challenge_id, &assertion).await,
        StatusCode::OK,
    )
    .await;
    // The same challenge with a fresh assertion (a greater counter): the challenge is gone.
    let fresh = authenticator.get(&options);
    assert_unauthorized(
        finish_sign_in(&app, &challenge_id, &fresh).await,
        "passkey_invalid",
    )
    .await;
    // A sign-in challenge does not finish a registration, nor the other way round.
    let (register_id, _) = begin(&app, "/api/passkeys/register/begin/", Some(&access)).await;
    let fresh = authenticator.get(&options);
    assert_unauthorized(
        finish_sign_in(&app, &register_id, &fresh).await,
        "passkey_invalid",
    )
    .await;
}

#[tokio::test]
async fn a_replayed_assertion_is_refused() {
    let app = passkey_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    register_passkey(&app, &access, &mut authenticator, None).await;
    answer(sign_in(&app, &mut authenticator).await, StatusCode::OK).await;

    // A clone of the authenticator signs a new challenge with the counter already seen.
    authenticator.counter -= 1;
    assert_unauthorized(sign_in(&app, &mut authenticator).await, "passkey_invalid").await;
    // The genuine one, a step ahead, goes on working.
    authenticator.counter += 1;
    answer(sign_in(&app, &mut authenticator).await, StatusCode::OK).await;
    let trail = app
        .audit_trail_until(|rows| {
            rows.iter()
                .any(|row| row.0 == "passkey_login" && row.1 == "failure")
        })
        .await;
    assert!(
        trail.iter().any(|row| row.0 == "passkey_login"
            && row.1 == "failure"
            && row.5.contains("passkey_invalid")),
        "{trail:?}"
    );
}

#[tokio::test]
async fn an_unknown_passkey_or_a_malformed_credential_is_refused() {
    let app = passkey_app().await;
    let mut stranger = SoftAuthenticator::new(ORIGIN);
    let other = passkey_app().await;
    let access = other.register_ok(ADA, PASSWORD).await.tokens.access;
    register_passkey(&other, &access, &mut stranger, None).await;
    // Registered on another server (another database): unknown here.
    assert_unauthorized(sign_in(&app, &mut stranger).await, "passkey_invalid").await;

    let (challenge_id, _) = begin(&app, "/api/passkeys/login/begin/", None).await;
    assert_field_errors(
        finish_sign_in(&app, &challenge_id, &json!({ "id": "x" })).await,
        json!({ "credential": ["Send the PublicKeyCredential that the browser created."] }),
    )
    .await;
    assert_field_errors(
        app.post_json("/api/passkeys/login/finish/", &json!({}))
            .await,
        json!({
            "challenge_id": ["This field is required."],
            "credential": ["This field is required."],
        }),
    )
    .await;
}

#[tokio::test]
async fn mandatory_verification_applies_to_passkey_sign_in() {
    let app = spawn_app_with(|config| {
        config.webauthn_rp_origin = Some(ORIGIN.into());
        config.email_verification = Verification::Optional;
    })
    .await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    register_passkey(&app, &access, &mut authenticator, None).await;
    // The same database, now served with verification mandatory.
    let url = app.database_url.clone();
    let strict = spawn_app_with(|config| {
        config.database_url = Some(url);
        config.webauthn_rp_origin = Some(ORIGIN.into());
        config.email_verification = Verification::Mandatory;
    })
    .await;
    let refused = answer(
        sign_in(&strict, &mut authenticator).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused.body["code"], "email_not_verified");
}

#[tokio::test]
async fn any_instance_finishes_a_ceremony_another_began() {
    let first = passkey_app().await;
    let url = first.database_url.clone();
    let second = spawn_app_with(|config| {
        config.database_url = Some(url);
        config.webauthn_rp_origin = Some(ORIGIN.into());
    })
    .await;
    let access = first.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let (challenge_id, options) =
        begin(&first, "/api/passkeys/register/begin/", Some(&access)).await;
    let credential = authenticator.create(&options);
    let registered = finish_registration(&second, &access, &challenge_id, &credential, None).await;
    answer(registered, StatusCode::CREATED).await;

    let (challenge_id, options) = begin(&second, "/api/passkeys/login/begin/", None).await;
    let assertion = authenticator.get(&options);
    let signed_in = answer(
        finish_sign_in(&first, &challenge_id, &assertion).await,
        StatusCode::OK,
    )
    .await
    .auth_response();
    second.assert_session_works(&signed_in.tokens).await;
}
