//! The one place the API's JSON types (`app::api`, shared with the browser) and the domain's
//! meet: request bodies become the forms the rules read; token pairs, users and sessions
//! become answers.

use app::api::{
    AuditEvent, EmailChangeRequest, ExportedSession, LoginRequest, MfaLoginRequest, MfaStatus,
    PasskeyInfo, PasswordChangeRequest, PasswordResetConfirmRequest, RegisterRequest, SessionInfo,
    TokenPair, UpdateUserRequest, User,
};

use crate::auth::credentials::{PasswordChangeForm, RegistrationForm, SignInForm};
use crate::auth::email_change::EmailChangeForm;
use crate::auth::mfa_challenge::MfaForm;
use crate::auth::recovery::ResetForm;
use crate::auth::second_factors::SecondFactors;
use crate::auth::tokens::IssuedPair;
use crate::auth::users::NamesForm;
use crate::auth::{passkey_sign_in, passkeys};
use crate::clock::rfc3339;
use crate::http::mfa_api::{PasskeyLoginRequest, PasskeyRegisterRequest};
use crate::store::{PasskeyRow, SessionRow, StoredEvent, UserRow};

impl From<IssuedPair> for TokenPair {
    fn from(pair: IssuedPair) -> Self {
        Self {
            access: pair.access,
            refresh: pair.refresh,
        }
    }
}

/// The API's view of a stored user (never the password hash).
pub fn user(row: &UserRow) -> User {
    User {
        id: row.id,
        email: row.email.clone(),
        username: row.username.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        date_joined: rfc3339(row.date_joined),
        email_verified: row.email_verified_at.is_some(),
        is_active: row.is_active,
        is_staff: row.is_staff,
    }
}

/// The API's view of a live session; `current` if it is the one asking.
pub fn session(row: SessionRow, current_id: &str) -> SessionInfo {
    SessionInfo {
        current: row.id == current_id,
        created_at: rfc3339(row.created_at),
        last_used_at: rfc3339(row.last_used_at),
        expires_at: rfc3339(row.expires_at),
        user_agent: row.user_agent,
        ip: row.ip,
        id: row.id,
    }
}

/// A stored session in the user's export, with how it ended.
pub fn exported_session(row: SessionRow) -> ExportedSession {
    ExportedSession {
        created_at: rfc3339(row.created_at),
        last_used_at: rfc3339(row.last_used_at),
        expires_at: rfc3339(row.expires_at),
        revoked_at: row.revoked_at.map(rfc3339),
        revoked_reason: row.revoked_reason,
        user_agent: row.user_agent,
        ip: row.ip,
        id: row.id,
    }
}

/// One row of the audit trail.
pub fn event(row: StoredEvent) -> AuditEvent {
    let event = row.event;
    AuditEvent {
        id: row.id,
        at: rfc3339(event.at),
        kind: event.kind,
        outcome: event.outcome,
        user_id: event.user_id,
        session_id: event.session_id,
        actor_id: event.actor_id,
        ip: event.ip,
        detail: event.detail,
    }
}

/// The second factors a user has, passkeys by name (never a secret or a key).
pub fn mfa_status(factors: SecondFactors, passkeys: Vec<PasskeyRow>) -> MfaStatus {
    MfaStatus {
        totp: factors.totp,
        recovery_codes_left: factors.recovery_codes_left,
        passkeys: passkeys.into_iter().map(passkey).collect(),
    }
}

impl<'a> From<&'a RegisterRequest> for RegistrationForm<'a> {
    fn from(body: &'a RegisterRequest) -> Self {
        Self {
            email: body.email.as_deref(),
            username: body.username.as_deref(),
            password: body.password.as_deref(),
            password2: body.password2.as_deref(),
            first_name: body.first_name.as_deref(),
            last_name: body.last_name.as_deref(),
        }
    }
}

impl<'a> From<&'a LoginRequest> for SignInForm<'a> {
    fn from(body: &'a LoginRequest) -> Self {
        Self {
            email: body.email.as_deref(),
            password: body.password.as_deref(),
        }
    }
}

impl<'a> From<&'a PasswordChangeRequest> for PasswordChangeForm<'a> {
    fn from(body: &'a PasswordChangeRequest) -> Self {
        Self {
            current_password: body.current_password.as_deref(),
            new_password: body.new_password.as_deref(),
            new_password2: body.new_password2.as_deref(),
        }
    }
}

impl<'a> From<&'a UpdateUserRequest> for NamesForm<'a> {
    fn from(body: &'a UpdateUserRequest) -> Self {
        Self {
            first_name: body.first_name.as_deref(),
            last_name: body.last_name.as_deref(),
        }
    }
}

impl<'a> From<&'a PasswordResetConfirmRequest> for ResetForm<'a> {
    fn from(body: &'a PasswordResetConfirmRequest) -> Self {
        Self {
            token: body.token.as_deref(),
            new_password: body.new_password.as_deref(),
            new_password2: body.new_password2.as_deref(),
        }
    }
}

impl<'a> From<&'a EmailChangeRequest> for EmailChangeForm<'a> {
    fn from(body: &'a EmailChangeRequest) -> Self {
        Self {
            new_email: body.new_email.as_deref(),
            password: body.password.as_deref(),
        }
    }
}

/// The API's view of a passkey (never its public key or credential id).
pub fn passkey(row: PasskeyRow) -> PasskeyInfo {
    PasskeyInfo {
        id: row.id,
        name: row.name,
        created_at: rfc3339(row.created_at),
        last_used_at: row.last_used_at.map(rfc3339),
    }
}

impl<'a> From<&'a PasskeyRegisterRequest> for passkeys::RegistrationForm<'a> {
    fn from(body: &'a PasskeyRegisterRequest) -> Self {
        Self {
            challenge_id: body.challenge_id.as_deref(),
            credential: body.credential.as_ref(),
            name: body.name.as_deref(),
        }
    }
}

impl<'a> From<&'a PasskeyLoginRequest> for passkey_sign_in::SignInForm<'a> {
    fn from(body: &'a PasskeyLoginRequest) -> Self {
        Self {
            challenge_id: body.challenge_id.as_deref(),
            credential: body.credential.as_ref(),
        }
    }
}

impl<'a> From<&'a MfaLoginRequest> for MfaForm<'a> {
    fn from(body: &'a MfaLoginRequest) -> Self {
        Self {
            mfa_token: body.mfa_token.as_deref(),
            code: body.code.as_deref(),
            recovery_code: body.recovery_code.as_deref(),
        }
    }
}
