//! Refreshing the access token without racing: one refresh at a time in a tab (requests that
//! failed together share it) and across tabs (a Web Lock: the other tabs wait, then find the
//! new tokens in localStorage); a caller whose token was already replaced just uses the new one.
//! Only the server refusing the refresh token signs the user out; a network error keeps the
//! tokens for a later try.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

use futures::lock::Mutex;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::error::ClientError;
use super::http::{Verb, error_of, json, send};
use super::tokens;
use crate::api::{RefreshRequest, TokenPair};

/// The Web Lock every tab of this origin takes to rotate.
const LOCK_NAME: &str = "gatehouse-token-refresh";

static REFRESHING: LazyLock<Mutex<()>> = LazyLock::new(|| Mutex::new(()));

/// Makes sure the stored access token is newer than `stale`, rotating at most once.
pub async fn refresh_after(stale: &str) -> Result<(), ClientError> {
    let _turn = REFRESHING.lock().await;
    if replaced(stale) {
        return Ok(());
    }
    let stale = stale.to_owned();
    with_cross_tab_lock(async move {
        if replaced(&stale) {
            return Ok(()); // another tab rotated while we waited for the lock
        }
        rotate().await
    })
    .await
}

fn replaced(stale: &str) -> bool {
    tokens::access().is_some_and(|current| current != stale)
}

async fn rotate() -> Result<(), ClientError> {
    let refresh = tokens::refresh().ok_or(ClientError::SignedOut)?;
    let body = RefreshRequest {
        refresh: Some(refresh),
    };
    let body = json(&body)?;
    let response = send(Verb::Post, "/api/token/refresh/", Some(&body), None).await?;
    match response.status() {
        200 => {
            let pair: TokenPair = response.json().await.map_err(|_| ClientError::Network)?;
            tokens::store(&pair);
            Ok(())
        }
        400 | 401 => {
            tokens::clear();
            Err(ClientError::SignedOut)
        }
        _ => Err(error_of(response).await),
    }
}

/// `navigator.locks` and its `request`, where the browser has Web Locks (web-sys keeps them
/// behind an unstable flag, so they are reached through JS reflection).
fn web_locks() -> Option<(JsValue, js_sys::Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into())
        .ok()
        .filter(|locks| locks.is_object())?;
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((locks, request))
}

/// Runs `work` holding the cross-tab lock; without Web Locks, the in-tab lock alone.
async fn with_cross_tab_lock(
    work: impl Future<Output = Result<(), ClientError>> + 'static,
) -> Result<(), ClientError> {
    let Some((locks, request)) = web_locks() else {
        return work.await;
    };
    let outcome = Rc::new(RefCell::new(None));
    let slot = Rc::clone(&outcome);
    let held: Closure<dyn FnMut(JsValue) -> js_sys::Promise> =
        Closure::once(move |_lock: JsValue| {
            // The lock is held until this promise settles.
            wasm_bindgen_futures::future_to_promise(async move {
                *slot.borrow_mut() = Some(work.await);
                Ok(JsValue::UNDEFINED)
            })
        });
    let granted = request
        .call2(
            &locks,
            &JsValue::from_str(LOCK_NAME),
            held.as_ref().unchecked_ref(),
        )
        .map_err(|_| ClientError::Network)?;
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(granted)).await;
    drop(held);
    outcome
        .borrow_mut()
        .take()
        .unwrap_or(Err(ClientError::Network))
}
