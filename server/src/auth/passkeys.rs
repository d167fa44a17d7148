//! Passkeys (WebAuthn Level 2, by webauthn-rs), managed by their owner: registering one in two
//! steps (begin, then finish with the authenticator's answer), naming, listing and removing
//! them. User verification is required and the credential must be discoverable, so a passkey
//! alone signs in (`passkey_sign_in`). A ceremony's state lives in the database, so any
//! instance finishes what another began; it is taken by the finish that uses it, right or
//! wrong, and dies after `CEREMONY_LIFETIME`. Every change is audited and mailed to the owner,
//! as changes of the other second factors are.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use webauthn_rs::prelude::{
    CreationChallengeResponse, CredentialID, Passkey, PasskeyRegistration,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};
use webauthn_rs_proto::{
    AuthenticatorSelectionCriteria, ResidentKeyRequirement, UserVerificationPolicy,
};

use super::email::send_notice;
use super::fields::{self, FieldErrors};
use super::throttle::{Account, Action, Throttled};
use super::{Auth, Client, mail};
use crate::clock;
use crate::store::{AddPasskeyError, NewCeremony, NewPasskey, PasskeyRow, UserRow};
use crate::telemetry::{Event, EventKind};

/// How long a ceremony waits for the authenticator's answer (also the timeout the browser is
/// given): WebAuthn L2 §5.4.1's recommended 5 minutes.
pub const CEREMONY_LIFETIME: Duration = Duration::from_secs(300);

/// The longest passkey name, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// The name of a passkey registered without one.
const DEFAULT_NAME: &str = "Passkey";

/// The kinds of ceremony, as stored.
pub(super) const REGISTER: &str = "register";
pub(super) const SIGN_IN: &str = "sign_in";

/// Who passkeys are bound to: the relying party id (a domain) and the origin ceremonies must
/// come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    pub id: String,
    pub origin: Url,
}

/// The passkey settings of this instance.
pub struct PasskeyPolicy {
    pub(super) webauthn: Webauthn,
}

impl PasskeyPolicy {
    /// The relying party `rp`; refused when its id is not the origin's host or a parent
    /// domain of it (WebAuthn L2 §5.1.4.1: "a registrable domain suffix").
    pub fn new(rp: &RelyingParty) -> Result<Self, WebauthnError> {
        let webauthn = WebauthnBuilder::new(&rp.id, &rp.origin)?
            .rp_name("Gatehouse")
            .timeout(CEREMONY_LIFETIME)
            .build()?;
        Ok(Self { webauthn })
    }
}

/// A ceremony begun: the id to finish it with, and the options for
/// `navigator.credentials.create()` / `.get()`.
#[derive(Debug)]
pub struct Begun<Options> {
    pub challenge_id: String,
    pub options: Options,
}

/// A registration's finish as submitted.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistrationForm<'a> {
    pub challenge_id: Option<&'a str>,
    /// The `PublicKeyCredential` of `navigator.credentials.create()`, as JSON.
    pub credential: Option<&'a serde_json::Value>,
    pub name: Option<&'a str>,
}

