//! The account-email policy: whether addresses must be verified, how long mailed links work,
//! and where they point (`PUBLIC_URL`).

use std::time::Duration;

use super::Auth;
use super::mail::Mail;
use super::one_time::OneTimeToken;
use crate::clock;
use crate::store::{NewAccountToken, NewMail};

/// `EMAIL_VERIFICATION`, as allauth names its modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Addresses are never checked; no verification mail is sent.
    None,
    /// Sign-in is allowed; the UI asks to verify.
    Optional,
    /// No sign-in until the address is verified.
    Mandatory,
}

impl Verification {
    /// Reads `none`, `optional` or `mandatory` (clap value parser).
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "optional" => Ok(Self::Optional),
            "mandatory" => Ok(Self::Mandatory),
            _ => Err(format!(
                "`{raw}` is not a verification mode: use none, optional or mandatory"
            )),
        }
    }
}

/// What a mailed link is for; each has its own page and lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    PasswordReset,
    VerifyEmail,
    ChangeEmail,
}

impl Purpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::VerifyEmail => "verify_email",
            Self::ChangeEmail => "change_email",
        }
    }

    /// The page the link opens (SPEC "Account email": the paths are part of the contract).
    fn path(self) -> &'static str {
        match self {
            Self::PasswordReset => "/reset-password",
            Self::VerifyEmail => "/verify-email",
            Self::ChangeEmail => "/confirm-email",
        }
    }
}

/// The account-email rules this instance applies.
#[derive(Debug, Clone)]
pub struct EmailPolicy {
    pub verification: Verification,
    /// `PUBLIC_URL` without a trailing slash.
    pub public_url: String,
    pub reset_lifetime: Duration,
    pub verification_lifetime: Duration,
}

impl EmailPolicy {
    /// The link that carries `token` for `purpose`. Tokens are URL-safe base64, so they need
    /// no escaping.
    pub fn link(&self, purpose: Purpose, token: &str) -> String {
        format!("{}{}?token={token}", self.public_url, purpose.path())
    }

    /// How long a link for `purpose` works, in seconds.
    pub fn lifetime(&self, purpose: Purpose) -> i64 {
        let lifetime = match purpose {
            Purpose::PasswordReset => self.reset_lifetime,
            Purpose::VerifyEmail | Purpose::ChangeEmail => self.verification_lifetime,
        };
        lifetime.as_secs() as i64
    }
}

/// The outbox row of `mail`, for `user_id`.
pub(super) fn outbox_row(mail: &Mail, user_id: i64) -> NewMail<'_> {
    NewMail {
        kind: mail.kind.as_str(),
        recipient: &mail.to,
        subject: &mail.subject,
        text_body: &mail.text,
        html_body: &mail.html,
        user_id: Some(user_id),
    }
}

/// A link for `purpose` to `to`: a fresh token stored (hashed) in one transaction with the mail
/// `compose` writes around the link and any `also` mails; the user's older links of the same
/// purpose end. The sender job is woken to deliver at once.
pub(super) async fn send_link(
    auth: &Auth,
    purpose: Purpose,
    user_id: i64,
    to: &str,
    session_id: Option<&str>,
    compose: impl FnOnce(&str, i64) -> Mail,
    also: &[Mail],
) -> sqlx::Result<()> {
    let token = OneTimeToken::generate();
    let lifetime = auth.email.lifetime(purpose);
    let mail = compose(&auth.email.link(purpose, &token.token), lifetime);
    let mut mails = vec![outbox_row(&mail, user_id)];
    mails.extend(also.iter().map(|mail| outbox_row(mail, user_id)));
    let now = clock::now();
    auth.store
        .issue_account_token(
            NewAccountToken {
                hash: &token.hash,
                purpose: purpose.as_str(),
                user_id,
                email: to,
                session_id,
                now,
                expires_at: now + lifetime,
            },
            &mails,
            clock::now_ms(),
        )
        .await?;
    auth.mail_queued.notify_one();
    Ok(())
}

/// Queues `mail` on its own (a notice), and wakes the sender.
pub(super) async fn send_notice(auth: &Auth, mail: &Mail, user_id: i64) -> sqlx::Result<()> {
    auth.store
        .enqueue_mail(outbox_row(mail, user_id), clock::now_ms())
        .await?;
    auth.mail_queued.notify_one();
    Ok(())
}

/// The message of a link that cannot be used: the same for used, expired and unknown ones.
pub const INVALID_LINK: &str = "This link is invalid or has expired. Ask for a new one.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_the_contracts_paths() {
        let policy = EmailPolicy {
            verification: Verification::Optional,
            public_url: "https://auth.example.com".into(),
            reset_lifetime: Duration::from_secs(3600),
            verification_lifetime: Duration::from_secs(3 * 86_400),
        };
        assert_eq!(
            policy.link(Purpose::PasswordReset, "abc_-1"),
            "https://auth.example.com/reset-password?token=abc_-1"
        );
        assert_eq!(
            policy.link(Purpose::VerifyEmail, "t"),
            "https://auth.example.com/verify-email?token=t"
        );
        assert_eq!(
            policy.link(Purpose::ChangeEmail, "t"),
            "https://auth.example.com/confirm-email?token=t"
        );
        assert_eq!(policy.lifetime(Purpose::PasswordReset), 3600);
        assert_eq!(
            Verification::parse(" Mandatory"),
            Ok(Verification::Mandatory)
        );
        assert!(Verification::parse("strict").is_err());
    }
}
