//! The session rules on their own, without HTTP: rotation, the reuse grace, reuse detection,
//! idle and absolute expiry, logout scopes and access-token revocation, against a real SQLite
//! database in memory.

use std::time::Duration;

use secrecy::SecretString;

use super::*;
use crate::auth::email::{EmailPolicy, Verification};
use crate::auth::passkeys::{PasskeyPolicy, RelyingParty};
use crate::auth::password::PasswordHasher;
use crate::auth::password_policy::PasswordPolicy;
use crate::auth::sealed::Sealer;
use crate::auth::second_factors::MfaPolicy;
use crate::auth::throttle::{Rate, Throttle};
use crate::auth::tokens::{Issuer, KeyRing, TokenService};
use crate::auth::{Auth, SessionPolicy};
use crate::store::{NewUser, Store, StoreOptions};
use crate::telemetry::Audit;

/// The rules over a fresh in-memory database, with `policy`'s timings and a refresh lifetime
/// of `refresh_lifetime`.
async fn rules(policy: SessionPolicy, refresh_lifetime: Duration) -> Auth {
    let options = StoreOptions {
        // One connection: every connection to `:memory:` would be a database of its own.
        max_connections: 1,
        ..StoreOptions::new("sqlite::memory:")
    };
    let store = Store::connect(&options).await.unwrap();
    let secret = SecretString::from("session-rules-test-secret-".repeat(2));
    let rate = Rate::parse("1/s").unwrap();
    Auth {
        audit: Audit::spawn(store.clone(), Default::default()),
        store,
        tokens: TokenService::new(
            KeyRing::hmac(&secret, &[]),
            Issuer {
                issuer: "http://127.0.0.1:3000".into(),
                audience: None,
            },
            Duration::from_secs(60),
            refresh_lifetime,
        ),
        hasher: PasswordHasher::new(1).unwrap(),
        revocations: Default::default(),
        policy,
        password_policy: PasswordPolicy { min_chars: 8 },
        throttle: Throttle::new(false, rate, rate, Default::default()),
        email: EmailPolicy {
            verification: Verification::Optional,
            public_url: "http://127.0.0.1:3000".into(),
            reset_lifetime: Duration::from_secs(3600),
            verification_lifetime: Duration::from_secs(3600),
        },
        mfa: MfaPolicy {
            sealer: Sealer::new(&secret, &[]),
            challenge_lifetime: Duration::from_secs(300),
        },
        passkeys: PasskeyPolicy::new(&RelyingParty {
            id: "localhost".into(),
            origin: "http://localhost:3000".parse().unwrap(),
        })
        .unwrap(),
        mail_queued: Default::default(),
    }
}

fn policy() -> SessionPolicy {
    SessionPolicy {
        idle_timeout: 3600,
        reuse_grace: 10,
        access_window: 61,
    }
}

async fn default_rules() -> Auth {
    rules(policy(), Duration::from_secs(3600)).await
}

fn client() -> Client {
    Client::new([127, 0, 0, 1].into(), "unit test")
}

async fn user(auth: &Auth, name: &str) -> UserRow {
    auth.store
        .create_user(NewUser {
            email: &format!("{name}@example.com"),
            username: name,
            password_hash: "not a real hash",
            first_name: "",
            last_name: "",
            date_joined: clock::now(),
        })
        .await
        .unwrap()
}

/// A fresh session of `user`: its first pair and the refresh token's claims.
async fn signed_in(auth: &Auth, user: &UserRow) -> (IssuedPair, Claims) {
    let pair = start(auth, user, &client(), EventKind::Login, Amr::Password)
        .await
        .unwrap();
    let claims = verify_refresh(auth, &pair.refresh).unwrap();
    (pair, claims)
}

fn refused(result: Result<IssuedPair, SessionError>) -> AuthFailure {
    match result {
        Err(SessionError::Refused(failure)) => failure,
        Err(other) => panic!("expected a refusal, got {other:?}"),
        Ok(_) => panic!("expected a refusal, got a new pair"),
    }
}

#[tokio::test]
async fn a_rotation_replaces_the_pair_and_keeps_the_session() {
    let auth = default_rules().await;
    let ada = user(&auth, "ada").await;
    let (first, claims) = signed_in(&auth, &ada).await;
    let second = rotate(&auth, &claims, &client()).await.unwrap();
    assert_ne!(second.refresh, first.refresh);
    let next = verify_refresh(&auth, &second.refresh).unwrap();
    assert_eq!(next.sid, claims.sid);
    assert!(accept_access(&auth, &second.access).is_ok());
    assert!(rotate(&auth, &next, &client()).await.is_ok());
}

#[tokio::test]
async fn every_token_of_a_session_carries_its_sign_ins_amr() {
    let auth = default_rules().await;
    let ada = user(&auth, "ada").await;
    let pair = start(
        &auth,
        &ada,
        &client(),
        EventKind::Login,
        Amr::PasswordAndOtp,
    )
    .await
    .unwrap();
    let claims = verify_refresh(&auth, &pair.refresh).unwrap();
    assert_eq!(claims.amr, ["pwd", "otp", "mfa"]);
    let rotated = rotate(&auth, &claims, &client()).await.unwrap();
    let replayed = rotate(&auth, &claims, &client()).await.unwrap();
    for token in [&rotated.access, &replayed.access] {
        assert_eq!(
            accept_access(&auth, token).unwrap().amr,
            ["pwd", "otp", "mfa"]
        );
    }
    let (password_only, _) = signed_in(&auth, &ada).await;
    assert_eq!(
        accept_access(&auth, &password_only.access).unwrap().amr,
        ["pwd"]
    );
}