/// Why a passkey change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    #[error(transparent)]
    Throttled(#[from] Throttled),
    /// Field problems: a missing, expired or used challenge, a credential that does not
    /// verify or is registered already, a bad name.
    #[error("invalid passkey change")]
    Invalid(FieldErrors),
    /// No passkey of this user has that id.
    #[error("passkey not found")]
    NotFound,
    /// The token's user no longer exists.
    #[error("user not found")]
    UserNotFound,
    /// webauthn-rs could not start a ceremony, or a stored state does not read back.
    #[error(transparent)]
    Internal(anyhow::Error),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

const CHALLENGE_GONE: &str = "This registration has expired or was already used: begin again.";
const NOT_VERIFIED: &str = "The passkey could not be verified.";
const NOT_A_CREDENTIAL: &str = "Send the PublicKeyCredential that the browser created.";
const TAKEN: &str = "This passkey is registered already.";

/// A credential id as stored and compared: base64url without padding.
pub(super) fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// A stored passkey's webauthn-rs form.
pub(super) fn stored_passkey(row: &PasskeyRow) -> Result<Passkey, anyhow::Error> {
    serde_json::from_str(&row.credential)
        .map_err(|error| anyhow::Error::new(error).context("a stored passkey does not read back"))
}

/// The user's passkeys, oldest first.
pub async fn list(auth: &Auth, user_id: i64) -> sqlx::Result<Vec<PasskeyRow>> {
    auth.store.passkeys_of(user_id).await
}

/// Begins registering a passkey for `user_id`: the options for the browser (user
/// verification and a discoverable credential required, the user's passkeys excluded so one
/// authenticator is not registered twice), and a ceremony stored for `CEREMONY_LIFETIME`.
pub async fn begin_registration(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
) -> Result<Begun<CreationChallengeResponse>, PasskeyError> {
    let user = limited_user(auth, client, user_id).await?;
    let handle = user_handle(auth, user.id).await?;
    let exclude = auth
        .store
        .passkeys_of(user.id)
        .await?
        .iter()
        .map(|row| stored_passkey(row).map(|passkey| passkey.cred_id().clone()))
        .collect::<Result<Vec<CredentialID>, _>>()
        .map_err(PasskeyError::Internal)?;
    let display_name = match format!("{} {}", user.first_name, user.last_name).trim() {
        "" => user.username.clone(),
        full => full.to_owned(),
    };
    let (mut options, state) = auth
        .passkeys
        .webauthn
        .start_passkey_registration(handle, &user.email, &display_name, Some(exclude))
        .map_err(|error| internal(error, "could not begin a passkey registration"))?;
    // webauthn-rs leaves residence to the authenticator ("discouraged"); a passkey that signs in
    // with no email must be discoverable (WebAuthn L2 §6.2.2), so ask for one. The check at
    // finish is the same either way: the state does not depend on it.
    options.public_key.authenticator_selection = Some(AuthenticatorSelectionCriteria {
        authenticator_attachment: None,
        resident_key: Some(ResidentKeyRequirement::Required),
        require_resident_key: true,
        user_verification: UserVerificationPolicy::Required,
    });
    let state = serde_json::to_string(&state)
        .map_err(|error| internal(error, "could not store a passkey registration"))?;
    let challenge_id = store_ceremony(auth, REGISTER, Some(user.id), &state).await?;
    let event = Event::success(EventKind::PasskeyRegistrationStarted, &client.ip)
        .user(user.id)
        .session(session_id);
    auth.audit.record(event).await;
    Ok(Begun {
        challenge_id,
        options,
    })
}

/// Finishes the registration `form.challenge_id` of `user_id` with the authenticator's
/// answer: verified (the challenge, the origin, the relying party, user verification) and
/// stored under `form.name`. The ceremony is used up whatever the outcome.
pub async fn finish_registration(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    form: &RegistrationForm<'_>,
) -> Result<PasskeyRow, PasskeyError> {
    let user = limited_user(auth, client, user_id).await?;
    let (challenge_id, credential, name) =
        parse_registration(form).map_err(PasskeyError::Invalid)?;
    let refuse = async |detail: &str, field: &'static str, message: &str| {
        let event = Event::failure(EventKind::PasskeyAdded, &client.ip)
            .user(user.id)
            .session(session_id)
            .detail(detail);
        auth.audit.record(event).await;
        PasskeyError::Invalid(fields::one(field, message))
    };
    let now = clock::now();
    let taken = auth
        .store
        .take_ceremony(challenge_id, REGISTER, Some(user.id), now)
        .await?;
    let Some(state) = taken else {
        return Err(refuse("unknown or used challenge", "challenge_id", CHALLENGE_GONE).await);
    };
    let state: PasskeyRegistration = serde_json::from_str(&state)
        .map_err(|error| internal(error, "a stored passkey registration does not read back"))?;
    let passkey = match auth
        .passkeys
        .webauthn
        .finish_passkey_registration(&credential, &state)
    {
        Ok(passkey) => passkey,
        Err(error) => return Err(refuse(&error.to_string(), "credential", NOT_VERIFIED).await),
    };
    let row = PasskeyRow {
        id: Uuid::new_v4().to_string(),
        user_id: user.id,
        name,
        credential: serde_json::to_string(&passkey)
            .map_err(|error| internal(error, "could not store a passkey"))?,
        sign_count: 0,
        created_at: now,
        last_used_at: None,
    };
    let added = auth
        .store
        .add_passkey(NewPasskey {
            id: &row.id,
            user_id: user.id,
            credential_id: &credential_key(passkey.cred_id()),
            name: &row.name,
            credential: &row.credential,
            sign_count: row.sign_count,
            now,
        })
        .await;
    match added {
        Ok(()) => {}
        Err(AddPasskeyError::CredentialTaken) => {
            return Err(refuse("credential registered already", "credential", TAKEN).await);
        }
        Err(AddPasskeyError::Database(error)) => return Err(error.into()),
    }
    send_notice(auth, &mail::passkey_added(&user.email), user.id).await?;
    let event = Event::success(EventKind::PasskeyAdded, &client.ip)
        .user(user.id)
        .session(session_id)
        .detail(&row.id);
    auth.audit.record(event).await;
    Ok(row)
}

/// Renames passkey `id` of `user_id`.
pub async fn rename(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    id: &str,
    name: Option<&str>,
) -> Result<PasskeyRow, PasskeyError> {
    let name = fields::presence(name)
        .and_then(|name| parse_name(Some(name)))
        .map_err(|message| PasskeyError::Invalid(fields::one("name", message)))?;
    let renamed = auth.store.rename_passkey(id, user_id, &name).await?;
    let row = renamed.ok_or(PasskeyError::NotFound)?;
    let event = Event::success(EventKind::PasskeyRenamed, &client.ip)
        .user(user_id)
        .session(session_id)
        .detail(id);
    auth.audit.record(event).await;
    Ok(row)
}

