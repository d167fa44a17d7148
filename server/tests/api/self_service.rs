//! A user's own account: `DELETE /api/user/` (with the password) and `GET /api/user/export/`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, answer, assert_field_errors, assert_unauthorized, send_as, spawn_app,
};

async fn delete_account(app: &TestApp, access: &str, body: Value) -> reqwest::Response {
    send_as(
        app.client.delete(app.url("/api/user/")).json(&body),
        Some(access),
    )
    .await
}

/// How many rows of `table` belong to `user_id`.
async fn rows_of(app: &TestApp, table: &str, user_id: i64) -> i64 {
    let database = app.database().await;
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1"))
        .bind(user_id)
        .fetch_one(&database)
        .await
        .unwrap()
}

#[tokio::test]
async fn deleting_an_account_needs_the_password() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await;
    assert_field_errors(
        delete_account(&app, &ada.tokens.access, json!({})).await,
        json!({"password": ["This field is required."]}),
    )
    .await;
    assert_field_errors(
        delete_account(
            &app,
            &ada.tokens.access,
            json!({"password": "not my password"}),
        )
        .await,
        json!({"password": ["Your password was entered incorrectly. Please enter it again."]}),
    )
    .await;
    assert_unauthorized(
        send_as(
            app.client
                .delete(app.url("/api/user/"))
                .json(&json!({"password": PASSWORD})),
            None,
        )
        .await,
        "not_authenticated",
    )
    .await;
    app.assert_session_works(&ada.tokens).await;
}

#[tokio::test]
async fn a_deleted_account_is_gone_with_its_sessions_and_the_address_can_register_again() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await;
    let other_device = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    // A pending reset link (beside the verification link of registration) and its mail: they
    // go with the account.
    let reset = app
        .post_json("/api/password/reset/", &json!({"email": "ada@example.com"}))
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(rows_of(&app, "account_tokens", ada.user.id).await, 2);

    let response = delete_account(&app, &ada.tokens.access, json!({"password": PASSWORD})).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // The access tokens are refused as revoked; the refresh tokens' session is gone with the
    // account (refused as revoked or as unknown, whichever the backend sees first).
    for tokens in [&ada.tokens, &other_device] {
        assert_unauthorized(app.get_user(&tokens.access).await, "session_revoked").await;
        assert_eq!(
            app.refresh(&tokens.refresh).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_unauthorized(
        app.login("ada@example.com", PASSWORD).await,
        "authentication_failed",
    )
    .await;
    for table in ["sessions", "account_tokens", "mail_outbox"] {
        assert_eq!(rows_of(&app, table, ada.user.id).await, 0, "{table}");
    }
    // The trail keeps its rows, ids only.
    let trail = app
        .audit_trail_until(|rows| rows.iter().any(|row| row.0 == "account_deleted"))
        .await;
    let deleted = trail
        .iter()
        .find(|row| row.0 == "account_deleted")
        .expect("the deletion is audited");
    assert_eq!(deleted.2, Some(ada.user.id));
    assert_eq!(deleted.5, "2 sessions ended");
    assert!(trail.iter().any(|row| row.0 == "register"));

    let again = app.register_ok("ada@example.com", PASSWORD).await;
    assert_ne!(again.user.id, ada.user.id);
}

#[tokio::test]
async fn the_export_holds_the_users_data_and_no_secret() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await;
    let response = send_as(
        app.client.get(app.url("/api/user/export/")),
        Some(&ada.tokens.access),
    )
    .await;
    let export = answer(response, StatusCode::OK).await;
    assert_eq!(
        export.header("content-disposition"),
        "attachment; filename=\"gatehouse-export.json\""
    );
    assert_eq!(export.header("cache-control"), "no-store");
    let body = &export.body;
    assert_eq!(body["profile"]["email"], "ada@example.com");
    assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(body["sessions"][0]["revoked_at"], Value::Null);
    assert_eq!(body["second_factors"]["recovery_codes_left"], 0);
    let kinds: Vec<&str> = body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"data_exported"));
    assert!(kinds.contains(&"register"), "{kinds:?}");
    let text = body.to_string();
    for secret in [
        "$argon2",
        "password_hash",
        "refresh_jti",
        &ada.tokens.refresh,
    ] {
        assert!(!text.contains(secret), "the export holds {secret}");
    }
    assert_unauthorized(app.get("/api/user/export/").await, "not_authenticated").await;
}
