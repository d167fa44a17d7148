//! Keys: a rotated key is picked up on the first token naming it, without restarting the
//! service; unknown `kid`s fetch the JWKS at most once per interval; forged tokens (a swapped
//! `alg`, an unknown `kid`, another `iss` or `aud`, a removed key) are refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use gatehouse::keys::{PrivateKey, SigningAlgorithm};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use verifier::{Verifier, VerifyError};

use crate::support::{Proxy, fixture, spawn_gatehouse, verifier_for, with_header};

#[tokio::test]
async fn a_rotated_key_is_picked_up_on_the_first_token_naming_it_and_a_removed_one_refused() {
    let proxy = Proxy::start().await;
    let old = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&old);
    let verifier = verifier_for(&proxy).await;
    let before = old.register("ada@example.com").await;
    assert!(verifier.verify(&before.access).await.is_ok());

    // Gatehouse restarts with a new key, the old one's public half listed as previous.
    let key = PrivateKey::generate(SigningAlgorithm::Es256).unwrap();
    let key_file = old.dir.join("new-key.pem");
    std::fs::write(&key_file, key.to_pem().expose_secret()).unwrap();
    let database_url = old.database_url.clone();
    let (new_key, previous) = (key_file.clone(), fixture("eddsa.pub.pem"));
    let rotated = spawn_gatehouse(&proxy.url(), |config| {
        config.database_url = Some(database_url);
        config.jwt_algorithm = SigningAlgorithm::Es256;
        config.jwt_private_key_file = Some(new_key);
        config.jwt_previous_public_keys_file = Some(previous);
    })
    .await;
    proxy.point_at(&rotated);
    let after = rotated.login("ada@example.com").await;
    let claims = verifier.verify(&after.access).await;
    assert!(claims.is_ok(), "the new key's first token: {claims:?}");
    assert!(
        verifier.verify(&before.access).await.is_ok(),
        "the previous key still verifies"
    );

    // Later the old key is removed: a verifier reading the new JWKS refuses its tokens.
    let database_url = old.database_url.clone();
    let new_key = key_file;
    let without_old = spawn_gatehouse(&proxy.url(), |config| {
        config.database_url = Some(database_url);
        config.jwt_algorithm = SigningAlgorithm::Es256;
        config.jwt_private_key_file = Some(new_key);
    })
    .await;
    proxy.point_at(&without_old);
    let fresh = verifier_for(&proxy).await;
    assert_eq!(
        fresh.verify(&before.access).await,
        Err(VerifyError::UnknownKey)
    );
    assert!(fresh.verify(&after.access).await.is_ok());
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let proxy = Proxy::start().await;
    let gatehouse = spawn_gatehouse(&proxy.url(), |config| {
        config.jwt_audience = Some("orders".into());
    })
    .await;
    proxy.point_at(&gatehouse);
    let verifier = Verifier::builder(proxy.url())
        .audience("orders")
        .build()
        .await
        .unwrap();
    let token = gatehouse.register("ada@example.com").await.access;
    assert!(verifier.verify(&token).await.is_ok());

    for alg in ["ES256", "RS256", "HS256", "none"] {
        let swapped = with_header(&token, |header| header["alg"] = json!(alg));
        assert_eq!(
            verifier.verify(&swapped).await,
            Err(VerifyError::Invalid),
            "{alg}"
        );
    }
    let no_kid = with_header(&token, |header| {
        header.as_object_mut().unwrap().remove("kid");
    });
    assert_eq!(verifier.verify(&no_kid).await, Err(VerifyError::Invalid));
    let unknown = with_header(&token, |header| header["kid"] = json!("not-a-key"));
    assert_eq!(
        verifier.verify(&unknown).await,
        Err(VerifyError::UnknownKey)
    );
    // One character of the signature changed (not the last, whose low bits may be padding).
    let at = token.rfind('.').unwrap() + 10;
    let changed = if &token[at..=at] == "A" { "B" } else { "A" };
    let tampered = format!("{}{changed}{}", &token[..at], &token[at + 1..]);
    assert_eq!(verifier.verify(&tampered).await, Err(VerifyError::Invalid));
    assert_eq!(
        verifier.verify("not.a.jwt").await,
        Err(VerifyError::Invalid)
    );

    let other_issuer = Verifier::builder("https://elsewhere.example.com")
        .jwks_url(format!("{}/.well-known/jwks.json", proxy.url()))
        .audience("orders")
        .build()
        .await
        .unwrap();
    assert_eq!(other_issuer.verify(&token).await, Err(VerifyError::Invalid));
    let other_audience = Verifier::builder(proxy.url())
        .audience("billing")
        .build()
        .await
        .unwrap();
    assert_eq!(
        other_audience.verify(&token).await,
        Err(VerifyError::Invalid)
    );
    let no_audience = Verifier::builder(proxy.url()).build().await.unwrap();
    assert_eq!(no_audience.verify(&token).await, Err(VerifyError::Invalid));
}

