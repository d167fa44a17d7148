//! The second step of a sign-in (OWASP Multifactor Authentication Cheat Sheet): when the
//! password is right for an account with TOTP on, no token is issued, only an opaque
//! `mfa_token`, and a code finishes the sign-in. The token is 256 random bits, stored hashed
//! so any instance can finish what another began; it lives `MFA_TOKEN_LIFETIME` (5 minutes),
//! works once, and dies after five wrong codes, so a stolen password buys five guesses per
//! sign-in. Attempts are rate limited per address and per account, and every outcome is
//! audited.

use std::fmt;

use super::fields::{self, FieldErrors};
use super::one_time::{self, OneTimeToken};
use super::recovery_codes;
use super::sealed::Unopenable;
use super::second_factors::sealed_for;
use super::throttle::{Account, Action, Throttled};
use super::{Auth, AuthFailure, Client, totp, users};
use crate::clock;
use crate::store::{FactorUse, Finished, NewChallenge, Store, UserRow};
use crate::telemetry::{Event, EventKind};

/// Wrong codes an `mfa_token` survives: the fifth kills it.
pub const MAX_FAILURES: i64 = 5;

/// The second factors a sign-in can be finished with, as the 403 names them.
pub const METHODS: &[&str] = &["totp", "recovery_code"];

/// A sign-in waiting for its second factor: the token to finish it with.
pub struct MfaChallenge {
    pub mfa_token: String,
    pub methods: &'static [&'static str],
}

impl fmt::Debug for MfaChallenge {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MfaChallenge")
            .field("mfa_token", &"[redacted]")
            .field("methods", &self.methods)
            .finish()
    }
}

/// The second step as submitted: the token and one of the two kinds of code.
#[derive(Debug, Clone, Copy, Default)]
pub struct MfaForm<'a> {
    pub mfa_token: Option<&'a str>,
    pub code: Option<&'a str>,
    pub recovery_code: Option<&'a str>,
}

/// Why the second step was refused.
#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error("invalid second step")]
    Invalid(FieldErrors),
    /// `MfaInvalid` (a wrong code) or `MfaTokenInvalid` (an unknown, expired, used or
    /// exhausted token).
    #[error("refused: {0:?}")]
    Refused(AuthFailure),
    #[error(transparent)]
    Unopenable(#[from] Unopenable),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

const NO_CODE: &str =
    "Send the code from your authenticator app (code) or a recovery code (recovery_code).";
const TWO_CODES: &str = "Send either code or recovery_code, not both.";

/// Which code was given.
enum Code<'a> {
    Totp(&'a str),
    Recovery(&'a str),
}

impl Code<'_> {
    /// The audit's name of the method.
    fn method(&self) -> &'static str {
        match self {
            Self::Totp(_) => "totp",
            Self::Recovery(_) => "recovery_code",
        }
    }
}

/// A right code, as it is to be used up.
enum Used {
    /// A TOTP code of `step`; `resealed` if the secret was sealed under a previous key.
    Totp { step: i64, resealed: Option<String> },
    /// A recovery code's hash.
    Recovery(String),
}

impl Used {
    fn factor(&self) -> FactorUse<'_> {
        match self {
            Self::Totp { step, resealed } => FactorUse::TotpStep {
                step: *step,
                resealed: resealed.as_deref(),
            },
            Self::Recovery(code_hash) => FactorUse::RecoveryCode { code_hash },
        }
    }
}

/// Starts the second step for `user`, whose password was right: a new `mfa_token`.
pub(super) async fn challenge(
    auth: &Auth,
    user: &UserRow,
    client: &Client,
) -> sqlx::Result<MfaChallenge> {
    let token = OneTimeToken::generate();
    let now = clock::now();
    auth.store
        .create_mfa_challenge(NewChallenge {
            token_hash: &token.hash,
            user_id: user.id,
            now,
            expires_at: now + auth.mfa.challenge_lifetime.as_secs() as i64,
        })
        .await?;
    let event = Event::success(EventKind::MfaRequired, &client.ip).user(user.id);
    auth.audit.record(event).await;
    Ok(MfaChallenge {
        mfa_token: token.token,
        methods: METHODS,
    })
}

