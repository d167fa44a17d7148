//! The passkey ceremonies' request and answer bodies: they carry WebAuthn JSON that the
//! browser makes and reads itself (`publicKey`, `credential`), so they stay with the server;
//! the other second-factor bodies are shared with the browser client in `app::api`. Required
//! fields are `Option`s, so a missing one is a field error rather than a parse failure.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/passkeys/register/begin/` and `POST /api/passkeys/login/begin/`: a ceremony
/// begun. `publicKey` goes to `navigator.credentials.create({publicKey})` (registration) or
/// `navigator.credentials.get({publicKey})` (sign-in), with its base64url fields decoded to
/// bytes; the answer comes back with `challenge_id` within 5 minutes, once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PasskeyCeremony {
    /// Names this ceremony at its finish.
    pub challenge_id: String,
    /// WebAuthn L2 `PublicKeyCredentialCreationOptions` or `PublicKeyCredentialRequestOptions`
    /// as JSON (binary fields in base64url).
    #[serde(rename = "publicKey")]
    #[schema(value_type = Object)]
    pub public_key: serde_json::Value,
}

/// `POST /api/passkeys/register/finish/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PasskeyRegisterRequest {
    /// From the begin answer.
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub challenge_id: Option<String>,
    /// The `PublicKeyCredential` that `navigator.credentials.create()` gave, as JSON (`id`,
    /// `rawId`, `type`, `response: {attestationObject, clientDataJSON}` in base64url).
    #[schema(required, nullable = false, value_type = Object)]
    pub credential: Option<serde_json::Value>,
    /// A name for it, at most 64 characters (default "Passkey").
    #[schema(max_length = 64)]
    pub name: Option<String>,
}

/// `POST /api/passkeys/login/finish/`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PasskeyLoginRequest {
    /// From the begin answer.
    #[schema(required, nullable = false, min_length = 1, pattern = r"\S")]
    pub challenge_id: Option<String>,
    /// The `PublicKeyCredential` that `navigator.credentials.get()` gave, as JSON (`id`,
    /// `rawId`, `type`, `response: {authenticatorData, clientDataJSON, signature, userHandle}`
    /// in base64url).
    #[schema(required, nullable = false, value_type = Object)]
    pub credential: Option<serde_json::Value>,
}