/// The stub's request count, and a switch making it answer 503.
struct Stub {
    fetches: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

/// A JWKS served by a stub that counts its requests, with `max-age=1`.
async fn counting_jwks(jwks: Value) -> (String, Stub) {
    let stub = Stub {
        fetches: Arc::new(AtomicUsize::new(0)),
        failing: Arc::new(AtomicBool::new(false)),
    };
    let (counter, failing) = (stub.fetches.clone(), stub.failing.clone());
    let app = Router::new().route(
        "/jwks.json",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let status = if failing.load(Ordering::SeqCst) {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::OK
            };
            let body = jwks.to_string();
            async move {
                (
                    status,
                    [
                        (header::CACHE_CONTROL, "public, max-age=1"),
                        (header::CONTENT_TYPE, "application/json"),
                    ],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, stub)
}

#[tokio::test]
async fn unknown_kids_fetch_the_jwks_at_most_once_per_interval_and_max_age_is_honoured() {
    let proxy = Proxy::start().await;
    let gatehouse = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&gatehouse);
    let token = gatehouse.register("ada@example.com").await.access;
    let (jwks_url, stub) = counting_jwks(gatehouse.jwks().await).await;
    let fetches = stub.fetches;
    let verifier = Verifier::builder(proxy.url())
        .jwks_url(jwks_url)
        .unknown_kid_interval(Duration::from_millis(1500))
        .build()
        .await
        .unwrap();
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    assert!(verifier.verify(&token).await.is_ok());
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "a known kid is served from the cache"
    );

    for n in 0..50 {
        let forged = with_header(&token, |header| {
            header["kid"] = json!(format!("forged-{n}"))
        });
        assert_eq!(verifier.verify(&forged).await, Err(VerifyError::UnknownKey));
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "one refetch for 50 forged kids"
    );

    // After max-age (1 s) a known kid fetches the set again, once.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(verifier.verify(&token).await.is_ok());
    assert!(verifier.verify(&token).await.is_ok());
    assert_eq!(fetches.load(Ordering::SeqCst), 3);

    // After the interval an unknown kid may fetch again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let forged = with_header(&token, |header| header["kid"] = json!("forged-again"));
    assert_eq!(verifier.verify(&forged).await, Err(VerifyError::UnknownKey));
    assert_eq!(fetches.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn known_keys_keep_verifying_while_the_jwks_cannot_be_fetched() {
    let proxy = Proxy::start().await;
    let gatehouse = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&gatehouse);
    let token = gatehouse.register("ada@example.com").await.access;
    let (jwks_url, stub) = counting_jwks(gatehouse.jwks().await).await;
    let verifier = Verifier::builder(proxy.url())
        .jwks_url(jwks_url)
        .unknown_kid_interval(Duration::from_secs(30))
        .build()
        .await
        .unwrap();
    stub.failing.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // The set has expired and cannot be fetched: its keys still verify, with one attempt made.
    for _ in 0..10 {
        assert!(verifier.verify(&token).await.is_ok());
    }
    assert_eq!(stub.fetches.load(Ordering::SeqCst), 2);
    let forged = with_header(&token, |header| header["kid"] = json!("forged"));
    assert!(verifier.verify(&forged).await.is_err());
}
