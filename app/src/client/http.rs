//! Sending requests and reading answers: JSON in and out, DRF error bodies, and network
//! failures kept apart from answers.

use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::ClientError;
use crate::api::ErrorBody;

#[derive(Debug, Clone, Copy)]
pub enum Verb {
    Get,
    Post,
    Patch,
    Delete,
}

/// A request body as JSON. Bodies are serialized before `send`, which is then compiled once
/// rather than once per body type into the wasm.
pub fn json(body: &impl Serialize) -> Result<String, ClientError> {
    serde_json::to_string(body).map_err(|_| ClientError::Network)
}

pub async fn send(
    verb: Verb,
    path: &str,
    body: Option<&str>,
    bearer: Option<&str>,
) -> Result<Response, ClientError> {
    let mut builder = match verb {
        Verb::Get => Request::get(path),
        Verb::Post => Request::post(path),
        Verb::Patch => Request::patch(path),
        Verb::Delete => Request::delete(path),
    };
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(|_| ClientError::Network)?;
    request.send().await.map_err(|_| ClientError::Network)
}

pub async fn error_of(response: Response) -> ClientError {
    let status = response.status();
    let body = response
        .json::<ErrorBody>()
        .await
        .unwrap_or_else(|_| ErrorBody {
            detail: Some(format!(
                "The server answered with an unexpected error ({status})."
            )),
            ..ErrorBody::default()
        });
    ClientError::Api(body)
}

/// The answer's JSON body, or its error.
pub async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        response.json::<T>().await.map_err(|_| ClientError::Network)
    } else {
        Err(error_of(response).await)
    }
}

/// The answer's body as JSON text, for a caller that hands it on as it is, or its error.
pub async fn text(response: Response) -> Result<String, ClientError> {
    if response.ok() {
        response.text().await.map_err(|_| ClientError::Network)
    } else {
        Err(error_of(response).await)
    }
}

/// Success without a body (204, 205), or the error.
pub async fn expect_empty(response: Response) -> Result<(), ClientError> {
    if response.ok() {
        Ok(())
    } else {
        Err(error_of(response).await)
    }
}
