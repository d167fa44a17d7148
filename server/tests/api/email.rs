//! Account email (SPEC "Account email"): password reset, address verification and change of
//! address, delivered through the outbox over real SMTP to a sink on loopback
//! (`scripts/smtp_sink.py`), and read back from it the way a user reads their mail.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures::future::join_all;
use gatehouse::config::Config;
use gatehouse::{Rate, TrustedProxies, Verification};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{
    AuditRow, PASSWORD, TestApp, answer, assert_unauthorized, jwt_claims, keys, spawn_app_with,
};
use crate::mail_sink::{MailSink, SinkTls};

const PUBLIC_URL: &str = "http://gatehouse.test";
const FROM: &str = "no-reply@gatehouse.test";
const ADA: &str = "ada@example.com";
const BOB: &str = "bob@example.com";
const NEW_PASSWORD: &str = "battery staple horse";

fn reset_link() -> String {
    format!("{PUBLIC_URL}/reset-password")
}

fn verify_link() -> String {
    format!("{PUBLIC_URL}/verify-email")
}

fn confirm_link() -> String {
    format!("{PUBLIC_URL}/confirm-email")
}

/// A server that mails through `smtp_url`, with links on `PUBLIC_URL`. Verification is off
/// unless the test is about it, so each mailbox holds only the mails the test looks at.
async fn spawn_mailing_to(smtp_url: String, customise: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_with(|config| {
        config.smtp_url = Some(SecretString::from(smtp_url));
        config.public_url = Some(PUBLIC_URL.into());
        config.email_from = format!("Gatehouse <{FROM}>");
        config.email_verification = Verification::None;
        customise(config);
    })
    .await
}

/// A server that mails to `sink` over plain SMTP.
async fn spawn_mailing(sink: &MailSink, customise: impl FnOnce(&mut Config)) -> TestApp {
    spawn_mailing_to(sink.smtp_url(), customise).await
}

async fn ask_reset(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/password/reset/", &json!({ "email": email }))
        .await
}

async fn confirm_reset(app: &TestApp, token: &str, new: &str, new2: &str) -> reqwest::Response {
    app.post_json(
        "/api/password/reset/confirm/",
        &json!({ "token": token, "new_password": new, "new_password2": new2 }),
    )
    .await
}

async fn resend(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/email/verify/resend/", &json!({ "email": email }))
        .await
}

async fn verify_email(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/api/email/verify/", &json!({ "token": token }))
        .await
}

async fn change_email(
    app: &TestApp,
    access: &str,
    new_email: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/email/change/"))
        .bearer_auth(access)
        .json(&json!({ "new_email": new_email, "password": password }))
        .send()
        .await
        .expect("the request should reach the server")
}

async fn confirm_change(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/api/email/change/confirm/", &json!({ "token": token }))
        .await
}

/// Asserts a 200 `{"detail": ...}` and nothing else (no tokens); returns the body.
async fn assert_detail_only(response: reqwest::Response) -> Value {
    let ok = answer(response, StatusCode::OK).await;
    assert_eq!(keys(&ok.body), ["detail"], "{}", ok.body);
    assert!(ok.body["detail"].is_string(), "{}", ok.body);
    ok.body
}

