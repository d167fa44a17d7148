//! The second step of a sign-in: nothing is issued before it on any path; a code works once,
//! within one step of drift; a recovery code works once; the `mfa_token` expires, works once,
//! dies after five wrong codes, and any instance can finish it.

use std::time::Duration;

use gatehouse::{Rate, Verification};
use reqwest::StatusCode;
use serde_json::json;

use super::{
    Authenticator, begin_setup, confirm, current_step, password_step, second_step, second_step_ok,
    session_count, sign_in_with_totp, status, user_with_totp,
};
use crate::helpers::{
    PASSWORD, answer, assert_field_errors, assert_unauthorized, sleep_until_unix, spawn_app,
    spawn_app_with, unix_now,
};

const ADA: &str = "ada@example.com";

#[tokio::test]
async fn no_sign_in_path_issues_a_token_before_the_second_factor() {
    let app = spawn_app().await;
    let mut user = user_with_totp(&app, ADA).await;
    let user_id = app
        .get_user(&user.access)
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let sessions = session_count(&app, user_id).await;

    let mut tokens = Vec::new();
    for path in ["/api/login/", "/api/auth/login/", "/api/token/"] {
        tokens.push(password_step(&app, path, ADA).await);
    }
    assert_eq!(
        session_count(&app, user_id).await,
        sessions,
        "no session started"
    );
    // A wrong password says nothing about the second factor.
    assert_unauthorized(
        app.login(ADA, "wrong password").await,
        "authentication_failed",
    )
    .await;

    // Any of them finishes with a code, answering as /api/login/ does.
    let code = user.app.next_code().await;
    let signed_in = second_step_ok(&app, &tokens[2], "code", &code).await;
    assert_eq!(signed_in.user.email, ADA);
    app.assert_session_works(&signed_in.tokens).await;
    assert_eq!(session_count(&app, user_id).await, sessions + 1);
}

#[tokio::test]
async fn a_code_is_accepted_once_and_no_earlier_one_after_it() {
    let app = spawn_app().await;
    let mut user = user_with_totp(&app, ADA).await;
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    let code = user.app.next_code().await;
    second_step_ok(&app, &mfa_token, "code", &code).await;

    // The token is used up, even with a right code.
    let later = user.app.next_code().await;
    assert_unauthorized(
        second_step(&app, &mfa_token, "code", &later).await,
        "mfa_token_invalid",
    )
    .await;

    // The same code again, or the confirmation's (an earlier step), on a new sign-in.
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    let confirmation = user.app.code_of_step(current_step() - 1);
    for replayed in [&code, &confirmation] {
        assert_unauthorized(
            second_step(&app, &mfa_token, "code", replayed).await,
            "mfa_invalid",
        )
        .await;
    }
    // A code of a later step still works on the same token.
    second_step_ok(&app, &mfa_token, "code", &later).await;
}

#[tokio::test]
async fn one_step_of_drift_is_accepted_and_two_are_not() {
    let app = spawn_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    super::away_from_a_step_edge().await;
    let setup = begin_setup(&app, &access).await;
    let mut authenticator = Authenticator::from_base32(setup["secret"].as_str().unwrap());

    // Confirming: two steps behind is refused, one step behind is accepted.
    let two_behind = authenticator.code_of_step(current_step() - 2);
    assert_eq!(
        confirm(&app, &access, &two_behind).await.status(),
        StatusCode::BAD_REQUEST
    );
    answer(
        confirm(&app, &access, &authenticator.code(-1)).await,
        StatusCode::OK,
    )
    .await;

    // Signing in: two steps ahead is refused, one step ahead is accepted.
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    let two_ahead = authenticator.code_of_step(current_step() + 2);
    assert_unauthorized(
        second_step(&app, &mfa_token, "code", &two_ahead).await,
        "mfa_invalid",
    )
    .await;
    second_step_ok(&app, &mfa_token, "code", &authenticator.code(1)).await;
}

#[tokio::test]
async fn a_recovery_code_works_once_as_people_type_it() {
    let app = spawn_app().await;
    let user = user_with_totp(&app, ADA).await;
    let code = &user.recovery_codes[3];

    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
    let signed_in = second_step_ok(&app, &mfa_token, "recovery_code", &typed).await;
    app.assert_session_works(&signed_in.tokens).await;
    assert_eq!(status(&app, &user.access).await["recovery_codes_left"], 9);

    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    assert_unauthorized(
        second_step(&app, &mfa_token, "recovery_code", code).await,
        "mfa_invalid",
    )
    .await;
    second_step_ok(&app, &mfa_token, "recovery_code", &user.recovery_codes[4]).await;
    assert_eq!(status(&app, &user.access).await["recovery_codes_left"], 8);
}

