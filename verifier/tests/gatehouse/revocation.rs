//! Ended sessions: a logout on Gatehouse is refused by the verifier within 1 s, and one made
//! while the stream was down (and the server restarted) is refused after the reconnection.

use std::time::Duration;

use verifier::VerifyError;

use crate::support::{Proxy, refused_within, spawn_gatehouse, verifier_for, wait_following};

#[tokio::test]
async fn a_valid_access_token_is_accepted_with_its_claims() {
    let proxy = Proxy::start().await;
    let gatehouse = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&gatehouse);
    let verifier = verifier_for(&proxy).await;
    let tokens = gatehouse.register("ada@example.com").await;
    let claims = verifier.verify(&tokens.access).await.unwrap();
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    assert_eq!(claims.amr, ["pwd"]);
    assert!(!claims.sid.is_empty());
    assert!(claims.sub.parse::<i64>().is_ok(), "{claims:?}");
    // A refresh token is not an access token.
    assert_eq!(
        verifier.verify(&tokens.refresh).await,
        Err(VerifyError::Invalid)
    );
}

#[tokio::test]
async fn a_logout_on_gatehouse_is_refused_within_one_second() {
    let proxy = Proxy::start().await;
    let gatehouse = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&gatehouse);
    let verifier = verifier_for(&proxy).await;
    wait_following(&verifier).await;
    let tokens = gatehouse.register("ada@example.com").await;
    let other = gatehouse.login("ada@example.com").await;
    assert!(verifier.verify(&tokens.access).await.is_ok());

    gatehouse.logout(&tokens).await;
    let answer = refused_within(&verifier, &tokens.access, Duration::from_secs(1)).await;
    assert_eq!(answer, Err(VerifyError::Revoked));
    // Only that session.
    assert!(verifier.verify(&other.access).await.is_ok());
}

#[tokio::test]
async fn no_revocation_is_missed_while_the_stream_is_down_or_the_server_restarts() {
    let proxy = Proxy::start().await;
    let first = spawn_gatehouse(&proxy.url(), |_| {}).await;
    proxy.point_at(&first);
    let verifier = verifier_for(&proxy).await;
    wait_following(&verifier).await;
    let early = first.register("ada@example.com").await;
    let during = first.login("ada@example.com").await;
    let kept = first.login("ada@example.com").await;
    first.logout(&early).await;
    let answer = refused_within(&verifier, &early.access, Duration::from_secs(1)).await;
    assert_eq!(answer, Err(VerifyError::Revoked));

    // The stream drops; a session ends meanwhile; the service comes back as a new instance on
    // the same database (a restart): the verifier resumes with Last-Event-ID.
    proxy.down();
    let dropped = crate::support::eventually(Duration::from_secs(5), async || {
        !verifier.following_revocations()
    })
    .await;
    assert!(dropped, "the verifier did not notice the dropped stream");
    first.logout(&during).await;
    let database_url = first.database_url.clone();
    let second = spawn_gatehouse(&proxy.url(), |config| {
        config.database_url = Some(database_url);
    })
    .await;
    proxy.point_at(&second);
    proxy.up();

    let answer = refused_within(&verifier, &during.access, Duration::from_secs(5)).await;
    assert_eq!(answer, Err(VerifyError::Revoked), "a revocation was missed");
    assert!(verifier.following_revocations());
    assert_eq!(
        verifier.verify(&early.access).await,
        Err(VerifyError::Revoked)
    );
    assert!(verifier.verify(&kept.access).await.is_ok());
    // And it keeps following: a logout on the new instance arrives within 1 s.
    second.logout(&kept).await;
    let answer = refused_within(&verifier, &kept.access, Duration::from_secs(1)).await;
    assert_eq!(answer, Err(VerifyError::Revoked));
}