/// Asserts a 400 whose only field is `field`, with messages; returns the body.
async fn assert_only_field_error(response: reqwest::Response, field: &str) -> Value {
    let refused = answer(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(keys(&refused.body), [field], "{}", refused.body);
    let messages = refused.body[field].as_array().expect("a list of messages");
    assert!(
        !messages.is_empty() && messages.iter().all(Value::is_string),
        "{}",
        refused.body
    );
    refused.body
}

/// Requests a reset for `email` and returns the token of the `nth` mail (from 1) to it.
async fn reset_token(app: &TestApp, sink: &MailSink, email: &str, nth: usize) -> String {
    assert_detail_only(ask_reset(app, email).await).await;
    let mails = sink.wait_for(email, nth).await;
    mails[nth - 1].link_token(&reset_link())
}

/// The user object `access` reads.
async fn user(app: &TestApp, access: &str) -> Value {
    answer(app.get_user(access).await, StatusCode::OK)
        .await
        .body
}

#[tokio::test]
async fn a_reset_link_sets_the_password_ends_every_session_and_tells_the_owner() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |_| {}).await;
    let first = app.register_ok(ADA, PASSWORD).await.tokens;
    let second = app.login_ok(ADA, PASSWORD).await.tokens;

    // Spelled as people type it: the account's address is found all the same.
    assert_detail_only(ask_reset(&app, " Ada@Example.COM ").await).await;

    let mails = sink.wait_for(ADA, 1).await;
    let mail = &mails[0];
    assert_eq!(mail.subject, "Reset your Gatehouse password");
    assert_eq!(mail.from, FROM);
    assert_eq!(mail.to, [ADA]);
    assert!(!mail.html.is_empty() && mail.html.contains("<html"));
    let token = mail.link_token(&reset_link());
    // 256 bits, URL-safe base64 without padding.
    assert_eq!(token.len(), 43, "{token}");

    // A completed reset does not sign in: no tokens in the answer.
    assert_detail_only(confirm_reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;

    // Every session ends, its access token at once.
    app.assert_session_revoked(&first).await;
    app.assert_session_revoked(&second).await;
    assert_unauthorized(app.login(ADA, PASSWORD).await, "authentication_failed").await;
    app.login_ok(ADA, NEW_PASSWORD).await;

    let mails = sink.wait_for(ADA, 2).await;
    let changed = &mails[1];
    assert_eq!(changed.subject, "Your Gatehouse password was changed");
    assert!(!changed.text.is_empty() && !changed.html.is_empty());
    assert!(!changed.text.contains("token="), "{}", changed.text);
}

#[tokio::test]
async fn used_unknown_and_replaced_reset_links_are_400_on_token() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |_| {}).await;
    app.register_ok(ADA, PASSWORD).await;

    // A newer link kills the older one.
    let older = reset_token(&app, &sink, ADA, 1).await;
    let newer = reset_token(&app, &sink, ADA, 2).await;
    assert_ne!(older, newer);
    let replaced = assert_only_field_error(
        confirm_reset(&app, &older, NEW_PASSWORD, NEW_PASSWORD).await,
        "token",
    )
    .await;
    app.login_ok(ADA, PASSWORD).await;

    assert_detail_only(confirm_reset(&app, &newer, NEW_PASSWORD, NEW_PASSWORD).await).await;
    // The same link again.
    let used = assert_only_field_error(
        confirm_reset(
            &app,
            &newer,
            "yet another passphrase",
            "yet another passphrase",
        )
        .await,
        "token",
    )
    .await;
    app.login_ok(ADA, NEW_PASSWORD).await;

    let unknown = assert_only_field_error(
        confirm_reset(
            &app,
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            NEW_PASSWORD,
            NEW_PASSWORD,
        )
        .await,
        "token",
    )
    .await;
    // One message for every dead link: nothing tells which it was.
    assert_eq!(replaced, used);
    assert_eq!(used, unknown);
}

#[tokio::test]
async fn an_expired_reset_link_is_400_on_token() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.password_reset_timeout = Duration::from_secs(1);
    })
    .await;
    app.register_ok(ADA, PASSWORD).await;

    let asked = Instant::now();
    let token = reset_token(&app, &sink, ADA, 1).await;
    // Past the link's second (times are whole seconds).
    tokio::time::sleep(
        (asked + Duration::from_millis(1_100)).saturating_duration_since(Instant::now()),
    )
    .await;

    assert_only_field_error(
        confirm_reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await,
        "token",
    )
    .await;
    app.login_ok(ADA, PASSWORD).await;
}

#[tokio::test]
async fn a_password_change_kills_an_outstanding_reset_link() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |_| {}).await;
    let tokens = app.register_ok(ADA, PASSWORD).await.tokens;
    let token = reset_token(&app, &sink, ADA, 1).await;

    let changed = app
        .change_password(&tokens.access, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
        .await;
    assert_detail_only(changed).await;

    assert_only_field_error(
        confirm_reset(
            &app,
            &token,
            "yet another passphrase",
            "yet another passphrase",
        )
        .await,
        "token",
    )
    .await;
    app.login_ok(ADA, NEW_PASSWORD).await;
}

