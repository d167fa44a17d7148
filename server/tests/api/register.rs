//! `POST /api/register/`: account creation, normalisation, and every validation message.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{PASSWORD, answer, assert_field_errors, spawn_app, unix_now};

#[tokio::test]
async fn registering_answers_201_with_the_user_and_a_working_token_pair() {
    let app = spawn_app().await;

    let response = app.register("ada@example.com", PASSWORD).await;

    let answer = answer(response, StatusCode::CREATED).await;
    let user = &answer.body["user"];
    assert!(user["id"].as_i64().is_some_and(|id| id > 0), "user: {user}");
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["username"], "ada");
    assert_eq!(user["first_name"], "");
    assert_eq!(user["last_name"], "");
    let joined = user["date_joined"]
        .as_str()
        .expect("date_joined is a string");
    let joined = OffsetDateTime::parse(joined, &Rfc3339).expect("date_joined is RFC 3339");
    assert!(joined.offset().is_utc(), "date_joined {joined} is not UTC");
    assert!(
        (joined.unix_timestamp() - unix_now()).abs() <= 60,
        "date_joined {joined} is not now"
    );
    let access = answer.body["tokens"]["access"]
        .as_str()
        .expect("an access token");
    assert!(
        answer.body["tokens"]["refresh"]
            .as_str()
            .is_some_and(|refresh| !refresh.is_empty())
    );
    let me = crate::helpers::answer(app.get_user(access).await, StatusCode::OK).await;
    assert_eq!(&me.body, user);
}

#[tokio::test]
async fn the_answer_never_contains_the_password_or_its_hash() {
    let app = spawn_app().await;

    let text = app
        .register("ada@example.com", PASSWORD)
        .await
        .text()
        .await
        .unwrap();

    assert!(!text.contains(PASSWORD), "{text}");
    assert!(!text.contains("password"), "{text}");
    assert!(!text.contains("argon2"), "{text}");
}

