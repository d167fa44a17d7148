//! The audit trail (OWASP ASVS 7.2, OWASP Logging Cheat Sheet): every sign-in (both steps),
//! registration, refresh, reuse detection, logout, password change, second-factor change and
//! revocation, with its time, user, session, address and outcome. Each event is written three
//! ways from here: a structured `tracing` event (JSON with `LOG_FORMAT=json`), a `/metrics`
//! counter, and an `auth_events` row. The row is stored before `record` returns, so an answer
//! never leaves before the trace of what it did: a server killed mid-request must not erase
//! it. Rows are written by one background task with group commit — whatever was recorded
//! while the last transaction ran goes into the next one, and each recorder waits for the
//! commit that holds its row — so concurrent requests share one transaction instead of
//! queueing for one each.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::Metrics;
use crate::clock;
use crate::store::{EventRow, Store};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Login,
    Register,
    Refresh,
    /// A refresh token presented again after its grace: the session is revoked.
    TokenReused,
    Logout,
    LogoutOthers,
    LogoutAll,
    PasswordChanged,
    /// The user ended one session from the sessions page.
    SessionRevoked,
    /// `server revoke-all`.
    RevokeAll,
    /// A reset link was asked for (a failure: for an address that is no account's).
    PasswordResetRequested,
    /// The password was set through a reset link.
    PasswordReset,
    /// A verification link was queued (registration or resend).
    VerificationSent,
    EmailVerified,
    /// A change of address was asked for (the link goes to the new address).
    EmailChangeRequested,
    EmailChanged,
    /// A mail left through the relay (detail: its template, never its link).
    MailSent,
    /// The relay refused a mail for good.
    MailFailed,
    /// The password was right and a second factor is asked for (an `mfa_token` was issued).
    MfaRequired,
    /// The second step of a sign-in (detail: the method, or why it was refused).
    MfaLogin,
    /// An authenticator setup was started (pending until confirmed).
    TotpSetupStarted,
    /// TOTP was turned on by a first code (a failure: a wrong code).
    TotpEnabled,
    /// TOTP was turned off (a failure: a wrong password).
    TotpDisabled,
    /// A new set of recovery codes replaced the old (a failure: a wrong password).
    RecoveryCodesRenewed,
    /// A passkey registration was begun (a ceremony stored).
    PasskeyRegistrationStarted,
    /// A passkey was registered (a failure: an unknown or used challenge, or a credential that
    /// did not verify or is registered already).
    PasskeyAdded,
    PasskeyRenamed,
    PasskeyRemoved,
    /// A sign-in with a passkey (detail: the passkey's id, or why it was refused).
    PasskeyLogin,
    /// Staff disabled the account (its sessions ended); the actor is the staff member.
    UserDisabled,
    /// Staff enabled the account again.
    UserEnabled,
    StaffGranted,
    StaffRevoked,
    /// Staff ended every session of the account.
    AdminLogout,
    /// The user deleted their account (the row keeps the id, no personal data).
    AccountDeleted,
    /// The user downloaded their data.
    DataExported,
}

impl EventKind {
    /// The stored name, also a session's `revoked_reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Register => "register",
            Self::Refresh => "refresh",
            Self::TokenReused => "token_reused",
            Self::Logout => "logout",
            Self::LogoutOthers => "logout_others",
            Self::LogoutAll => "logout_all",
            Self::PasswordChanged => "password_changed",
            Self::SessionRevoked => "session_revoked",
            Self::RevokeAll => "revoke_all",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::VerificationSent => "verification_sent",
            Self::EmailVerified => "email_verified",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged => "email_changed",
            Self::MailSent => "mail_sent",
            Self::MailFailed => "mail_failed",
            Self::MfaRequired => "mfa_required",
            Self::MfaLogin => "mfa_login",
            Self::TotpSetupStarted => "totp_setup_started",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpDisabled => "totp_disabled",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::PasskeyRegistrationStarted => "passkey_registration_started",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRenamed => "passkey_renamed",
            Self::PasskeyRemoved => "passkey_removed",
            Self::PasskeyLogin => "passkey_login",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::StaffGranted => "staff_granted",
            Self::StaffRevoked => "staff_revoked",
            Self::AdminLogout => "admin_logout",
            Self::AccountDeleted => "account_deleted",
            Self::DataExported => "data_exported",
        }
    }
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// One event to record, built in one line:
/// `Event::success(EventKind::Login, ip).user(id).session(sid)`. `detail` says why a failure
/// failed (an error code) or how many sessions a revocation ended; never a secret.
pub struct Event<'a> {
    pub kind: EventKind,
    pub outcome: Outcome,
    pub user_id: Option<i64>,
    pub session_id: Option<&'a str>,
    pub ip: &'a str,
    pub detail: &'a str,
    /// The staff member who acted (administration events).
    pub actor_id: Option<i64>,
}

