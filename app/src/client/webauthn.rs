//! The browser's WebAuthn ceremonies, reached through their JSON forms (WebAuthn Level 3
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` and
//! `PublicKeyCredential.toJSON`), so the server's base64url options go in and the credential
//! comes out as JSON without byte juggling here. Called through `js_sys::Reflect` rather than
//! `web-sys`'s WebAuthn bindings, which would add their glue to the wasm for three calls.

use js_sys::{Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::error::ClientError;
use crate::api::ErrorBody;

/// The two ceremonies (WebAuthn L2 §5.1.3 and §5.1.4).
#[derive(Clone, Copy)]
pub enum Ceremony {
    /// `navigator.credentials.create()`: a new passkey.
    Register,
    /// `navigator.credentials.get()`: signing in with one.
    SignIn,
}

/// A begun ceremony's `challenge_id`, and the credential the browser made for it as JSON.
pub struct Answered {
    pub challenge_id: String,
    pub credential: String,
}

/// Runs `ceremony` with the options of a begin answer (`{challenge_id, publicKey}`, as its JSON
/// text): the browser asks the user for their passkey.
pub async fn perform(ceremony: Ceremony, begun: &str) -> Result<Answered, ClientError> {
    run(ceremony, begun).await.map_err(refused)
}

async fn run(ceremony: Ceremony, begun: &str) -> Result<Answered, JsValue> {
    let (parse, method) = match ceremony {
        Ceremony::Register => ("parseCreationOptionsFromJSON", "create"),
        Ceremony::SignIn => ("parseRequestOptionsFromJSON", "get"),
    };
    let begun = JSON::parse(begun)?;
    let challenge_id = member(&begun, "challenge_id")?
        .as_string()
        .ok_or("no challenge_id")?;
    let global = js_sys::global();
    let credential_class = member(&global, "PublicKeyCredential")?;
    let options = call(&credential_class, parse, &member(&begun, "publicKey")?)?;
    let request = Object::new();
    Reflect::set(&request, &"publicKey".into(), &options)?;
    let credentials = member(&member(&global, "navigator")?, "credentials")?;
    let pending: Promise = call(&credentials, method, &request)?.dyn_into()?;
    let credential = JsFuture::from(pending).await?;
    let credential = JSON::stringify(&call(&credential, "toJSON", &JsValue::UNDEFINED)?)?
        .as_string()
        .ok_or("no credential")?;
    Ok(Answered {
        challenge_id,
        credential,
    })
}

fn member(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &name.into())
}

/// Calls `target.method(argument)`; a missing method (a browser without WebAuthn's JSON
/// forms) is a `TypeError`, as in JavaScript.
fn call(target: &JsValue, method: &str, argument: &JsValue) -> Result<JsValue, JsValue> {
    member(target, method)?
        .dyn_into::<Function>()
        .map_err(|_| JsValue::from(js_sys::TypeError::new(method)))?
        .call1(target, argument)
}

/// What to tell the user when the browser did not give a credential. The `DOMException`
/// names are the ones the ceremonies define (WebAuthn L2 §5.1.3, §5.1.4).
fn refused(error: JsValue) -> ClientError {
    let name = member(&error, "name")
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default();
    let text = match name.as_str() {
        "NotAllowedError" | "AbortError" => "The passkey request was cancelled or timed out.",
        "InvalidStateError" => "This passkey is already registered to your account.",
        "TypeError" | "NotSupportedError" => "This browser cannot use passkeys.",
        "SecurityError" => "Passkeys are not available on this address of the site.",
        _ => "The passkey could not be used. Please try again.",
    };
    ClientError::Api(ErrorBody {
        detail: Some(text.into()),
        ..ErrorBody::default()
    })
}