#[tokio::test]
async fn an_mfa_token_dies_after_five_wrong_codes() {
    let app = spawn_app().await;
    let mut user = user_with_totp(&app, ADA).await;
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    for wrong in ["000000", "111111", "aaaaa-bbbbb", "222222", "333333"] {
        let field = if wrong.contains('-') {
            "recovery_code"
        } else {
            "code"
        };
        assert_unauthorized(
            second_step(&app, &mfa_token, field, wrong).await,
            "mfa_invalid",
        )
        .await;
    }
    // Dead, even with a right code, which a new sign-in still takes.
    let code = user.app.next_code().await;
    assert_unauthorized(
        second_step(&app, &mfa_token, "code", &code).await,
        "mfa_token_invalid",
    )
    .await;
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    second_step_ok(&app, &mfa_token, "code", &code).await;
}

#[tokio::test]
async fn an_mfa_token_expires_and_unknown_ones_are_refused() {
    let app = spawn_app_with(|config| config.mfa_token_lifetime = Duration::from_secs(1)).await;
    let mut user = user_with_totp(&app, ADA).await;
    let before = unix_now();
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    sleep_until_unix(before + 2).await;
    let code = user.app.next_code().await;
    assert_unauthorized(
        second_step(&app, &mfa_token, "code", &code).await,
        "mfa_token_invalid",
    )
    .await;
    assert_unauthorized(
        second_step(&app, "not-a-token", "code", &code).await,
        "mfa_token_invalid",
    )
    .await;
}

#[tokio::test]
async fn the_second_step_says_which_fields_are_wrong() {
    let app = &spawn_app().await;
    let post =
        |body: serde_json::Value| async move { app.post_json("/api/login/mfa/", &body).await };
    assert_field_errors(
        post(json!({})).await,
        json!({
            "mfa_token": ["This field is required."],
            "non_field_errors": [
                "Send the code from your authenticator app (code) or a recovery code \
                 (recovery_code)."
            ],
        }),
    )
    .await;
    assert_field_errors(
        post(json!({ "mfa_token": "t", "code": "1", "recovery_code": "2" })).await,
        json!({ "non_field_errors": ["Send either code or recovery_code, not both."] }),
    )
    .await;
    assert_field_errors(
        post(json!({ "mfa_token": " ", "code": "" })).await,
        json!({
            "mfa_token": ["This field may not be blank."],
            "code": ["This field may not be blank."],
        }),
    )
    .await;
}

#[tokio::test]
async fn any_instance_finishes_a_sign_in_another_began() {
    let first = spawn_app().await;
    let url = first.database_url.clone();
    let second = spawn_app_with(|config| config.database_url = Some(url)).await;
    let mut user = user_with_totp(&first, ADA).await;
    let mfa_token = password_step(&first, "/api/login/", ADA).await;
    let code = user.app.next_code().await;
    let signed_in = second_step_ok(&second, &mfa_token, "code", &code).await;
    first.assert_session_works(&signed_in.tokens).await;
    sign_in_with_totp(&second, &mut user).await;
}

#[tokio::test]
async fn the_second_step_is_rate_limited() {
    let app = spawn_app_with(|config| {
        config.rate_limit_enabled = true;
        config.rate_limit_per_ip = Rate::parse("3/min").unwrap();
        config.rate_limit_per_account = Rate::parse("100/min").unwrap();
    })
    .await;
    // Registration, the setup and its confirmation spend other actions' budgets.
    user_with_totp(&app, ADA).await;
    let mfa_token = password_step(&app, "/api/login/", ADA).await;
    for _ in 0..3 {
        let wrong = second_step(&app, &mfa_token, "code", "000000").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let throttled = answer(
        second_step(&app, &mfa_token, "code", "000000").await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(throttled.body["code"], "throttled");
    assert!(!throttled.header("retry-after").is_empty());
}

#[tokio::test]
async fn with_mandatory_verification_the_address_is_checked_before_the_second_factor() {
    let app = spawn_app_with(|config| config.email_verification = Verification::Optional).await;
    let user = user_with_totp(&app, ADA).await;
    // The same database under a server that requires verified addresses.
    let url = app.database_url.clone();
    let strict = spawn_app_with(|config| {
        config.database_url = Some(url);
        config.email_verification = Verification::Mandatory;
    })
    .await;
    let refused = answer(strict.login(ADA, PASSWORD).await, StatusCode::FORBIDDEN).await;
    assert_eq!(refused.body["code"], "email_not_verified");
    assert!(refused.body.get("mfa_token").is_none(), "{}", refused.body);

    sqlx::query("UPDATE users SET email_verified_at = 1 WHERE email = $1")
        .bind(&user.email)
        .execute(&strict.database().await)
        .await
        .unwrap();
    password_step(&strict, "/api/login/", ADA).await;
}