#[tokio::test]
async fn the_token_just_replaced_gets_the_same_pair_within_the_grace() {
    let auth = default_rules().await;
    let ada = user(&auth, "ada").await;
    let (_, claims) = signed_in(&auth, &ada).await;
    let winner = rotate(&auth, &claims, &client()).await.unwrap();
    let replay = rotate(&auth, &claims, &client()).await.unwrap();
    assert_eq!(replay.refresh, winner.refresh);
    assert_eq!(replay.access, winner.access);
}

#[tokio::test]
async fn reuse_after_the_grace_revokes_the_whole_session() {
    let auth = rules(
        SessionPolicy {
            reuse_grace: 0,
            ..policy()
        },
        Duration::from_secs(3600),
    )
    .await;
    let ada = user(&auth, "ada").await;
    let (_, claims) = signed_in(&auth, &ada).await;
    let newest = rotate(&auth, &claims, &client()).await.unwrap();
    assert_eq!(
        refused(rotate(&auth, &claims, &client()).await),
        AuthFailure::TokenReused
    );
    // The thief's use ended the session: its newest tokens die too.
    assert_eq!(
        accept_access(&auth, &newest.access).unwrap_err(),
        AuthFailure::SessionRevoked
    );
    let newest_claims = verify_refresh(&auth, &newest.refresh).unwrap();
    assert_eq!(
        refused(rotate(&auth, &newest_claims, &client()).await),
        AuthFailure::SessionRevoked
    );
}

#[tokio::test]
async fn an_idle_session_cannot_be_refreshed() {
    let auth = rules(
        SessionPolicy {
            idle_timeout: 0,
            ..policy()
        },
        Duration::from_secs(3600),
    )
    .await;
    let ada = user(&auth, "ada").await;
    let (_, claims) = signed_in(&auth, &ada).await;
    assert_eq!(
        refused(rotate(&auth, &claims, &client()).await),
        AuthFailure::SessionExpired
    );
}

#[tokio::test]
async fn a_session_past_its_absolute_end_cannot_be_refreshed() {
    let auth = rules(policy(), Duration::from_secs(1)).await;
    let ada = user(&auth, "ada").await;
    let (_, claims) = signed_in(&auth, &ada).await;
    // The session ends one second after it started, whatever the second boundary.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        refused(rotate(&auth, &claims, &client()).await),
        AuthFailure::SessionExpired
    );
}

#[tokio::test]
async fn logout_scopes_end_the_sessions_they_name() {
    let auth = default_rules().await;
    let ada = user(&auth, "ada").await;
    let (here, here_claims) = signed_in(&auth, &ada).await;
    let (there, _) = signed_in(&auth, &ada).await;
    let (elsewhere, _) = signed_in(&auth, &ada).await;

    logout(&auth, &there.refresh, LogoutScope::Current, &client())
        .await
        .unwrap();
    assert!(accept_access(&auth, &there.access).is_err());
    assert!(accept_access(&auth, &here.access).is_ok());

    logout(&auth, &here.refresh, LogoutScope::Others, &client())
        .await
        .unwrap();
    assert!(accept_access(&auth, &elsewhere.access).is_err());
    assert!(accept_access(&auth, &here.access).is_ok());
    assert_eq!(live(&auth, ada.id).await.unwrap().len(), 1);

    logout(&auth, &here.refresh, LogoutScope::All, &client())
        .await
        .unwrap();
    assert_eq!(
        accept_access(&auth, &here.access).unwrap_err(),
        AuthFailure::SessionRevoked
    );
    assert_eq!(
        refused(rotate(&auth, &here_claims, &client()).await),
        AuthFailure::SessionRevoked
    );
    assert!(live(&auth, ada.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn logout_needs_the_live_refresh_token() {
    let auth = default_rules().await;
    let ada = user(&auth, "ada").await;
    let (first, claims) = signed_in(&auth, &ada).await;
    rotate(&auth, &claims, &client()).await.unwrap();
    match logout(&auth, &first.refresh, LogoutScope::All, &client()).await {
        Err(SessionError::Refused(AuthFailure::TokenBlacklisted)) => {}
        other => panic!("expected token_not_valid (blacklisted), got {other:?}"),
    }
}

#[tokio::test]
async fn verify_checks_access_tokens_in_memory_and_refresh_tokens_against_the_session() {
    let auth = default_rules().await;
    let ada = user(&auth, "ada").await;
    let (pair, _) = signed_in(&auth, &ada).await;
    assert!(verify(&auth, &pair.access).await.is_ok());
    assert!(verify(&auth, &pair.refresh).await.is_ok());
    logout(&auth, &pair.refresh, LogoutScope::Current, &client())
        .await
        .unwrap();
    assert!(matches!(
        verify(&auth, &pair.access).await,
        Err(SessionError::Refused(AuthFailure::SessionRevoked))
    ));
    assert!(matches!(
        verify(&auth, &pair.refresh).await,
        Err(SessionError::Refused(AuthFailure::SessionRevoked))
    ));
}