impl<'a> Event<'a> {
    /// `kind` did what it was asked, for a client at `ip` (empty when none, as on the CLI).
    pub fn success(kind: EventKind, ip: &'a str) -> Self {
        Self::new(kind, Outcome::Success, ip)
    }

    /// `kind` was refused.
    pub fn failure(kind: EventKind, ip: &'a str) -> Self {
        Self::new(kind, Outcome::Failure, ip)
    }

    pub fn new(kind: EventKind, outcome: Outcome, ip: &'a str) -> Self {
        Self {
            kind,
            outcome,
            user_id: None,
            session_id: None,
            ip,
            detail: "",
            actor_id: None,
        }
    }

    /// The user it concerns, if known.
    pub fn user(self, user_id: impl Into<Option<i64>>) -> Self {
        Self {
            user_id: user_id.into(),
            ..self
        }
    }

    /// The session it concerns.
    pub fn session(self, session_id: impl Into<Option<&'a str>>) -> Self {
        Self {
            session_id: session_id.into(),
            ..self
        }
    }

    pub fn detail(self, detail: &'a str) -> Self {
        Self { detail, ..self }
    }

    /// The staff member who did it.
    pub fn actor(self, actor_id: i64) -> Self {
        Self {
            actor_id: Some(actor_id),
            ..self
        }
    }
}

impl Event<'_> {
    fn row(&self) -> EventRow {
        EventRow {
            at: clock::now(),
            kind: self.kind.as_str().to_owned(),
            outcome: self.outcome.as_str().to_owned(),
            user_id: self.user_id,
            session_id: self.session_id.map(str::to_owned),
            ip: self.ip.to_owned(),
            detail: self.detail.to_owned(),
            actor_id: self.actor_id,
        }
    }
}

/// A row, and who waits for its commit.
type Message = (EventRow, oneshot::Sender<()>);

/// The handle every request uses to record events; cheap to clone.
#[derive(Clone)]
pub struct Audit {
    sender: mpsc::Sender<Message>,
    metrics: Arc<Metrics>,
}

/// Events waiting to be written; when full, recording waits (nothing is dropped).
const QUEUE: usize = 8192;
/// The most rows written in one transaction.
const BATCH: usize = 512;

impl Audit {
    /// Starts the writer task on the current runtime.
    pub fn spawn(store: Store, metrics: Arc<Metrics>) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_rows(store, receiver));
        Self { sender, metrics }
    }

    /// Logs, counts and stores `event`; returns once its row is committed (or could not be).
    pub async fn record(&self, event: Event<'_>) {
        self.note(&event);
        let (done, stored) = oneshot::channel();
        if self.sender.send((event.row(), done)).await.is_err() {
            tracing::error!(
                kind = event.kind.as_str(),
                "the audit writer has stopped: event not stored"
            );
            return;
        }
        let _ = stored.await;
    }

    /// Logs and counts `event` whose row the store wrote itself, in the transaction of the
    /// change it records (a rotation: the `sessions_audit_rotation` trigger).
    pub fn note(&self, event: &Event<'_>) {
        let (kind, outcome) = (event.kind.as_str(), event.outcome.as_str());
        tracing::info!(
            target: "gatehouse::audit",
            kind,
            outcome,
            user = event.user_id,
            session = event.session_id,
            ip = event.ip,
            detail = event.detail,
            actor = event.actor_id,
            "auth event"
        );
        self.metrics.event(kind, outcome);
    }
}

/// Writes queued rows: whatever has piled up since the last write goes in one transaction,
/// and everyone waiting on one of its rows is told once it commits. A failed write is retried
/// once, then logged with its rows (the trail is also in the logs).
async fn write_rows(store: Store, mut receiver: mpsc::Receiver<Message>) {
    let mut rows = Vec::with_capacity(BATCH);
    let mut waiting = Vec::with_capacity(BATCH);
    while let Some(first) = receiver.recv().await {
        let mut next = Some(first);
        while let Some((row, done)) = next {
            rows.push(row);
            waiting.push(done);
            next = (rows.len() < BATCH)
                .then(|| receiver.try_recv().ok())
                .flatten();
        }
        if let Err(error) = store.record_events(&rows).await {
            tracing::warn!(%error, "could not store audit events; retrying");
            if let Err(error) = store.record_events(&rows).await {
                tracing::error!(%error, lost = rows.len(), "audit events not stored");
            }
        }
        rows.clear();
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
}
