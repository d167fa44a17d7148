//! A software passkey authenticator, written from WebAuthn L2 rather than taken from the
//! server's library, so the server is checked against the standard and not against itself: a
//! P-256 key per credential, attestation "none" (§8.7) in CBOR, assertions signed with ECDSA
//! over `authenticatorData || SHA-256(clientDataJSON)` (§6.3.3), user presence and
//! verification flagged, a signature counter, and the user handle kept for discoverable
//! sign-in. The origin it reports and its counter can be set, to play a phishing page or a
//! replay.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value as Cbor;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use rand::RngCore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Authenticator data flags (WebAuthn L2 §6.1).
const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED_CREDENTIAL_DATA: u8 = 0x40;

/// One discoverable credential.
struct Credential {
    id: Vec<u8>,
    key: SigningKey,
    user_handle: Vec<u8>,
}

pub struct SoftAuthenticator {
    /// The origin the browser reports in `clientDataJSON`.
    pub origin: String,
    /// The signature counter of the last assertion (the next one carries one more).
    pub counter: u32,
    /// Whether `create` gives the latest credential's id again (a broken or hostile
    /// authenticator) rather than a new one.
    pub reuse_credential_id: bool,
    credentials: Vec<Credential>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(value: &Value) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(value.as_str().expect("a base64url string"))
        .expect("base64url")
}

fn client_data(kind: &str, challenge: &Value, origin: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": kind,
        "challenge": challenge,
        "origin": origin,
        "crossOrigin": false,
    }))
    .unwrap()
}

impl SoftAuthenticator {
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            counter: 0,
            reuse_credential_id: false,
            credentials: Vec::new(),
        }
    }

    /// `navigator.credentials.create({publicKey})`: a new discoverable credential for the
    /// options' relying party and user, as the browser's JSON.
    pub fn create(&mut self, options: &Value) -> Value {
        let selection = &options["authenticatorSelection"];
        assert_eq!(selection["userVerification"], "required", "{options}");
        assert_eq!(selection["residentKey"], "required", "{options}");
        let rp_id = options["rp"]["id"].as_str().unwrap();
        let mut id = vec![0; 32];
        rand::thread_rng().fill_bytes(&mut id);
        if self.reuse_credential_id {
            id = self
                .credentials
                .last()
                .expect("a credential to reuse")
                .id
                .clone();
        }
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let point = key.verifying_key().to_encoded_point(false);
        let cose_key = Cbor::Map(vec![
            (Cbor::from(1), Cbor::from(2)),  // kty: EC2
            (Cbor::from(3), Cbor::from(-7)), // alg: ES256
            (Cbor::from(-1), Cbor::from(1)), // crv: P-256
            (Cbor::from(-2), Cbor::Bytes(point.x().unwrap().to_vec())),
            (Cbor::from(-3), Cbor::Bytes(point.y().unwrap().to_vec())),
        ]);
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(USER_PRESENT | USER_VERIFIED | ATTESTED_CREDENTIAL_DATA);
        auth_data.extend(self.counter.to_be_bytes());
        auth_data.extend([0; 16]); // AAGUID: none
        auth_data.extend(u16::try_from(id.len()).unwrap().to_be_bytes());
        auth_data.extend(&id);
        ciborium::into_writer(&cose_key, &mut auth_data).unwrap();
        let attestation = Cbor::Map(vec![
            (Cbor::from("fmt"), Cbor::from("none")),
            (Cbor::from("attStmt"), Cbor::Map(Vec::new())),
            (Cbor::from("authData"), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation_object = Vec::new();
        ciborium::into_writer(&attestation, &mut attestation_object).unwrap();
        let client_data = client_data("webauthn.create", &options["challenge"], &self.origin);
        let credential = json!({
            "id": b64(&id),
            "rawId": b64(&id),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&attestation_object),
                "clientDataJSON": b64(&client_data),
            },
            "clientExtensionResults": {},
        });
        self.credentials.push(Credential {
            id,
            key,
            user_handle: unb64(&options["user"]["id"]),
        });
        credential
    }

    /// `navigator.credentials.get({publicKey})` with no allow-list: an assertion by the latest
    /// credential, with the user handle, as the browser's JSON.
    pub fn get(&mut self, options: &Value) -> Value {
        assert_eq!(options["userVerification"], "required", "{options}");
        assert_eq!(options["allowCredentials"], json!([]), "{options}");
        let credential = self.credentials.last().expect("a credential was created");
        self.counter += 1;
        let rp_id = options["rpId"].as_str().unwrap();
        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(USER_PRESENT | USER_VERIFIED);
        auth_data.extend(self.counter.to_be_bytes());
        let client_data = client_data("webauthn.get", &options["challenge"], &self.origin);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature: DerSignature = credential.key.sign(&signed);
        json!({
            "id": b64(&credential.id),
            "rawId": b64(&credential.id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.as_bytes()),
                "userHandle": b64(&credential.user_handle),
            },
            "clientExtensionResults": {},
        })
    }
}
