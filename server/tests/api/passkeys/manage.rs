//! The owner's passkeys: listed in `GET /api/mfa/`, renamed, removed (and then refused), each
//! change mailed and audited; another user's passkey is not found.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{ORIGIN, SoftAuthenticator, passkey_app, register_passkey, sign_in};
use crate::helpers::{
    PASSWORD, TestApp, answer, assert_field_errors, assert_unauthorized, send_as,
};

const ADA: &str = "ada@example.com";

/// `method /api/passkeys/{id}/` as `access`, with `body` if any.
async fn on_passkey(
    app: &TestApp,
    method: Method,
    id: &str,
    access: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, app.url(&format!("/api/passkeys/{id}/")));
    if let Some(body) = body {
        request = request.json(&body);
    }
    send_as(request, Some(access)).await
}

/// The passkeys of `GET /api/mfa/` as `access`.
async fn listed(app: &TestApp, access: &str) -> Value {
    crate::mfa::status(app, access).await["passkeys"].clone()
}

#[tokio::test]
async fn passkeys_are_listed_renamed_and_removed() {
    let app = passkey_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    assert_eq!(listed(&app, &access).await, json!([]));
    let mut laptop = SoftAuthenticator::new(ORIGIN);
    let mut phone = SoftAuthenticator::new(ORIGIN);
    let first = register_passkey(&app, &access, &mut laptop, None).await;
    let second = register_passkey(&app, &access, &mut phone, Some(" Phone ")).await;
    assert_eq!(first["name"], "Passkey");
    assert_eq!(second["name"], "Phone");
    answer(sign_in(&app, &mut laptop).await, StatusCode::OK).await;

    // Oldest first; these two were made within one second, so either may come first.
    let list = listed(&app, &access).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let used = list
        .iter()
        .find(|passkey| passkey["id"] == first["id"])
        .unwrap();
    assert!(used["last_used_at"].is_string(), "{list:?}");
    assert!(list.contains(&second), "{list:?}");
    let mut keys: Vec<&str> = used
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["created_at", "id", "last_used_at", "name"]);

    let id = first["id"].as_str().unwrap();
    let renamed = on_passkey(
        &app,
        Method::PATCH,
        id,
        &access,
        Some(json!({ "name": "Laptop" })),
    );
    let renamed = answer(renamed.await, StatusCode::OK).await.body;
    assert_eq!(renamed["name"], "Laptop");
    assert_eq!(renamed["id"], first["id"]);
    assert_field_errors(
        on_passkey(
            &app,
            Method::PATCH,
            id,
            &access,
            Some(json!({ "name": " " })),
        )
        .await,
        json!({ "name": ["This field may not be blank."] }),
    )
    .await;
    assert_field_errors(
        on_passkey(
            &app,
            Method::PATCH,
            id,
            &access,
            Some(json!({ "name": "x".repeat(65) })),
        )
        .await,
        json!({ "name": ["Ensure this field has no more than 64 characters."] }),
    )
    .await;

    let removed = on_passkey(&app, Method::DELETE, id, &access, None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(listed(&app, &access).await, json!([second]));
    assert_unauthorized(sign_in(&app, &mut laptop).await, "passkey_invalid").await;
    answer(sign_in(&app, &mut phone).await, StatusCode::OK).await;

    let mails: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM mail_outbox WHERE recipient = $1 AND kind <> 'verify_email' ORDER BY id",
    )
    .bind(ADA)
    .fetch_all(&app.database().await)
    .await
    .unwrap();
    assert_eq!(mails, ["passkey_added", "passkey_added", "passkey_removed"]);
    let trail = app
        .audit_trail_until(|rows| rows.iter().any(|row| row.0 == "passkey_removed"))
        .await;
    for kind in ["passkey_renamed", "passkey_removed"] {
        assert!(
            trail.iter().any(|row| row.0 == kind && row.5 == id),
            "{kind}: {trail:?}"
        );
    }
}

#[tokio::test]
async fn another_users_passkey_cannot_be_renamed_or_removed() {
    let app = passkey_app().await;
    let ada = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let bob = app
        .register_ok("bob@example.com", PASSWORD)
        .await
        .tokens
        .access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    let passkey = register_passkey(&app, &ada, &mut authenticator, None).await;
    let id = passkey["id"].as_str().unwrap();

    let removed = on_passkey(&app, Method::DELETE, id, &bob, None).await;
    assert_eq!(removed.status(), StatusCode::NOT_FOUND);
    let renamed = on_passkey(
        &app,
        Method::PATCH,
        id,
        &bob,
        Some(json!({ "name": "Mine" })),
    );
    assert_eq!(renamed.await.status(), StatusCode::NOT_FOUND);
    let unknown = on_passkey(&app, Method::DELETE, "no-such-id", &ada, None).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(listed(&app, &ada).await, json!([passkey]));
    answer(sign_in(&app, &mut authenticator).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_credential_registers_once_across_accounts() {
    let app = passkey_app().await;
    let access = app.register_ok(ADA, PASSWORD).await.tokens.access;
    let mut authenticator = SoftAuthenticator::new(ORIGIN);
    register_passkey(&app, &access, &mut authenticator, None).await;
    let (challenge_id, options) =
        super::begin(&app, "/api/passkeys/register/begin/", Some(&access)).await;
    // The begin names the registered credential, for the browser to refuse it.
    let excluded = options["excludeCredentials"].as_array().unwrap();
    assert_eq!(excluded.len(), 1, "{options}");

    // An authenticator that answers with that credential id anyway is refused: for this
    // account by the exclusion, for another by the credential id being taken.
    authenticator.reuse_credential_id = true;
    let credential = authenticator.create(&options);
    assert_eq!(credential["id"], excluded[0]["id"]);
    assert_field_errors(
        super::finish_registration(&app, &access, &challenge_id, &credential, None).await,
        json!({ "credential": ["The passkey could not be verified."] }),
    )
    .await;
    let taken = json!({ "credential": ["This passkey is registered already."] });
    let bob = app
        .register_ok("bob@example.com", PASSWORD)
        .await
        .tokens
        .access;
    let (challenge_id, options) =
        super::begin(&app, "/api/passkeys/register/begin/", Some(&bob)).await;
    let credential = authenticator.create(&options);
    assert_field_errors(
        super::finish_registration(&app, &bob, &challenge_id, &credential, None).await,
        taken,
    )
    .await;
    assert_eq!(listed(&app, &bob).await, json!([]));
}