/// Removes passkey `id` of `user_id`: it no longer signs in. Another user's passkey is
/// `NotFound`, as an unknown one is.
pub async fn remove(
    auth: &Auth,
    client: &Client,
    user_id: i64,
    session_id: &str,
    id: &str,
) -> Result<(), PasskeyError> {
    if !auth.store.delete_passkey(id, user_id).await? {
        return Err(PasskeyError::NotFound);
    }
    let user = auth
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(PasskeyError::UserNotFound)?;
    send_notice(auth, &mail::passkey_removed(&user.email), user.id).await?;
    let event = Event::success(EventKind::PasskeyRemoved, &client.ip)
        .user(user_id)
        .session(session_id)
        .detail(id);
    auth.audit.record(event).await;
    Ok(())
}

/// Stores a ceremony of `kind` with `state`; returns its id.
pub(super) async fn store_ceremony(
    auth: &Auth,
    kind: &str,
    user_id: Option<i64>,
    state: &str,
) -> sqlx::Result<String> {
    let id = Uuid::new_v4().to_string();
    let now = clock::now();
    auth.store
        .create_ceremony(NewCeremony {
            id: &id,
            kind,
            user_id,
            state,
            now,
            expires_at: now + CEREMONY_LIFETIME.as_secs() as i64,
        })
        .await?;
    Ok(id)
}

/// An internal error from webauthn-rs or serde, with what was being done.
pub(super) fn internal(
    error: impl std::error::Error + Send + Sync + 'static,
    doing: &'static str,
) -> PasskeyError {
    PasskeyError::Internal(anyhow::Error::new(error).context(doing))
}

/// The user a registration is for, once it is within its rate limit (per address and per
/// user: each begin stores a ceremony).
async fn limited_user(auth: &Auth, client: &Client, user_id: i64) -> Result<UserRow, PasskeyError> {
    auth.throttle
        .check(
            Action::PasskeyRegister,
            client.address,
            Some(&Account::User(user_id)),
        )
        .await?;
    auth.store
        .user_by_id(user_id)
        .await?
        .ok_or(PasskeyError::UserNotFound)
}

/// The WebAuthn user handle of `user_id`, made on first use.
async fn user_handle(auth: &Auth, user_id: i64) -> Result<Uuid, PasskeyError> {
    let stored = auth
        .store
        .passkey_user_handle(user_id, &Uuid::new_v4().to_string())
        .await?;
    Uuid::parse_str(&stored).map_err(|error| internal(error, "a stored user handle is no UUID"))
}

/// The challenge id, the credential and the name of `form`, or every field problem.
fn parse_registration<'a>(
    form: &RegistrationForm<'a>,
) -> Result<(&'a str, RegisterPublicKeyCredential, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let challenge_id = fields::presence(form.challenge_id)
        .map_err(|message| errors.entry("challenge_id").or_default().push(message))
        .ok();
    let credential = parse_credential(&mut errors, form.credential);
    let name = parse_name(form.name)
        .map_err(|message| errors.entry("name").or_default().push(message))
        .ok();
    match (challenge_id, credential, name) {
        (Some(challenge_id), Some(credential), Some(name)) if errors.is_empty() => {
            Ok((challenge_id, credential, name))
        }
        _ => Err(errors),
    }
}

/// A WebAuthn response sent as JSON (`credential`), read as `T`; a field error if it is
/// missing or not one.
pub(super) fn parse_credential<T: serde::de::DeserializeOwned>(
    errors: &mut FieldErrors,
    credential: Option<&serde_json::Value>,
) -> Option<T> {
    let message = match credential {
        None | Some(serde_json::Value::Null) => "This field is required.",
        Some(value) => match T::deserialize(value) {
            Ok(credential) => return Some(credential),
            Err(_) => NOT_A_CREDENTIAL,
        },
    };
    errors
        .entry("credential")
        .or_default()
        .push(message.to_owned());
    None
}

/// A passkey name: trimmed, at most `MAX_NAME_CHARS`, no control characters; none or blank
/// is `DEFAULT_NAME`.
fn parse_name(name: Option<&str>) -> Result<String, String> {
    let name = name.map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Ok(DEFAULT_NAME.to_owned());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "Ensure this field has no more than {MAX_NAME_CHARS} characters."
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("Use letters, digits, spaces and punctuation only.".into());
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_default() {
        assert_eq!(parse_name(None).unwrap(), DEFAULT_NAME);
        assert_eq!(parse_name(Some("  ")).unwrap(), DEFAULT_NAME);
        assert_eq!(parse_name(Some(" Laptop ")).unwrap(), "Laptop");
        assert_eq!(
            parse_name(Some(&"é".repeat(64))).unwrap().chars().count(),
            64
        );
        assert!(parse_name(Some(&"x".repeat(65))).is_err());
        assert!(parse_name(Some("a\nb")).is_err());
    }

    #[test]
    fn the_relying_party_must_be_the_origins_domain() {
        let origin = Url::parse("https://auth.example.com").unwrap();
        for id in ["auth.example.com", "example.com"] {
            let rp = RelyingParty {
                id: id.into(),
                origin: origin.clone(),
            };
            assert!(PasskeyPolicy::new(&rp).is_ok(), "{id}");
        }
        let rp = RelyingParty {
            id: "other.com".into(),
            origin,
        };
        assert!(PasskeyPolicy::new(&rp).is_err());
    }
}
