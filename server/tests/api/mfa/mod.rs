//! Second factors (SPEC "Second factors"): TOTP set up and confirmed with codes computed here
//! from the secret the server shows, recovery codes, the second step of every sign-in path,
//! and `amr` on the tokens. Each test that needs several codes takes them from consecutive
//! time steps of the ±1 window, so none waits for the clock.

mod amr;
mod setup;
mod sign_in;

use std::time::Duration;

use app::api::AuthResponse;
use reqwest::StatusCode;
use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::{PASSWORD, TestApp, answer, keys, send_as, unix_now};

/// RFC 6238's defaults, as every authenticator app uses them.
const STEP_SECS: i64 = 30;

/// The time step the clock is in.
fn current_step() -> i64 {
    unix_now() / STEP_SECS
}

/// Waits while the clock is within two seconds of the next time step, so the step a code is
/// computed for here is the step the server judges it in.
async fn away_from_a_step_edge() {
    let into_step = unix_now() % STEP_SECS;
    if into_step >= STEP_SECS - 2 {
        tokio::time::sleep(Duration::from_secs((STEP_SECS - into_step + 1) as u64)).await;
    }
}

/// An authenticator app: codes of the secret the setup showed, and the last step it gave a
/// code of (the server accepts only later ones).
pub struct Authenticator {
    secret: Vec<u8>,
    last_step: i64,
}

impl Authenticator {
    pub fn from_base32(secret: &str) -> Self {
        let secret = Secret::Encoded(secret.to_owned())
            .to_bytes()
            .expect("the secret is base32");
        assert_eq!(secret.len(), 20, "RFC 4226 recommends 160 bits");
        Self {
            secret,
            last_step: 0,
        }
    }

    /// The code of time step `step`, computed independently of the server.
    pub fn code_of_step(&self, step: i64) -> String {
        let totp = TOTP::new_unchecked(
            Algorithm::SHA1,
            6,
            0,
            STEP_SECS as u64,
            self.secret.clone(),
            None,
            String::new(),
        );
        totp.generate((step * STEP_SECS) as u64)
    }

    /// The code `offset` steps from now, marked as given.
    pub fn code(&mut self, offset: i64) -> String {
        let step = current_step() + offset;
        self.last_step = self.last_step.max(step);
        self.code_of_step(step)
    }

    /// The earliest code the server takes now (a step after the last one given, within one
    /// step of now), waiting for the clock only if the window is used up.
    pub async fn next_code(&mut self) -> String {
        away_from_a_step_edge().await;
        let mut step = (current_step() - 1).max(self.last_step + 1);
        if step > current_step() + 1 {
            let wait = (step - 1) * STEP_SECS - unix_now() + 1;
            tokio::time::sleep(Duration::from_secs(wait.max(0) as u64)).await;
            step = self.last_step + 1;
        }
        self.last_step = step;
        self.code_of_step(step)
    }
}

/// A user with TOTP on: the registration's tokens, the app, and the recovery codes.
pub struct TotpUser {
    pub email: String,
    pub access: String,
    pub app: Authenticator,
    pub recovery_codes: Vec<String>,
}

/// `POST /api/mfa/totp/` as `access`: the pending setup's body.
pub async fn begin_setup(app: &TestApp, access: &str) -> Value {
    let request = app.client.post(app.url("/api/mfa/totp/"));
    answer(send_as(request, Some(access)).await, StatusCode::OK)
        .await
        .body
}

/// `POST /api/mfa/totp/confirm/` with `code`, as `access`.
pub async fn confirm(app: &TestApp, access: &str, code: &str) -> reqwest::Response {
    let request = app
        .client
        .post(app.url("/api/mfa/totp/confirm/"))
        .json(&json!({ "code": code }));
    send_as(request, Some(access)).await
}

/// Registers `email` and turns TOTP on, confirming with the code of the step before now (so
/// the current and the next steps are left for signing in).
pub async fn user_with_totp(app: &TestApp, email: &str) -> TotpUser {
    let access = app.register_ok(email, PASSWORD).await.tokens.access;
    away_from_a_step_edge().await;
    let setup = begin_setup(app, &access).await;
    let mut authenticator = Authenticator::from_base32(setup["secret"].as_str().unwrap());
    let confirmed = answer(
        confirm(app, &access, &authenticator.code(-1)).await,
        StatusCode::OK,
    )
    .await;
    let recovery_codes = confirmed.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    TotpUser {
        email: email.to_owned(),
        access,
        app: authenticator,
        recovery_codes,
    }
}

/// `GET /api/mfa/` as `access`.
pub async fn status(app: &TestApp, access: &str) -> Value {
    let request = app.client.get(app.url("/api/mfa/"));
    answer(send_as(request, Some(access)).await, StatusCode::OK)
        .await
        .body
}

/// The password step at `path` (`/api/login/`, `/api/auth/login/` or `/api/token/`) for an
/// account with TOTP on: asserts the 403 `mfa_required`, with nothing else in it, and returns
/// the `mfa_token`.
pub async fn password_step(app: &TestApp, path: &str, email: &str) -> String {
    let response = app
        .post_json(path, &json!({ "email": email, "password": PASSWORD }))
        .await;
    let refused = answer(response, StatusCode::FORBIDDEN).await;
    assert_eq!(
        keys(&refused.body),
        ["code", "detail", "methods", "mfa_token"],
        "{path}: {}",
        refused.body
    );
    assert_eq!(refused.body["code"], "mfa_required");
    assert_eq!(refused.body["methods"], json!(["totp", "recovery_code"]));
    refused.body["mfa_token"].as_str().unwrap().to_owned()
}

/// `POST /api/login/mfa/` with `mfa_token` and `{field: code}` (`code` or `recovery_code`).
pub async fn second_step(
    app: &TestApp,
    mfa_token: &str,
    field: &str,
    code: &str,
) -> reqwest::Response {
    app.post_json(
        "/api/login/mfa/",
        &json!({ "mfa_token": mfa_token, field: code }),
    )
    .await
}

/// As `second_step`, asserting 200 and decoding the answer.
pub async fn second_step_ok(
    app: &TestApp,
    mfa_token: &str,
    field: &str,
    code: &str,
) -> AuthResponse {
    let response = second_step(app, mfa_token, field, code).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "the second step failed: {text}");
    serde_json::from_str(&text).unwrap()
}

/// A full sign-in of `user` at `/api/login/` with the next TOTP code.
pub async fn sign_in_with_totp(app: &TestApp, user: &mut TotpUser) -> AuthResponse {
    let mfa_token = password_step(app, "/api/login/", &user.email).await;
    let code = user.app.next_code().await;
    second_step_ok(app, &mfa_token, "code", &code).await
}

/// `DELETE /api/mfa/totp/` or `POST /api/mfa/recovery-codes/` with `{password}`, as `access`.
pub async fn with_password(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    access: &str,
    password: &str,
) -> reqwest::Response {
    let request = app
        .client
        .request(method, app.url(path))
        .json(&json!({ "password": password }));
    send_as(request, Some(access)).await
}

/// How many sessions `user_id` has in the database, ended or not.
pub async fn session_count(app: &TestApp, user_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&app.database().await)
        .await
        .unwrap()
}
