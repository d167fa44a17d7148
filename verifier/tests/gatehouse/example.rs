//! The example service end to end: it accepts a Gatehouse access token, and refuses that same
//! token within 1 s of the user signing out on Gatehouse.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Proxy, eventually, spawn_gatehouse, verifier_for, wait_following};

#[allow(
    dead_code,
    reason = "the example's `main` is not run here; its `app` is"
)]
#[path = "../../examples/protected_service.rs"]
mod protected_service;

#[tokio::test]
async fn the_example_service_accepts_a_token_then_refuses_it_within_a_second_of_sign_out() {
    let proxy = Proxy::start().await;
    let gatehouse = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&gatehouse);
    let verifier = verifier_for(&proxy).await;
    wait_following(&verifier).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let service = format!("http://{}/me", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, protected_service::app(verifier)).await });
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let me = async |token: &str| {
        let response = client
            .get(&service)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json::<Value>().await.unwrap())
    };

    let tokens = gatehouse.register("ada@example.com").await;
    let (status, body) = me(&tokens.access).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "ada@example.com");
    assert_eq!(body["amr"], serde_json::json!(["pwd"]));

    gatehouse.logout(&tokens).await;
    let mut last = (StatusCode::OK, Value::Null);
    let refused = eventually(Duration::from_secs(1), async || {
        last = me(&tokens.access).await;
        last.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    assert!(refused, "still accepted 1 s after sign-out: {last:?}");
    assert_eq!(last.1["code"], "session_revoked");
    assert!(last.1["detail"].is_string());

    let anonymous = client.get(&service).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["code"], "not_authenticated");
}
