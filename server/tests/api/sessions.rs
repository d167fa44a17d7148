//! `GET /api/sessions/` and `DELETE /api/sessions/{id}/`: where a user is signed in, and ending
//! one of those sessions.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{
    PASSWORD, answer, assert_unauthorized, claim_i64, jwt_claims, sid, spawn_app,
};

const USER_AGENT: &str = "GatehouseTests/1.0 (sessions; +https://example.com)";

/// Every string anywhere in `value`.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(fields) => fields.values().flat_map(strings).collect(),
        _ => vec![],
    }
}

/// The ids of the sessions listed in `body`.
fn ids(body: &Value) -> Vec<&str> {
    body.as_array()
        .expect("a JSON list")
        .iter()
        .map(|session| session["id"].as_str().expect("a string id"))
        .collect()
}

fn unix_from_rfc3339(text: &str) -> i64 {
    OffsetDateTime::parse(text, &Rfc3339)
        .unwrap_or_else(|error| panic!("{text:?} is not RFC 3339 ({error})"))
        .unix_timestamp()
}

#[tokio::test]
async fn the_sessions_list_shows_each_live_session_and_never_a_token() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let signed_in = app
        .login_with_user_agent("ada@example.com", PASSWORD, USER_AGENT)
        .await;
    let bob = app.register_ok("bob@example.com", PASSWORD).await;

    let response = app.list_sessions(&signed_in.tokens.access).await;

    let listed = answer(response, StatusCode::OK).await.body;
    let text_of_answer = listed.to_string();
    let sessions = listed.as_array().expect("a JSON list");
    assert_eq!(sessions.len(), 2, "ada's two sessions only: {listed}");
    for session in sessions {
        let mut keys: Vec<&str> = session
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "created_at",
                "current",
                "expires_at",
                "id",
                "ip",
                "last_used_at",
                "user_agent"
            ],
            "{session}"
        );
        assert_eq!(session["ip"], "127.0.0.1", "{session}");
        assert!(session["current"].is_boolean(), "{session}");
    }
    let current: Vec<&Value> = sessions
        .iter()
        .filter(|session| session["current"] == json!(true))
        .collect();
    assert_eq!(current.len(), 1, "exactly one current session: {listed}");
    let current = current[0];
    assert_eq!(current["id"], sid(&signed_in.tokens.refresh));
    assert_eq!(current["user_agent"], USER_AGENT);
    let refresh = &signed_in.tokens.refresh;
    assert_eq!(
        unix_from_rfc3339(current["expires_at"].as_str().unwrap()),
        claim_i64(refresh, "exp")
    );
    assert_eq!(
        unix_from_rfc3339(current["created_at"].as_str().unwrap()),
        claim_i64(refresh, "iat")
    );
    assert_eq!(
        unix_from_rfc3339(current["last_used_at"].as_str().unwrap()),
        claim_i64(refresh, "iat")
    );
    let mut listed_ids = ids(&listed);
    listed_ids.sort_unstable();
    let mut expected = vec![
        sid(&registered.tokens.refresh),
        sid(&signed_in.tokens.refresh),
    ];
    expected.sort_unstable();
    assert_eq!(listed_ids, expected);

    let tokens = [
        &registered.tokens.access,
        &registered.tokens.refresh,
        &signed_in.tokens.access,
        &signed_in.tokens.refresh,
        &bob.tokens.access,
        &bob.tokens.refresh,
    ];
    for value in strings(&listed) {
        assert!(
            !tokens.iter().any(|token| token.as_str() == value),
            "the list shows a token: {value}"
        );
    }
    for token in tokens {
        let signature = token.rsplit('.').next().unwrap();
        assert!(
            !text_of_answer.contains(signature),
            "the list contains a token's signature"
        );
        let jti = jwt_claims(token)["jti"].as_str().unwrap().to_owned();
        assert!(
            !text_of_answer.contains(&jti),
            "the list contains a token id"
        );
    }
}

#[tokio::test]
async fn the_sessions_list_marks_the_session_of_the_access_token_used() {
    let app = spawn_app().await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let signed_in = app.login_ok("ada@example.com", PASSWORD).await;

    for tokens in [&registered.tokens, &signed_in.tokens] {
        let listed = answer(app.list_sessions(&tokens.access).await, StatusCode::OK).await;

        let current: Vec<&str> = listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|session| session["current"] == json!(true))
            .map(|session| session["id"].as_str().unwrap())
            .collect();
        assert_eq!(current, [sid(&tokens.refresh)], "{}", listed.body);
    }
}

#[tokio::test]
async fn deleting_a_session_ends_it_and_removes_it_from_the_list() {
    let app = spawn_app().await;
    let mine = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let elsewhere = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let ended = sid(&elsewhere.refresh);

    let response = app.delete_session(&ended, Some(&mine.access)).await;

    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.text().await.unwrap(), "");
    app.assert_session_revoked(&elsewhere).await;
    let listed = answer(app.list_sessions(&mine.access).await, StatusCode::OK).await;
    assert_eq!(ids(&listed.body), [sid(&mine.refresh)]);
    app.assert_session_works(&mine).await;
}

#[tokio::test]
async fn deleting_a_session_twice_is_404_the_second_time() {
    let app = spawn_app().await;
    let mine = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let elsewhere = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let ended = sid(&elsewhere.refresh);
    assert_eq!(
        app.delete_session(&ended, Some(&mine.access))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let again = answer(
        app.delete_session(&ended, Some(&mine.access)).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(again.body, json!({ "detail": "Not found." }));
}

#[tokio::test]
async fn deleting_another_users_session_is_404_and_leaves_it_working() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let bob = app.register_ok("bob@example.com", PASSWORD).await.tokens;

    let refused = answer(
        app.delete_session(&sid(&bob.refresh), Some(&ada.access))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(refused.body, json!({ "detail": "Not found." }));
    app.assert_session_works(&bob).await;
    app.assert_session_works(&ada).await;
}

#[tokio::test]
async fn deleting_an_unknown_session_is_404() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;

    let refused = answer(
        app.delete_session(&uuid::Uuid::new_v4().to_string(), Some(&ada.access))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(refused.body, json!({ "detail": "Not found." }));
}

#[tokio::test]
async fn the_sessions_endpoints_need_an_access_token() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    let id = sid(&ada.refresh);

    assert_unauthorized(app.get("/api/sessions/").await, "not_authenticated").await;
    assert_unauthorized(app.delete_session(&id, None).await, "not_authenticated").await;
    assert_unauthorized(app.list_sessions(&ada.refresh).await, "token_not_valid").await;
    assert_unauthorized(
        app.delete_session(&id, Some(&ada.refresh)).await,
        "token_not_valid",
    )
    .await;

    app.assert_session_works(&ada).await;
}

#[tokio::test]
async fn an_ended_sessions_access_token_cannot_list_sessions() {
    let app = spawn_app().await;
    let ada = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    assert_eq!(
        app.logout(&ada.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    assert_unauthorized(app.list_sessions(&ada.access).await, "session_revoked").await;
}