/// Finishes a sign-in with its `mfa_token` and a TOTP code or a recovery code. Returns the
/// user, for whom a session may now start.
pub async fn finish(auth: &Auth, client: &Client, form: &MfaForm<'_>) -> Result<UserRow, MfaError> {
    auth.throttle
        .check_ip(Action::MfaLogin, client.address)
        .await?;
    let (token, code) = parse(form).map_err(MfaError::Invalid)?;
    let token_hash = one_time::hash(token);
    let now = clock::now();
    let live = auth
        .store
        .live_mfa_challenge(&token_hash, now, MAX_FAILURES)
        .await?;
    let Some(user_id) = live else {
        return Err(token_invalid(auth, client, None).await);
    };
    auth.throttle
        .check_account(Action::MfaLogin, &Account::User(user_id))
        .await?;
    let user = auth.store.user_by_id(user_id).await?;
    let Some(user) = user.filter(users::may_sign_in) else {
        return Err(token_invalid(auth, client, Some(user_id)).await);
    };
    let used = match code {
        Code::Totp(typed) => match totp_step(auth, user.id, typed, now).await? {
            Some((step, resealed)) => Used::Totp { step, resealed },
            None => return Err(wrong_code(auth, client, &token_hash, &user, &code).await?),
        },
        Code::Recovery(typed) => Used::Recovery(recovery_codes::hash(user.id, typed)),
    };
    let finished = auth
        .store
        .finish_mfa_challenge(&token_hash, user.id, used.factor(), now, MAX_FAILURES)
        .await?;
    match finished {
        Finished::SignedIn => {
            let event = Event::success(EventKind::MfaLogin, &client.ip)
                .user(user.id)
                .detail(code.method());
            auth.audit.record(event).await;
            Ok(user)
        }
        Finished::ChallengeGone => Err(token_invalid(auth, client, Some(user.id)).await),
        Finished::FactorRefused => Err(wrong_code(auth, client, &token_hash, &user, &code).await?),
    }
}

/// The token and the one code of `form`, or every field problem.
fn parse<'a>(form: &MfaForm<'a>) -> Result<(&'a str, Code<'a>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let token = fields::presence(form.mfa_token)
        .map_err(|message| errors.entry("mfa_token").or_default().push(message))
        .ok();
    let code = match (form.code, form.recovery_code) {
        (Some(code), None) => fields::presence(Some(code))
            .map(Code::Totp)
            .map_err(|message| errors.entry("code").or_default().push(message))
            .ok(),
        (None, Some(code)) => fields::presence(Some(code))
            .map(Code::Recovery)
            .map_err(|message| errors.entry("recovery_code").or_default().push(message))
            .ok(),
        (None, None) => {
            errors
                .entry("non_field_errors")
                .or_default()
                .push(NO_CODE.into());
            None
        }
        (Some(_), Some(_)) => {
            errors
                .entry("non_field_errors")
                .or_default()
                .push(TWO_CODES.into());
            None
        }
    };
    match (token, code) {
        (Some(token), Some(code)) if errors.is_empty() => Ok((token, code)),
        _ => Err(errors),
    }
}

/// The time step of a right TOTP `code` of `user_id` (a later one than the last accepted),
/// and the secret sealed again if it was sealed under a previous signing secret.
async fn totp_step(
    auth: &Auth,
    user_id: i64,
    code: &str,
    now: i64,
) -> Result<Option<(i64, Option<String>)>, MfaError> {
    let Some(row) = auth.store.totp(user_id).await? else {
        return Ok(None);
    };
    if row.confirmed_at.is_none() {
        return Ok(None);
    }
    let bound_to = sealed_for(user_id);
    let secret = auth.mfa.sealer.open(&row.secret, &bound_to)?;
    let step = totp::matching_step(&secret.plaintext, code, now, row.last_step);
    let resealed = secret
        .stale
        .then(|| auth.mfa.sealer.seal(&secret.plaintext, &bound_to));
    Ok(step.map(|step| (step, resealed)))
}

/// Audits and returns the refusal of a token that is unknown, expired, used or exhausted.
async fn token_invalid(auth: &Auth, client: &Client, user_id: Option<i64>) -> MfaError {
    let failure = AuthFailure::MfaTokenInvalid;
    let event = Event::failure(EventKind::MfaLogin, &client.ip)
        .user(user_id)
        .detail(failure.code());
    auth.audit.record(event).await;
    MfaError::Refused(failure)
}

/// Counts a wrong (or replayed, or used) code against the token, audits it, and returns the
/// refusal.
async fn wrong_code(
    auth: &Auth,
    client: &Client,
    token_hash: &str,
    user: &UserRow,
    code: &Code<'_>,
) -> Result<MfaError, sqlx::Error> {
    auth.store.fail_mfa_challenge(token_hash).await?;
    let failure = AuthFailure::MfaInvalid;
    let detail = format!("{} ({})", failure.code(), code.method());
    let event = Event::failure(EventKind::MfaLogin, &client.ip)
        .user(user.id)
        .detail(&detail);
    auth.audit.record(event).await;
    Ok(MfaError::Refused(failure))
}

/// Deletes challenges past their lifetime, used or not. Returns how many.
pub async fn flush_expired(store: &Store) -> sqlx::Result<u64> {
    store.delete_expired_mfa_challenges(clock::now()).await
}
