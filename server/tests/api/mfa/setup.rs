//! Managing second factors: setting up and confirming TOTP, turning it off and making new
//! recovery codes (both with the password), each audited and mailed.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{
    Authenticator, begin_setup, confirm, password_step, second_step, second_step_ok,
    sign_in_with_totp, status, user_with_totp, with_password,
};
use crate::helpers::{PASSWORD, TestApp, answer, assert_field_errors, send_as, spawn_app};

const ADA: &str = "ada@example.com";
const WRONG_CODE: &str =
    "That code is not right. Check the time on your device and enter the newest code.";
const ALREADY_ON: &str =
    "Two-factor authentication is already on. Turn it off first to set up another authenticator.";
const NOT_ON: &str =
    "Two-factor authentication is off: recovery codes come with an authenticator app.";

/// The kinds of the mails queued for `email`, oldest first, but the verification link of the
/// registration.
async fn mails_to(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT kind FROM mail_outbox WHERE recipient = $1 AND kind <> 'verify_email' ORDER BY id",
    )
    .bind(email)
    .fetch_all(&app.database().await)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_setup_shows_the_secret_once_and_a_first_code_turns_totp_on() {
    let app = spawn_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    assert_eq!(
        status(&app, &access).await,
        json!({ "totp": false, "recovery_codes_left": 0, "passkeys": [] })
    );

    let setup = begin_setup(&app, &access).await;
    let secret = setup["secret"].as_str().unwrap();
    let url = setup["otpauth_url"].as_str().unwrap();
    assert_eq!(
        url,
        format!("otpauth://totp/Gatehouse:ada%40example.com?secret={secret}&issuer=Gatehouse")
    );
    let svg = setup["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
    // Pending: sign-in still takes the password alone.
    app.login_ok(ADA, PASSWORD).await;

    let mut authenticator = Authenticator::from_base32(secret);
    assert_field_errors(
        confirm(&app, &access, "000000").await,
        json!({ "code": [WRONG_CODE] }),
    )
    .await;
    let confirmed = answer(
        confirm(&app, &access, &authenticator.next_code().await).await,
        StatusCode::OK,
    )
    .await;
    let codes: Vec<&str> = confirmed.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 10);
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 10);
    for code in &codes {
        assert!(
            code.len() == 11
                && code.as_bytes()[5] == b'-'
                && code
                    .bytes()
                    .all(|b| b == b'-' || b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
            "{code}"
        );
    }
    assert_eq!(
        status(&app, &access).await,
        json!({ "totp": true, "recovery_codes_left": 10, "passkeys": [] })
    );

    // The secret is stored sealed, and the codes only hashed.
    let database = app.database().await;
    let stored: String = sqlx::query_scalar("SELECT secret FROM totp_secrets")
        .fetch_one(&database)
        .await
        .unwrap();
    assert!(
        stored.starts_with("v1.") && !stored.contains(secret),
        "{stored}"
    );
    let hashes: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
        .fetch_all(&database)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 10);
    assert!(
        hashes
            .iter()
            .all(|hash| hash.len() == 64 && !codes.contains(&hash.as_str()))
    );

    // On, a new setup is refused (it would replace the app without the password).
    let request = app.client.post(app.url("/api/mfa/totp/"));
    assert_field_errors(
        send_as(request, Some(&access)).await,
        json!({ "non_field_errors": [ALREADY_ON] }),
    )
    .await;
    assert_eq!(mails_to(&app, ADA).await, ["totp_enabled"]);
}

#[tokio::test]
async fn a_new_setup_replaces_the_pending_one() {
    let app = spawn_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let first = begin_setup(&app, &access).await;
    let second = begin_setup(&app, &access).await;
    assert_ne!(first["secret"], second["secret"]);
    let mut replaced = Authenticator::from_base32(first["secret"].as_str().unwrap());
    let mut current = Authenticator::from_base32(second["secret"].as_str().unwrap());

    let stale = confirm(&app, &access, &replaced.next_code().await).await;
    assert_eq!(stale.status(), StatusCode::BAD_REQUEST);
    answer(
        confirm(&app, &access, &current.next_code().await).await,
        StatusCode::OK,
    )
    .await;
    // Nothing is waiting any more.
    assert_field_errors(
        confirm(&app, &access, "123456").await,
        json!({ "non_field_errors": [ALREADY_ON] }),
    )
    .await;
}

