//! Credentials: registration (which mails the verification link), sign-in with email and
//! password (refused before verification when it is mandatory; for an account with a second
//! factor, only its first step), and changing the password (which tells the owner by mail).
//! Each takes the form as submitted (fields may be missing) and reports every field problem
//! at once, as DRF does.

use super::domain::{Email, Password, PersonName, Username};
use super::email::{Verification, send_notice};
use super::fields::{self, FieldErrors};
use super::mail;
use super::mfa_challenge::{self, MfaChallenge};
use super::password_policy::{Attributes, PasswordPolicy};
use super::reauthentication::SignedInChange;
use super::revoke::end_user_sessions;
use super::second_factors;
use super::throttle::{Account, Action, Throttled};
use super::verification::send_verification;
use super::{Auth, Client, users};
use crate::clock;
use crate::store::{CreateUserError, NewUser, UserRow};
use crate::telemetry::{Event, EventKind};

/// A registration form as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistrationForm<'a> {
    pub email: Option<&'a str>,
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub password2: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

/// A sign-in form as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignInForm<'a> {
    pub email: Option<&'a str>,
    pub password: Option<&'a str>,
}

/// A password-change form as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordChangeForm<'a> {
    pub current_password: Option<&'a str>,
    pub new_password: Option<&'a str>,
    pub new_password2: Option<&'a str>,
}

