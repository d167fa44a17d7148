//! The tokens in localStorage (`access_token`, `refresh_token`), stored raw (not JSON-quoted)
//! so that other clients of the same origin, like the seeds' axios apps, read them too.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gloo_storage::{LocalStorage, Storage};
use serde::Deserialize;

use crate::api::TokenPair;

pub const ACCESS_KEY: &str = "access_token";
pub const REFRESH_KEY: &str = "refresh_token";

fn read(key: &str) -> Option<String> {
    LocalStorage::raw()
        .get_item(key)
        .ok()
        .flatten()
        .filter(|value| !value.is_empty())
}

pub fn access() -> Option<String> {
    read(ACCESS_KEY)
}

pub fn refresh() -> Option<String> {
    read(REFRESH_KEY)
}

/// Whether this browser holds a session (it may still turn out to be ended).
pub fn present() -> bool {
    refresh().is_some()
}

pub fn store(pair: &TokenPair) {
    let storage = LocalStorage::raw();
    let _ = storage.set_item(ACCESS_KEY, &pair.access);
    let _ = storage.set_item(REFRESH_KEY, &pair.refresh);
}

pub fn clear() {
    let storage = LocalStorage::raw();
    let _ = storage.remove_item(ACCESS_KEY);
    let _ = storage.remove_item(REFRESH_KEY);
}

/// The `iat` and `exp` claims of a JWT, read without verifying it: only used to schedule a
/// refresh (the server decides whether the token is valid).
pub fn lifetime(token: &str) -> Option<(i64, i64)> {
    /// The two claims wanted; serde skips the others.
    #[derive(Deserialize)]
    struct Times {
        iat: i64,
        exp: i64,
    }
    let payload = token.split('.').nth(1)?;
    let json = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    // `from_str`, as gloo-net reads answers: one JSON reader in the wasm rather than two.
    let times: Times = serde_json::from_str(&json).ok()?;
    Some((times.iat, times.exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_and_expiry_times_are_read_from_the_payload() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"iat":100,"exp":160,"sub":"7"}"#);
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.signature");
        assert_eq!(lifetime(&token), Some((100, 160)));
        assert_eq!(lifetime("not a token"), None);
    }
}