#[tokio::test]
async fn register_works_without_a_trailing_slash() {
    let app = spawn_app().await;
    let body = json!({
        "email": "ada@example.com",
        "username": "ada",
        "password": PASSWORD,
        "password2": PASSWORD,
    });

    let response = app.post_json("/api/register", &body).await;

    let answer = answer(response, StatusCode::CREATED).await;
    assert_eq!(answer.body["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn the_email_is_trimmed_and_lowercased() {
    let app = spawn_app().await;

    let registered = app.register_ok("  Ada@Example.COM ", PASSWORD).await;

    assert_eq!(registered.user.email, "ada@example.com");
    let claims = crate::helpers::jwt_claims(&registered.tokens.access);
    assert_eq!(claims["email"], "ada@example.com");
}

#[tokio::test]
async fn optional_names_are_stored_trimmed() {
    let app = spawn_app().await;
    let body = json!({
        "email": "ada@example.com",
        "username": "ada",
        "password": PASSWORD,
        "password2": PASSWORD,
        "first_name": "  Ada ",
        "last_name": "Lovelace",
    });

    let answer = answer(
        app.post_json("/api/register/", &body).await,
        StatusCode::CREATED,
    )
    .await;

    assert_eq!(answer.body["user"]["first_name"], "Ada");
    assert_eq!(answer.body["user"]["last_name"], "Lovelace");
}

#[tokio::test]
async fn every_missing_field_is_reported_as_required() {
    let app = spawn_app().await;

    let response = app.post_json("/api/register/", &json!({})).await;

    let required = json!(["This field is required."]);
    assert_field_errors(
        response,
        json!({ "email": required, "username": required, "password": required, "password2": required }),
    )
    .await;
}

#[tokio::test]
async fn blank_fields_are_reported_as_blank() {
    let app = spawn_app().await;
    let body = json!({ "email": "  ", "username": "", "password": "   ", "password2": "" });

    let response = app.post_json("/api/register/", &body).await;

    let blank = json!(["This field may not be blank."]);
    assert_field_errors(
        response,
        json!({ "email": blank, "username": blank, "password": blank, "password2": blank }),
    )
    .await;
}

#[tokio::test]
async fn an_invalid_email_is_refused() {
    let app = spawn_app().await;
    for email in [
        "ada",
        "ada@",
        "@example.com",
        "a b@example.com",
        "ada@example",
        "a@@example.com",
    ] {
        let body = json!({ "email": email, "username": "ada", "password": PASSWORD, "password2": PASSWORD });

        let response = app.post_json("/api/register/", &body).await;

        assert_field_errors(
            response,
            json!({ "email": ["Enter a valid email address."] }),
        )
        .await;
    }
}

#[tokio::test]
async fn an_invalid_username_is_refused() {
    let app = spawn_app().await;
    let body = json!({ "email": "ada@example.com", "username": "ada lovelace", "password": PASSWORD, "password2": PASSWORD });

    let answer = answer(
        app.post_json("/api/register/", &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    let messages = answer.body["username"]
        .as_array()
        .expect("a username error");
    assert_eq!(messages.len(), 1, "{}", answer.body);
    assert!(
        messages[0]
            .as_str()
            .unwrap()
            .starts_with("Enter a valid username"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_password_shorter_than_eight_characters_is_refused() {
    let app = spawn_app().await;

    let answer = answer(
        app.register("ada@example.com", "abc1234").await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    let messages = answer.body["password"]
        .as_array()
        .expect("a password error");
    assert_eq!(messages.len(), 1, "{}", answer.body);
    assert!(
        messages[0]
            .as_str()
            .unwrap()
            .starts_with("This password is too short"),
        "{}",
        answer.body
    );
    assert_eq!(
        answer.body.as_object().unwrap().len(),
        1,
        "only the password is wrong: {}",
        answer.body
    );
}

#[tokio::test]
async fn a_password_of_exactly_eight_characters_is_accepted() {
    let app = spawn_app().await;

    let response = app.register("ada@example.com", "fjord7ly").await;

    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn an_entirely_numeric_password_is_refused() {
    let app = spawn_app().await;

    let response = app.register("ada@example.com", "1234567890").await;

    assert_field_errors(
        response,
        json!({ "password": ["This password is entirely numeric."] }),
    )
    .await;
}

#[tokio::test]
async fn a_password_over_128_characters_is_refused() {
    let app = spawn_app().await;

    let answer = answer(
        app.register("ada@example.com", &"x".repeat(129)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    assert!(answer.body["password"].is_array(), "{}", answer.body);
}

#[tokio::test]
async fn mismatched_passwords_are_refused() {
    let app = spawn_app().await;
    let body = json!({
        "email": "ada@example.com",
        "username": "ada",
        "password": PASSWORD,
        "password2": "correct horse battery staple",
    });

    let response = app.post_json("/api/register/", &body).await;

    assert_field_errors(
        response,
        json!({ "password": ["Password fields didn't match."] }),
    )
    .await;
}

#[tokio::test]
async fn a_refused_registration_creates_no_account() {
    let app = spawn_app().await;
    let mismatched = json!({
        "email": "ada@example.com",
        "username": "ada",
        "password": PASSWORD,
        "password2": "something else entirely",
    });
    assert_eq!(
        app.post_json("/api/register/", &mismatched).await.status(),
        StatusCode::BAD_REQUEST
    );

    let response = app.register("ada@example.com", PASSWORD).await;

    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn several_bad_fields_are_reported_at_once() {
    let app = spawn_app().await;
    let body = json!({ "email": "not-an-email", "password": "short", "password2": "short" });

    let answer = answer(
        app.post_json("/api/register/", &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    assert_eq!(
        answer.body["email"],
        json!(["Enter a valid email address."])
    );
    assert_eq!(answer.body["username"], json!(["This field is required."]));
    assert!(
        answer.body["password"][0]
            .as_str()
            .is_some_and(|message| message.starts_with("This password is too short")),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_duplicate_email_is_refused() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;
    let body = json!({ "email": "ada@example.com", "username": "ada2", "password": PASSWORD, "password2": PASSWORD });

    let response = app.post_json("/api/register/", &body).await;

    assert_field_errors(
        response,
        json!({ "email": ["user with this email already exists."] }),
    )
    .await;
}

#[tokio::test]
async fn a_duplicate_email_in_another_case_is_refused() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;
    let body = json!({ "email": " ADA@Example.com", "username": "ada2", "password": PASSWORD, "password2": PASSWORD });

    let response = app.post_json("/api/register/", &body).await;

    assert_field_errors(
        response,
        json!({ "email": ["user with this email already exists."] }),
    )
    .await;
}

#[tokio::test]
async fn a_duplicate_username_is_refused() {
    let app = spawn_app().await;
    app.register_ok("ada@example.com", PASSWORD).await;
    let body = json!({ "email": "other@example.com", "username": "ada", "password": PASSWORD, "password2": PASSWORD });

    let answer = answer(
        app.post_json("/api/register/", &body).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    let messages = answer.body["username"]
        .as_array()
        .expect("a username error");
    assert_eq!(messages.len(), 1, "{}", answer.body);
    assert!(answer.body.get("email").is_none(), "{}", answer.body);
}

#[tokio::test]
async fn registering_one_email_concurrently_creates_exactly_one_account() {
    let app = spawn_app().await;
    let attempts = (0..5).map(|attempt| {
        let body = json!({
            "email": "ada@example.com",
            "username": format!("ada{attempt}"),
            "password": PASSWORD,
            "password2": PASSWORD,
        });
        let app = &app;
        async move { app.post_json("/api/register/", &body).await }
    });

    let responses = join_all(attempts).await;

    let mut created = 0;
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::BAD_REQUEST => {
                let body: serde_json::Value = response.json().await.unwrap();
                assert_eq!(
                    body,
                    json!({ "email": ["user with this email already exists."] })
                );
            }
            other => panic!(
                "unexpected {other}: {}",
                response.text().await.unwrap_or_default()
            ),
        }
    }
    assert_eq!(created, 1, "exactly one registration should win");
}
