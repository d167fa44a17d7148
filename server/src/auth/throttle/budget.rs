//! What a budget is about: the action limited, the rate (`N/min`), the account a budget
//! belongs to, and the refusal a spent budget answers with.

use std::num::NonZeroU32;
use std::time::Duration;

/// What is being limited; each action has budgets of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Register,
    Refresh,
    PasswordChange,
    /// Asking for a reset link: each one sends a mail, so it is limited per address and per
    /// email (OWASP Forgot Password Cheat Sheet).
    PasswordReset,
    /// Using a mailed link (reset, verify, confirm): guessing 256-bit tokens is hopeless, but
    /// each try costs a write.
    UseLink,
    /// Asking for another verification mail.
    VerificationResend,
    /// Asking to change the address (proves the password: limited like sign-in).
    EmailChange,
    /// The second step of a sign-in: a code is guessed (OWASP Multifactor Authentication
    /// Cheat Sheet), per address and per account, on top of each token's five tries.
    MfaLogin,
    /// Setting up, confirming or turning off TOTP and making new recovery codes (a password or
    /// a code is checked).
    MfaChange,
    /// Beginning and finishing a passkey registration (per address and per user): each
    /// begin stores a ceremony.
    PasskeyRegister,
    /// Beginning and finishing a passkey sign-in: per address, and per account once the
    /// passkey names it.
    PasskeyLogin,
}

impl Action {
    /// The label used in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Register => "register",
            Self::Refresh => "refresh",
            Self::PasswordChange => "password_change",
            Self::PasswordReset => "password_reset",
            Self::UseLink => "use_link",
            Self::VerificationResend => "verification_resend",
            Self::EmailChange => "email_change",
            Self::MfaLogin => "mfa_login",
            Self::MfaChange => "mfa_change",
            Self::PasskeyRegister => "passkey_register",
            Self::PasskeyLogin => "passkey_login",
        }
    }
}

/// A budget: `count` requests per `period`, refilled evenly (a burst of `count` at most).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub period: Duration,
}

impl Rate {
    /// Reads `N/s`, `N/min` or `N/h` (e.g. `10/min`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let invalid = || format!("`{raw}` is not a rate like 10/min (N/s, N/min or N/h)");
        let (count, unit) = raw.trim().split_once('/').ok_or_else(invalid)?;
        let count = count.trim().parse::<NonZeroU32>().map_err(|_| invalid())?;
        let period = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(invalid()),
        };
        Ok(Self { count, period })
    }
}

/// Who is asking, for the per-account budget: the email being signed in or registered, or the
/// user a token names. Keys are never shown to anyone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Account {
    Email(String),
    User(i64),
}

impl Account {
    /// The budget key of an email as typed: trimmed and lower-cased like the stored address,
    /// so `Ada@x` and `ada@x ` share a budget (and unknown addresses get one too, so the limit
    /// does not reveal which accounts exist).
    pub fn email(raw: &str) -> Self {
        Self::Email(raw.trim().to_lowercase())
    }
}

/// A spent budget: the request is refused, and may be retried after this many seconds
/// (DRF's throttling answer, 429 with `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("throttled for {retry_after_secs} s")]
pub struct Throttled {
    pub retry_after_secs: u64,
}
