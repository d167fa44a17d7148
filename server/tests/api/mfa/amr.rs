//! `amr` (RFC 8176) on the tokens: what the sign-in proved, on the access and the refresh
//! token, kept by every refresh of the session.

use super::{password_step, second_step_ok, sign_in_with_totp, user_with_totp};
use crate::helpers::{PASSWORD, jwt_claims, spawn_app};

const PASSWORD_ONLY: [&str; 1] = ["pwd"];
const WITH_A_CODE: [&str; 3] = ["pwd", "otp", "mfa"];

/// The `amr` of `token`.
fn amr(token: &str) -> Vec<String> {
    serde_json::from_value(jwt_claims(token)["amr"].clone()).expect("amr is a list of strings")
}

#[tokio::test]
async fn a_password_sign_in_is_pwd_and_a_second_factor_adds_otp_and_mfa() {
    let app = spawn_app().await;
    let registered = app.register_ok("bob@example.com", PASSWORD).await.tokens;
    let password_only = app.login_ok("bob@example.com", PASSWORD).await.tokens;
    for token in [
        &registered.access,
        &registered.refresh,
        &password_only.access,
        &password_only.refresh,
    ] {
        assert_eq!(amr(token), PASSWORD_ONLY);
    }

    let mut user = user_with_totp(&app, "ada@example.com").await;
    let with_totp = sign_in_with_totp(&app, &mut user).await.tokens;
    let mfa_token = password_step(&app, "/api/token/", "ada@example.com").await;
    let recovery_code = user.recovery_codes[0].clone();
    let with_recovery = second_step_ok(&app, &mfa_token, "recovery_code", &recovery_code)
        .await
        .tokens;
    for token in [
        &with_totp.access,
        &with_totp.refresh,
        &with_recovery.access,
        &with_recovery.refresh,
    ] {
        assert_eq!(amr(token), WITH_A_CODE);
    }
}

#[tokio::test]
async fn a_refresh_keeps_the_sessions_amr() {
    let app = spawn_app().await;
    let mut user = user_with_totp(&app, "ada@example.com").await;
    let first = sign_in_with_totp(&app, &mut user).await.tokens;

    let second = app.refresh_ok(&first.refresh).await;
    let third = app.refresh_ok(&second.refresh).await;
    for token in [
        &second.access,
        &second.refresh,
        &third.access,
        &third.refresh,
    ] {
        assert_eq!(amr(token), WITH_A_CODE);
    }
    // The session that set TOTP up began with the password alone, and stays so.
    let registered = app.get_user(&user.access).await;
    assert!(registered.status().is_success());
    assert_eq!(amr(&user.access), PASSWORD_ONLY);
}