#[tokio::test]
async fn turning_totp_off_needs_the_password_and_takes_the_recovery_codes() {
    let app = spawn_app().await;
    let user = user_with_totp(&app, ADA).await;
    let off = |password: &'static str| {
        with_password(
            &app,
            Method::DELETE,
            "/api/mfa/totp/",
            &user.access,
            password,
        )
    };

    assert_field_errors(
        off("wrong password").await,
        json!({ "password": ["Your password was entered incorrectly. Please enter it again."] }),
    )
    .await;
    let request = app
        .client
        .delete(app.url("/api/mfa/totp/"))
        .json(&json!({}));
    assert_field_errors(
        send_as(request, Some(&user.access)).await,
        json!({ "password": ["This field is required."] }),
    )
    .await;
    assert_eq!(status(&app, &user.access).await["totp"], true);

    let done = off(PASSWORD).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        status(&app, &user.access).await,
        json!({ "totp": false, "recovery_codes_left": 0, "passkeys": [] })
    );
    // The password alone signs in again, and the codes are gone with TOTP.
    app.login_ok(ADA, PASSWORD).await;
    assert_field_errors(
        with_password(
            &app,
            Method::POST,
            "/api/mfa/recovery-codes/",
            &user.access,
            PASSWORD,
        )
        .await,
        json!({ "non_field_errors": [NOT_ON] }),
    )
    .await;
    // Off again answers the same, and mails nothing more.
    assert_eq!(off(PASSWORD).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(mails_to(&app, ADA).await, ["totp_enabled", "totp_disabled"]);
}

#[tokio::test]
async fn new_recovery_codes_need_the_password_and_end_the_old_set() {
    let app = spawn_app().await;
    let mut user = user_with_totp(&app, ADA).await;
    let renew = |password: &'static str| {
        with_password(
            &app,
            Method::POST,
            "/api/mfa/recovery-codes/",
            &user.access,
            password,
        )
    };

    assert_field_errors(
        renew("wrong password").await,
        json!({ "password": ["Your password was entered incorrectly. Please enter it again."] }),
    )
    .await;
    let renewed = answer(renew(PASSWORD).await, StatusCode::OK).await;
    let new_codes: Vec<String> = renewed.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(new_codes.len(), 10);
    assert!(
        new_codes
            .iter()
            .all(|code| !user.recovery_codes.contains(code))
    );

    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    let old = second_step(&app, &mfa_token, "recovery_code", &user.recovery_codes[0]).await;
    crate::helpers::assert_unauthorized(old, "mfa_invalid").await;
    second_step_ok(&app, &mfa_token, "recovery_code", &new_codes[0]).await;
    assert_eq!(status(&app, &user.access).await["recovery_codes_left"], 9);
    // TOTP itself is untouched.
    sign_in_with_totp(&app, &mut user).await;
    assert_eq!(
        mails_to(&app, ADA).await,
        ["totp_enabled", "recovery_codes_renewed"]
    );
}

#[tokio::test]
async fn every_second_factor_action_is_audited_and_counted() {
    let app = spawn_app().await;
    let mut user = user_with_totp(&app, ADA).await;
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    let wrong = second_step(&app, &mfa_token, "code", "000000").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let code = user.app.next_code().await;
    second_step_ok(&app, &mfa_token, "code", &code).await;
    let renew = with_password(
        &app,
        Method::POST,
        "/api/mfa/recovery-codes/",
        &user.access,
        PASSWORD,
    );
    assert_eq!(renew.await.status(), StatusCode::OK);
    let off = with_password(&app, Method::DELETE, "/api/mfa/totp/", &user.access, "nope");
    assert_eq!(off.await.status(), StatusCode::BAD_REQUEST);

    let expected = [
        ("totp_setup_started", "success", ""),
        ("totp_enabled", "success", ""),
        ("mfa_required", "success", ""),
        ("mfa_login", "failure", "mfa_invalid (totp)"),
        ("mfa_login", "success", "totp"),
        ("login", "success", ""),
        ("recovery_codes_renewed", "success", ""),
        ("totp_disabled", "failure", "wrong password"),
    ];
    let trail = app
        .audit_trail_until(|rows| rows.iter().any(|row| row.0 == "totp_disabled"))
        .await;
    let seen: Vec<(&str, &str, &str)> = trail
        .iter()
        // Registration, and the mail deliveries (which happen in their own time).
        .filter(|row| !["register", "verification_sent", "mail_sent"].contains(&row.0.as_str()))
        .map(|row| (row.0.as_str(), row.1.as_str(), row.5.as_str()))
        .collect();
    assert_eq!(seen, expected);

    let metrics = app.get("/metrics").await.text().await.unwrap();
    for (kind, outcome, _) in expected {
        let series = format!(r#"gatehouse_auth_events_total{{kind="{kind}",outcome="{outcome}"}}"#);
        assert!(metrics.contains(&series), "{series} missing");
    }
}
