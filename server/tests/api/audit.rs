//! The audit trail: every sign-in (success and failure), registration, refresh, reuse
//! detection, logout, password change and revocation is a row in `auth_events` with its time,
//! user, session, address and outcome.

use reqwest::StatusCode;

use crate::helpers::{AuditRow, PASSWORD, answer, sid, spawn_app_with};

/// Whether `rows` hold an event of `kind` and `outcome` for `user` from the test's address.
fn has(rows: &[AuditRow], kind: &str, outcome: &str, user: Option<i64>) -> bool {
    rows.iter()
        .any(|row| row.0 == kind && row.1 == outcome && row.2 == user && row.4 == "127.0.0.1")
}

#[tokio::test]
async fn every_authentication_event_is_recorded_with_its_outcome() {
    let app = spawn_app_with(|config| config.refresh_reuse_grace = std::time::Duration::ZERO).await;
    let registered = app.register_ok("ada@example.com", PASSWORD).await;
    let ada = Some(registered.user.id);
    assert_eq!(
        app.login("ada@example.com", "wrong password")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("nobody@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let second = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let rotated = app.refresh_ok(&second.refresh).await;
    // Reuse of the replaced token ends that session.
    assert_eq!(
        app.refresh(&second.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let third = app.login_ok("ada@example.com", PASSWORD).await.tokens;
    let wrong = app
        .change_password(
            &third.access,
            "not it",
            "a new passphrase",
            "a new passphrase",
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let changed = app
        .change_password(
            &third.access,
            PASSWORD,
            "a new passphrase",
            "a new passphrase",
        )
        .await;
    answer(changed, StatusCode::OK).await;
    let fourth = app
        .login_ok("ada@example.com", "a new passphrase")
        .await
        .tokens;
    let deleted = app
        .delete_session(&sid(&fourth.refresh), Some(&third.access))
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.logout(&third.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    let expected = [
        ("register", "success", ada),
        ("login", "failure", ada),
        ("login", "failure", None),
        ("login", "success", ada),
        ("refresh", "success", ada),
        ("token_reused", "failure", ada),
        ("password_changed", "failure", ada),
        ("password_changed", "success", ada),
        ("session_revoked", "success", ada),
        ("logout", "success", ada),
    ];
    let rows = app
        .audit_trail_until(|rows| {
            expected
                .iter()
                .all(|(kind, outcome, user)| has(rows, kind, outcome, *user))
        })
        .await;
    for (kind, outcome, user) in expected {
        assert!(
            has(&rows, kind, outcome, user),
            "no {kind}/{outcome} for {user:?} in {rows:#?}"
        );
    }
    // Events name their session; a failed sign-in of an unknown account names the address
    // tried, never a password.
    let refresh = rows.iter().find(|row| row.0 == "refresh").unwrap();
    assert_eq!(refresh.3.as_deref(), Some(sid(&rotated.refresh).as_str()));
    let unknown = rows
        .iter()
        .find(|row| row.0 == "login" && row.2.is_none())
        .unwrap();
    assert_eq!(unknown.5, "unknown account nobody@example.com");
    assert!(rows.iter().all(|row| !row.5.contains(PASSWORD)));
}

#[tokio::test]
async fn a_refused_refresh_is_recorded_as_a_failure() {
    let app = spawn_app_with(|_| {}).await;
    let tokens = app.register_ok("ada@example.com", PASSWORD).await.tokens;
    assert_eq!(
        app.logout(&tokens.refresh).await.status(),
        StatusCode::RESET_CONTENT
    );

    assert_eq!(
        app.refresh(&tokens.refresh).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let failed = |rows: &[AuditRow]| {
        rows.iter()
            .any(|row| row.0 == "refresh" && row.1 == "failure" && row.5 == "session_revoked")
    };
    let rows = app.audit_trail_until(failed).await;
    assert!(failed(&rows), "{rows:#?}");
}