/// Someone who knew the password asks to move the account to their own address; the owner,
/// warned by the notice, resets the password. The pending change must die with the old
/// password, or opening its link afterwards would still hand the account over.
#[tokio::test]
async fn a_new_password_kills_a_pending_change_of_address() {
    const INTRUDER: &str = "intruder@example.org";
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |_| {}).await;
    let intruder = app.register_ok(ADA, PASSWORD).await.tokens;
    assert_detail_only(change_email(&app, &intruder.access, INTRUDER, PASSWORD).await).await;
    let change = sink.wait_for(INTRUDER, 1).await[0].link_token(&confirm_link());
    // The owner's first mail is the notice of the change; the reset link is the second.
    sink.wait_for(ADA, 1).await;

    let reset = reset_token(&app, &sink, ADA, 2).await;
    assert_detail_only(confirm_reset(&app, &reset, NEW_PASSWORD, NEW_PASSWORD).await).await;

    assert_only_field_error(confirm_change(&app, &change).await, "token").await;
    app.assert_session_revoked(&intruder).await;
    app.login_ok(ADA, NEW_PASSWORD).await;
    assert_unauthorized(
        app.login(INTRUDER, NEW_PASSWORD).await,
        "authentication_failed",
    )
    .await;
}

#[tokio::test]
async fn a_bad_new_password_is_a_field_error_and_the_link_still_works() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |_| {}).await;
    app.register_ok(ADA, PASSWORD).await;
    let token = reset_token(&app, &sink, ADA, 1).await;

    let weak = assert_only_field_error(
        confirm_reset(&app, &token, "short", "short").await,
        "new_password",
    )
    .await;
    assert!(weak.to_string().contains("too short"), "{weak}");
    assert_only_field_error(
        confirm_reset(&app, &token, NEW_PASSWORD, "battery staple horsE").await,
        "new_password2",
    )
    .await;
    // Nothing was lost: the old password still signs in, and the link still works.
    app.login_ok(ADA, PASSWORD).await;

    assert_detail_only(confirm_reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;
    app.login_ok(ADA, NEW_PASSWORD).await;
}

/// Sends `request` and returns how long it took and the answer's status and body.
async fn timed(request: impl Future<Output = reqwest::Response>) -> (Duration, StatusCode, String) {
    let started = Instant::now();
    let response = request.await;
    let status = response.status();
    let body = response.text().await.expect("a body");
    (started.elapsed(), status, body)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// `ask(known)` and `ask(unknown)` by turns, `rounds` each: both answer 200 with one body, and
/// their median times differ by less than 100 ms (loose: it catches SMTP or hashing inline on
/// one path, not noise).
async fn assert_indistinguishable<F, R>(
    label: &str,
    rounds: usize,
    known: &str,
    unknown: &str,
    ask: F,
) where
    F: Fn(String) -> R,
    R: Future<Output = reqwest::Response>,
{
    let (mut known_times, mut unknown_times) = (Vec::new(), Vec::new());
    let mut bodies = Vec::new();
    for round in 0..rounds {
        // Alternate which goes first, so neither always runs on a warmer server.
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for is_known in order {
            let email = if is_known { known } else { unknown };
            let (took, status, body) = timed(ask(email.to_owned())).await;
            assert_eq!(status, StatusCode::OK, "{label} for {email}: {body}");
            bodies.push(body);
            if is_known {
                known_times.push(took);
            } else {
                unknown_times.push(took);
            }
        }
    }
    assert!(
        bodies.iter().all(|body| *body == bodies[0]),
        "{label}: different bodies {bodies:#?}"
    );
    let (known, unknown) = (median(known_times), median(unknown_times));
    eprintln!("{label}: median {known:?} for a known address, {unknown:?} for an unknown one");
    assert!(
        known.abs_diff(unknown) < Duration::from_millis(100),
        "{label}: median {known:?} for a known address, {unknown:?} for an unknown one"
    );
}

#[tokio::test]
async fn reset_and_resend_answer_the_same_for_unknown_addresses_and_mail_nobody() {
    const ROUNDS: usize = 10;
    const NOBODY: &str = "nobody@example.com";
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.email_verification = Verification::Optional;
    })
    .await;
    app.register_ok(ADA, PASSWORD).await;
    sink.wait_for(ADA, 1).await;

    assert_indistinguishable("reset", ROUNDS, ADA, NOBODY, |email| {
        let app = &app;
        async move { ask_reset(app, &email).await }
    })
    .await;
    assert_indistinguishable("resend", ROUNDS, ADA, NOBODY, |email| {
        let app = &app;
        async move { resend(app, &email).await }
    })
    .await;

    // Every mail to Ada arrived (the verification, then one per request, in order), and none
    // went to the unknown address.
    let mails = sink.wait_for(ADA, 1 + 2 * ROUNDS).await;
    assert_eq!(mails.len(), 1 + 2 * ROUNDS);
    assert!(sink.messages(NOBODY).await.is_empty());
    assert_eq!(sink.all().await.len(), 1 + 2 * ROUNDS);
}