/// Why a registration was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error("invalid registration")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    /// A field is missing or blank.
    #[error("invalid sign-in form")]
    Invalid(FieldErrors),
    /// Wrong email or password: the same answer for both.
    #[error("bad credentials")]
    BadCredentials,
    /// Right password, but `EMAIL_VERIFICATION=mandatory` and the address is not verified
    /// (told only to whoever knows the password).
    #[error("email not verified")]
    EmailNotVerified,
    /// Right password, but the account has a second factor: no tokens yet, only the
    /// challenge to finish the sign-in with (`mfa_challenge::finish`).
    #[error("second factor required")]
    MfaRequired(MfaChallenge),
    #[error(transparent)]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Why a password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    /// Field problems, the wrong current password among them.
    #[error("invalid password change")]
    Invalid(FieldErrors),
    /// The token's user no longer exists.
    #[error("user not found")]
    UserNotFound,
    #[error(transparent)]
    Hashing(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// A registration whose every field passed its rule.
struct Registration {
    email: Email,
    username: Username,
    password: Password,
    first_name: PersonName,
    last_name: PersonName,
}

impl Registration {
    /// Checks every field and reports all problems at once.
    fn parse(form: &RegistrationForm<'_>, policy: &PasswordPolicy) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = fields::parse_field(&mut errors, "email", form.email, Email::parse);
        let username = fields::parse_field(&mut errors, "username", form.username, Username::parse);
        let attributes = Attributes {
            email: form.email.unwrap_or_default(),
            username: form.username.unwrap_or_default(),
            first_name: form.first_name.unwrap_or_default(),
            last_name: form.last_name.unwrap_or_default(),
        };
        let password =
            fields::new_password(&mut errors, "password", form.password, policy, &attributes);
        let password2 = fields::text(&mut errors, "password2", form.password2);
        let mut optional_name = |field: &'static str, value: Option<&str>| {
            PersonName::parse(value)
                .map_err(|message| errors.entry(field).or_default().push(message))
                .ok()
        };
        let first_name = optional_name("first_name", form.first_name);
        let last_name = optional_name("last_name", form.last_name);
        match (email, username, password, password2, first_name, last_name) {
            (
                Some(email),
                Some(username),
                Some(password),
                Some(password2),
                Some(first_name),
                Some(last_name),
            ) if errors.is_empty() => {
                if password.expose() != password2 {
                    return Err(fields::one("password", "Password fields didn't match."));
                }
                Ok(Self {
                    email,
                    username,
                    password,
                    first_name,
                    last_name,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Creates an account. Rate limited per address and per email.
pub async fn register(
    auth: &Auth,
    client: &Client,
    form: &RegistrationForm<'_>,
) -> Result<UserRow, RegisterError> {
    let account = form.email.map(Account::email);
    auth.throttle
        .check(Action::Register, client.address, account.as_ref())
        .await?;
    let registration =
        Registration::parse(form, &auth.password_policy).map_err(RegisterError::Invalid)?;
    let password_hash = auth
        .hasher
        .hash(registration.password.expose())
        .await
        .map_err(RegisterError::Hashing)?;
    let user = auth
        .store
        .create_user(NewUser {
            email: registration.email.as_str(),
            username: registration.username.as_str(),
            password_hash: &password_hash,
            first_name: registration.first_name.as_str(),
            last_name: registration.last_name.as_str(),
            date_joined: clock::now(),
        })
        .await
        .map_err(|error| match error {
            CreateUserError::EmailTaken => {
                RegisterError::Invalid(fields::one("email", "user with this email already exists."))
            }
            CreateUserError::UsernameTaken => RegisterError::Invalid(fields::one(
                "username",
                "A user with that username already exists.",
            )),
            CreateUserError::Database(error) => error.into(),
        })?;
    send_verification(auth, &user, &client.ip).await?;
    if auth.email.verification == Verification::Mandatory {
        // No session starts (which records the registration otherwise): record it here.
        let event = Event::success(EventKind::Register, &client.ip).user(user.id);
        auth.audit.record(event).await;
    }
    Ok(user)
}

/// Checks email and password. An unknown email costs a dummy hash verify, so it answers
/// exactly like a wrong password, in body and in time (OWASP Authentication Cheat Sheet).
/// Attempts are rate limited per address and per email, and failures are audited. The user is
/// returned only when the password suffices: with TOTP on, the right password gets
/// `MfaRequired` (after the verification check, so an unverified address is told first), and
/// no path can start a session from it.
pub async fn sign_in(
    auth: &Auth,
    client: &Client,
    form: &SignInForm<'_>,
) -> Result<UserRow, SignInError> {
    let account = form.email.map(Account::email);
    auth.throttle
        .check(Action::Login, client.address, account.as_ref())
        .await?;
    let mut errors = FieldErrors::new();
    let email = fields::parse_field(&mut errors, "email", form.email, |raw| {
        Ok(Email::parse(raw).ok())
    });
    let password = fields::text(&mut errors, "password", form.password);
    let (Some(email), Some(password)) = (email, password) else {
        return Err(SignInError::Invalid(errors));
    };
    let user = match email {
        Some(email) => auth.store.user_by_email(email.as_str()).await?,
        None => None,
    };
    let hash = user.as_ref().map(|user| user.password_hash.clone());
    let password_matches = auth
        .hasher
        .verify(&password, hash)
        .await
        .map_err(SignInError::Hashing)?;
    match user {
        Some(user) if password_matches && !users::may_sign_in(&user) => {
            let event = Event::failure(EventKind::Login, &client.ip)
                .user(user.id)
                .detail("account disabled");
            auth.audit.record(event).await;
            Err(SignInError::BadCredentials)
        }
        Some(user) if password_matches => {
            if auth.email.verification == Verification::Mandatory
                && user.email_verified_at.is_none()
            {
                let event = Event::failure(EventKind::Login, &client.ip)
                    .user(user.id)
                    .detail("email not verified");
                auth.audit.record(event).await;
                return Err(SignInError::EmailNotVerified);
            }
            if second_factors::totp_on(auth, user.id).await? {
                let challenge = mfa_challenge::challenge(auth, &user, client).await?;
                return Err(SignInError::MfaRequired(challenge));
            }
            Ok(user)
        }
        user => {
            let detail = match (&user, &account) {
                (Some(_), _) => "wrong password".to_owned(),
                // Unknown accounts are recorded by the address tried (bounded), to spot
                // credential stuffing.
                (None, Some(Account::Email(email))) => {
                    format!(
                        "unknown account {}",
                        email.chars().take(254).collect::<String>()
                    )
                }
                (None, _) => "unknown account".to_owned(),
            };
            let event = Event::failure(EventKind::Login, &client.ip)
                .user(user.map(|user| user.id))
                .detail(&detail);
            auth.audit.record(event).await;
            Err(SignInError::BadCredentials)
        }
    }
}

/// Changes the password of `user_id`, signed in on `session_id`: the current password must be
/// given, and every other session ends (OWASP ASVS 3.3.3). Rate limited per address and user.
pub async fn change_password(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    form: &PasswordChangeForm<'_>,
) -> Result<(), PasswordChangeError> {
    auth.throttle
        .check(
            Action::PasswordChange,
            client.address,
            Some(&Account::User(user_id)),
        )
        .await?;
    let user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(PasswordChangeError::UserNotFound)?;
    let attributes = Attributes::of(&user);
    let mut errors = FieldErrors::new();
    let current = fields::text(&mut errors, "current_password", form.current_password);
    let new = fields::new_password(
        &mut errors,
        "new_password",
        form.new_password,
        &auth.password_policy,
        &attributes,
    );
    let new2 = fields::text(&mut errors, "new_password2", form.new_password2);
    let (Some(current), Some(new), Some(new2)) = (current, new, new2) else {
        return Err(PasswordChangeError::Invalid(errors));
    };
    if new.expose() != new2 {
        return Err(PasswordChangeError::Invalid(fields::one(
            "new_password2",
            "The two password fields didn't match.",
        )));
    }
    let reproved = SignedInChange {
        user: &user,
        session_id,
        kind: EventKind::PasswordChanged,
    }
    .password_is(auth, client, &current, "wrong current password")
    .await
    .map_err(PasswordChangeError::Hashing)?;
    if !reproved {
        return Err(PasswordChangeError::Invalid(fields::one(
            "current_password",
            "Your old password was entered incorrectly. Please enter it again.",
        )));
    }
    let hash = auth
        .hasher
        .hash(new.expose())
        .await
        .map_err(PasswordChangeError::Hashing)?;
    auth.store
        .set_password_hash(user.id, &hash, clock::now())
        .await?;
    send_notice(auth, &mail::password_changed(&user.email), user.id).await?;
    end_user_sessions(
        auth,
        user.id,
        Some(session_id),
        EventKind::PasswordChanged,
        &client.ip,
    )
    .await?;
    Ok(())
}
