//! Passkeys (SPEC "Second factors"): ceremonies driven by a software authenticator
//! (`authenticator`), registration and passkey-only sign-in with `amr`, the refusals (a wrong
//! origin, a reused challenge, a replayed assertion), any instance finishing what another
//! began, and the owner's list, names and removal.

mod authenticator;
mod manage;
mod sign_in;

use app::api::AuthResponse;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub use authenticator::SoftAuthenticator;

use crate::helpers::{Answer, TestApp, answer, send_as, spawn_app_with};

/// A 200 of a sign-in, read as its `{user, tokens}`.
pub trait AsAuthResponse {
    fn auth_response(self) -> AuthResponse;
}

impl AsAuthResponse for Answer {
    fn auth_response(self) -> AuthResponse {
        serde_json::from_value(self.body).expect("a sign-in answer")
    }
}

/// The origin the test servers expect ceremonies from; the relying party id is its host.
pub const ORIGIN: &str = "https://auth.gatehouse.test";

/// A server whose relying party is `ORIGIN`.
pub async fn passkey_app() -> TestApp {
    spawn_app_with(|config| config.webauthn_rp_origin = Some(ORIGIN.into())).await
}

/// `POST path` (a begin) as `access` (or nobody): the ceremony's `challenge_id` and
/// `publicKey`.
pub async fn begin(app: &TestApp, path: &str, access: Option<&str>) -> (String, Value) {
    let request = app.client.post(app.url(path)).json(&json!({}));
    let begun = answer(send_as(request, access).await, StatusCode::OK)
        .await
        .body;
    let challenge_id = begun["challenge_id"].as_str().unwrap().to_owned();
    (challenge_id, begun["publicKey"].clone())
}

/// `POST /api/passkeys/register/finish/` as `access`.
pub async fn finish_registration(
    app: &TestApp,
    access: &str,
    challenge_id: &str,
    credential: &Value,
    name: Option<&str>,
) -> reqwest::Response {
    let body = json!({ "challenge_id": challenge_id, "credential": credential, "name": name });
    let request = app
        .client
        .post(app.url("/api/passkeys/register/finish/"))
        .json(&body);
    send_as(request, Some(access)).await
}

/// Registers a passkey of `authenticator` for the user of `access`: the passkey's answer.
pub async fn register_passkey(
    app: &TestApp,
    access: &str,
    authenticator: &mut SoftAuthenticator,
    name: Option<&str>,
) -> Value {
    let (challenge_id, options) = begin(app, "/api/passkeys/register/begin/", Some(access)).await;
    let credential = authenticator.create(&options);
    let response = finish_registration(app, access, &challenge_id, &credential, name).await;
    answer(response, StatusCode::CREATED).await.body
}

/// `POST /api/passkeys/login/finish/`.
pub async fn finish_sign_in(
    app: &TestApp,
    challenge_id: &str,
    credential: &Value,
) -> reqwest::Response {
    app.post_json(
        "/api/passkeys/login/finish/",
        &json!({ "challenge_id": challenge_id, "credential": credential }),
    )
    .await
}

/// A whole passkey sign-in with `authenticator`, no email given: the finish's response.
pub async fn sign_in(app: &TestApp, authenticator: &mut SoftAuthenticator) -> reqwest::Response {
    let (challenge_id, options) = begin(app, "/api/passkeys/login/begin/", None).await;
    let assertion = authenticator.get(&options);
    finish_sign_in(app, &challenge_id, &assertion).await
}