/// A reset request for `email` as if from `forwarded_for`.
async fn ask_reset_from(app: &TestApp, email: &str, forwarded_for: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/password/reset/"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "email": email }))
        .send()
        .await
        .expect("the request should reach the server")
}

async fn assert_throttled(response: reqwest::Response) {
    assert!(
        response.headers().contains_key("retry-after"),
        "{:?}",
        response.headers()
    );
    let throttled = answer(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(throttled.body["code"], "throttled", "{}", throttled.body);
}

#[tokio::test]
async fn reset_requests_are_limited_per_email_and_per_client_address() {
    let (per_ip, per_account) = (Rate::parse("4/min").unwrap(), Rate::parse("2/min").unwrap());
    let trusted = TrustedProxies::parse("127.0.0.1").unwrap();
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.rate_limit_enabled = true;
        config.rate_limit_per_ip = per_ip;
        config.rate_limit_per_account = per_account;
        config.trusted_proxies = trusted;
    })
    .await;
    app.register_ok(ADA, PASSWORD).await;
    app.register_ok(BOB, PASSWORD).await;

    // Per email: a new client address does not reset the address's budget, nor another
    // spelling of it.
    for from in ["198.51.100.1", "198.51.100.2"] {
        assert_detail_only(ask_reset_from(&app, ADA, from).await).await;
    }
    assert_throttled(ask_reset_from(&app, ADA, "198.51.100.3").await).await;
    assert_throttled(ask_reset_from(&app, " Ada@Example.com", "198.51.100.4").await).await;
    // Other addresses are not affected.
    assert_detail_only(ask_reset_from(&app, BOB, "198.51.100.3").await).await;

    // Per client address, whatever the email.
    for n in 0..4 {
        let email = format!("someone{n}@example.com");
        assert_detail_only(ask_reset_from(&app, &email, "203.0.113.9").await).await;
    }
    assert_throttled(ask_reset_from(&app, "someone9@example.com", "203.0.113.9").await).await;

    // The refused requests sent nothing: Ada got the two mails she was allowed (Bob's, asked
    // for later, has arrived, and the outbox delivers in order).
    sink.wait_for(BOB, 1).await;
    assert_eq!(sink.messages(ADA).await.len(), 2);
}

#[tokio::test]
async fn a_verification_link_marks_the_address_verified_in_the_user_and_the_tokens() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.email_verification = Verification::Optional;
    })
    .await;
    let registered = app.register_ok(ADA, PASSWORD).await;
    assert!(!registered.user.email_verified);
    let tokens = registered.tokens;
    assert_eq!(jwt_claims(&tokens.access)["email_verified"], false);
    assert_eq!(user(&app, &tokens.access).await["email_verified"], false);

    let mails = sink.wait_for(ADA, 1).await;
    assert_eq!(mails[0].subject, "Verify your email address for Gatehouse");
    assert_eq!(mails[0].from, FROM);
    let token = mails[0].link_token(&verify_link());

    assert_detail_only(verify_email(&app, &token).await).await;

    assert_eq!(user(&app, &tokens.access).await["email_verified"], true);
    let refreshed = app.refresh_ok(&tokens.refresh).await;
    assert_eq!(jwt_claims(&refreshed.access)["email_verified"], true);
    assert!(app.login_ok(ADA, PASSWORD).await.user.email_verified);

    // Used once.
    assert_only_field_error(verify_email(&app, &token).await, "token").await;
    assert_only_field_error(verify_email(&app, "not-a-token").await, "token").await;

    // Resend: the same answer for an unknown address (and no mail), and nothing for an address
    // already verified.
    let known = assert_detail_only(resend(&app, ADA).await).await;
    let unknown = assert_detail_only(resend(&app, "nobody@example.com").await).await;
    assert_eq!(known, unknown);
    app.register_ok(BOB, PASSWORD).await;
    sink.wait_for(BOB, 1).await;
    assert_eq!(sink.messages(ADA).await.len(), 1);
    assert!(sink.messages("nobody@example.com").await.is_empty());
}

#[tokio::test]
async fn with_mandatory_verification_sign_in_waits_for_the_link() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.email_verification = Verification::Mandatory;
    })
    .await;

    let registered = answer(app.register(ADA, PASSWORD).await, StatusCode::CREATED).await;
    let mut fields = keys(&registered.body);
    fields.sort_unstable();
    assert_eq!(fields, ["detail", "user"], "{}", registered.body);
    assert_eq!(registered.body["user"]["email"], ADA);
    assert_eq!(registered.body["user"]["email_verified"], false);

    let refused = answer(app.login(ADA, PASSWORD).await, StatusCode::FORBIDDEN).await;
    assert_eq!(
        refused.body["code"], "email_not_verified",
        "{}",
        refused.body
    );
    assert!(refused.body["detail"].is_string(), "{}", refused.body);
    // Only the right password learns that: a wrong one is the usual 401.
    assert_unauthorized(
        app.login(ADA, "wrong password").await,
        "authentication_failed",
    )
    .await;

    let token = sink.wait_for(ADA, 1).await[0].link_token(&verify_link());
    assert_detail_only(verify_email(&app, &token).await).await;

    let signed_in = app.login_ok(ADA, PASSWORD).await;
    assert!(signed_in.user.email_verified);
    assert_eq!(jwt_claims(&signed_in.tokens.access)["email_verified"], true);

    // The registration is in the audit trail although it started no session; the refused
    // sign-in too.
    let ada = Some(signed_in.user.id);
    let recorded = |rows: &[AuditRow], kind: &str, outcome: &str| {
        rows.iter()
            .any(|row| row.0 == kind && row.1 == outcome && row.2 == ada)
    };
    let rows = app
        .audit_trail_until(|rows| {
            recorded(rows, "register", "success") && recorded(rows, "email_verified", "success")
        })
        .await;
    assert!(recorded(&rows, "register", "success"), "{rows:#?}");
    assert!(
        rows.iter().any(|row| row.0 == "login"
            && row.1 == "failure"
            && row.2 == ada
            && row.5 == "email not verified"),
        "{rows:#?}"
    );
}

#[tokio::test]
async fn with_verification_off_no_verification_mail_is_sent() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.email_verification = Verification::None;
    })
    .await;
    let registered = app.register_ok(ADA, PASSWORD).await;
    assert!(!registered.user.email_verified);
    assert_detail_only(resend(&app, ADA).await).await;

    // A reset mail asked for afterwards is the first and only mail: the outbox delivers in
    // order, so a verification mail would have come before it.
    assert_detail_only(ask_reset(&app, ADA).await).await;
    let mails = sink.wait_for(ADA, 1).await;
    assert_eq!(mails.len(), 1, "{mails:#?}");
    assert_eq!(mails[0].subject, "Reset your Gatehouse password");
}

#[tokio::test]
async fn a_change_of_address_is_confirmed_from_the_new_address_and_ends_other_sessions() {
    const NEW_ADDRESS: &str = "augusta@example.org";
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |_| {}).await;
    let here = app.register_ok(ADA, PASSWORD).await.tokens;
    let elsewhere = app.login_ok(ADA, PASSWORD).await.tokens;
    app.register_ok(BOB, PASSWORD).await;

    assert_only_field_error(
        change_email(&app, &here.access, NEW_ADDRESS, "wrong password").await,
        "password",
    )
    .await;
    assert_only_field_error(
        change_email(&app, &here.access, BOB, PASSWORD).await,
        "new_email",
    )
    .await;
    assert_detail_only(change_email(&app, &here.access, NEW_ADDRESS, PASSWORD).await).await;

    let confirm = sink.wait_for(NEW_ADDRESS, 1).await;
    assert_eq!(
        confirm[0].subject,
        "Confirm your new email address for Gatehouse"
    );
    let token = confirm[0].link_token(&confirm_link());
    let notice = sink.wait_for(ADA, 1).await;
    assert_eq!(
        notice[0].subject,
        "Your Gatehouse email address is being changed"
    );
    assert!(notice[0].text.contains(NEW_ADDRESS), "{}", notice[0].text);
    assert!(!notice[0].text.contains("token="), "{}", notice[0].text);
    assert!(!notice[0].html.is_empty());
    // Nothing changes until the link is opened.
    assert_eq!(user(&app, &here.access).await["email"], ADA);

    assert_detail_only(confirm_change(&app, &token).await).await;

    let changed = user(&app, &here.access).await;
    assert_eq!(changed["email"], NEW_ADDRESS);
    assert_eq!(changed["email_verified"], true);
    let here = app.assert_session_works(&here).await;
    assert_eq!(jwt_claims(&here.access)["email"], NEW_ADDRESS);
    assert_eq!(jwt_claims(&here.access)["email_verified"], true);
    app.assert_session_revoked(&elsewhere).await;
    assert_unauthorized(app.login(ADA, PASSWORD).await, "authentication_failed").await;
    app.login_ok(NEW_ADDRESS, PASSWORD).await;
    // Used once.
    assert_only_field_error(confirm_change(&app, &token).await, "token").await;
}

/// The value of the sample named exactly `series` (name and labels) in `/metrics`, 0 if absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.expect("a body")
}

/// The metrics once `series` reaches `at_least` (polling: the counter moves just after the
/// relay accepted the mail), for at most 5 s.
async fn scrape_until(app: &TestApp, series: &str, at_least: f64) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = scrape(app).await;
        if sample(&text, series) >= at_least || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn mail_survives_an_smtp_outage() {
    let mut sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.email_verification = Verification::Optional;
    })
    .await;
    app.register_ok(ADA, PASSWORD).await;
    // A mail has gone through: the transport has a connection to the relay (maybe pooled).
    sink.wait_for(ADA, 1).await;

    sink.stop();
    let asked = Instant::now();
    assert_detail_only(ask_reset(&app, ADA).await).await;
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "the request waited for the relay: {:?}",
        asked.elapsed()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    sink.restart().await;

    // The restarted sink has forgotten the verification mail: this is the reset.
    let mails = sink.wait_for(ADA, 1).await;
    assert_eq!(mails[0].subject, "Reset your Gatehouse password");
    let token = mails[0].link_token(&reset_link());
    assert_detail_only(confirm_reset(&app, &token, NEW_PASSWORD, NEW_PASSWORD).await).await;

    let retries = r#"gatehouse_mail_deliveries_total{kind="password_reset",result="retry"}"#;
    let sent = r#"gatehouse_mail_deliveries_total{kind="password_reset",result="sent"}"#;
    let metrics = scrape_until(&app, sent, 1.0).await;
    assert!(sample(&metrics, retries) >= 1.0, "{metrics}");
    assert_eq!(sample(&metrics, sent), 1.0, "{metrics}");
}

#[tokio::test]
async fn with_two_instances_on_postgresql_each_mail_is_sent_once() {
    if std::env::var("GATEHOUSE_TEST_BACKEND").as_deref() != Ok("postgres") {
        eprintln!("skipped: instances claim mail side by side only on PostgreSQL");
        return;
    }
    const MAILS: usize = 20;
    let sink = MailSink::start().await;
    let first = spawn_mailing(&sink, |_| {}).await;
    let url = first.database_url.clone();
    let second = spawn_mailing(&sink, |config| config.database_url = Some(url)).await;
    first.register_ok(ADA, PASSWORD).await;
    second.register_ok(BOB, PASSWORD).await;

    // Twenty mails queued at once, each address asked for on both instances: both senders are
    // woken and race for the same rows. Each mail carries a token of its own.
    let answers = join_all((0..MAILS).map(|n| {
        let instance = if n % 2 == 0 { &first } else { &second };
        ask_reset(instance, if n % 4 < 2 { ADA } else { BOB })
    }))
    .await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
    sink.wait_for(ADA, MAILS / 2).await;
    sink.wait_for(BOB, MAILS / 2).await;
    // Settle: a second delivery would come within a poll or two (0.5 s each).
    tokio::time::sleep(Duration::from_secs(1)).await;

    let all = sink.all().await;
    let tokens: HashSet<String> = all
        .iter()
        .map(|mail| mail.link_token(&reset_link()))
        .collect();
    assert_eq!(all.len(), MAILS, "{all:#?}");
    assert_eq!(tokens.len(), MAILS, "a mail went out twice: {all:#?}");
    assert_eq!(sink.messages(ADA).await.len(), MAILS / 2);
    let database = first.database().await;
    let rows: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT attempts, sent_at FROM mail_outbox ORDER BY id")
            .fetch_all(&database)
            .await
            .unwrap();
    assert_eq!(rows.len(), MAILS);
    // Each row was claimed once, by one instance, and recorded as sent.
    assert!(
        rows.iter()
            .all(|(attempts, sent_at)| *attempts == 1 && sent_at.is_some()),
        "{rows:?}"
    );
}

#[tokio::test]
async fn deliveries_show_in_metrics_and_the_audit_trail_without_the_token() {
    let sink = MailSink::start().await;
    let app = spawn_mailing(&sink, |config| {
        config.email_verification = Verification::Optional;
    })
    .await;
    app.register_ok(ADA, PASSWORD).await;
    assert_detail_only(ask_reset(&app, ADA).await).await;
    let mails = sink.wait_for(ADA, 2).await;
    let verify_token = mails[0].link_token(&verify_link());
    let reset_token = mails[1].link_token(&reset_link());

    let verify_sent = r#"gatehouse_mail_deliveries_total{kind="verify_email",result="sent"}"#;
    let reset_sent = r#"gatehouse_mail_deliveries_total{kind="password_reset",result="sent"}"#;
    let metrics = scrape_until(&app, reset_sent, 1.0).await;
    assert_eq!(sample(&metrics, verify_sent), 1.0, "{metrics}");
    assert_eq!(sample(&metrics, reset_sent), 1.0, "{metrics}");

    let sent = |rows: &[AuditRow]| rows.iter().filter(|row| row.0 == "mail_sent").count();
    let rows = app.audit_trail_until(|rows| sent(rows) >= 2).await;
    let details: Vec<&str> = rows
        .iter()
        .filter(|row| row.0 == "mail_sent")
        .map(|row| row.5.as_str())
        .collect();
    assert_eq!(details, ["verify_email", "password_reset"], "{rows:#?}");
    assert!(
        rows.iter()
            .filter(|row| row.0 == "mail_sent")
            .all(|row| row.1 == "success"),
        "{rows:#?}"
    );
    for token in [&verify_token, &reset_token] {
        assert!(
            rows.iter().all(|row| !row.5.contains(token.as_str())),
            "a token in the audit trail: {rows:#?}"
        );
    }

    // Nor does the database keep it: sent bodies are blanked, links are stored hashed.
    let database = app.database().await;
    let bodies: Vec<(String, String)> =
        sqlx::query_as("SELECT text_body, html_body FROM mail_outbox WHERE sent_at IS NOT NULL")
            .fetch_all(&database)
            .await
            .unwrap();
    assert_eq!(bodies.len(), 2);
    assert!(
        bodies
            .iter()
            .all(|(text, html)| text.is_empty() && html.is_empty()),
        "{bodies:?}"
    );
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM account_tokens")
        .fetch_all(&database)
        .await
        .unwrap();
    assert_eq!(hashes.len(), 2);
    assert!(
        hashes
            .iter()
            .all(|(hash,)| hash.len() == 64 && *hash != verify_token && *hash != reset_token),
        "{hashes:?}"
    );
}

/// A scratch directory, removed with its contents at the end of the test.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A self-signed certificate for `localhost` and 127.0.0.1 made with the `openssl` CLI, not a
/// CA (rustls refuses a CA certificate as a server's), and its key: (cert, key).
fn self_signed_certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key, config) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("openssl.cnf"),
    );
    std::fs::write(
        &config,
        "[req]\n\
         distinguished_name = dn\n\
         x509_extensions = ext\n\
         prompt = no\n\
         [dn]\n\
         CN = localhost\n\
         [ext]\n\
         subjectAltName = IP:127.0.0.1,DNS:localhost\n\
         basicConstraints = critical,CA:FALSE\n\
         keyUsage = critical,digitalSignature\n\
         extendedKeyUsage = serverAuth\n",
    )
    .unwrap();
    let output = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-config"])
        .arg(&config)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("the openssl CLI runs");
    assert!(
        output.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (cert, key)
}

/// A reset mail goes out through a sink serving `tls`, the server reaching it at `smtp_url`
/// (`{port}` replaced) and trusting the sink's certificate through SMTP_TLS_CA_FILE; a server
/// that does not trust it sends nothing (and retries).
async fn assert_mail_goes_out_over_tls(tls: fn(PathBuf, PathBuf) -> SinkTls, smtp_url: &str) {
    let dir =
        ScratchDir(std::env::temp_dir().join(format!("gatehouse-tls-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let (cert, key) = self_signed_certificate(&dir.0);
    let sink = MailSink::start_tls(tls(cert.clone(), key)).await;
    let url = smtp_url.replace("{port}", &sink.smtp_port.to_string());
    let app = spawn_mailing_to(url.clone(), |config| config.smtp_tls_ca_file = Some(cert)).await;
    app.register_ok(ADA, PASSWORD).await;

    assert_detail_only(ask_reset(&app, ADA).await).await;

    let mails = sink.wait_for(ADA, 1).await;
    assert_eq!(mails[0].subject, "Reset your Gatehouse password");
    mails[0].link_token(&reset_link());

    // Without the CA file, the certificate is checked against the public roots and refused.
    let untrusting = spawn_mailing_to(url, |_| {}).await;
    untrusting.register_ok(BOB, PASSWORD).await;
    assert_detail_only(ask_reset(&untrusting, BOB).await).await;
    let retries = r#"gatehouse_mail_deliveries_total{kind="password_reset",result="retry"}"#;
    let metrics = scrape_until(&untrusting, retries, 1.0).await;
    assert!(sample(&metrics, retries) >= 1.0, "{metrics}");
    assert!(sink.messages(BOB).await.is_empty());
}

#[tokio::test]
async fn mail_goes_out_over_starttls() {
    assert_mail_goes_out_over_tls(
        |cert, key| SinkTls::StartTls { cert, key },
        "smtp://localhost:{port}?tls=starttls",
    )
    .await;
}

#[tokio::test]
async fn mail_goes_out_over_implicit_tls() {
    assert_mail_goes_out_over_tls(
        |cert, key| SinkTls::Implicit { cert, key },
        "smtps://localhost:{port}",
    )
    .await;
}
