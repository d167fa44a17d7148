//! Why a call of the browser client did not succeed.

use crate::api::ErrorBody;

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The session is over (no tokens, or the refresh was refused): the tokens are cleared
    /// and the user must sign in again.
    SignedOut,
    /// The server answered with an error body (validation errors, wrong credentials, ...).
    Api(ErrorBody),
    /// The server could not be reached; the tokens are kept.
    Network,
}

impl ClientError {
    /// The error as a body a form can show.
    pub fn into_body(self) -> ErrorBody {
        let detail = |text: &str| ErrorBody {
            detail: Some(text.into()),
            ..ErrorBody::default()
        };
        match self {
            Self::Api(body) => body,
            Self::SignedOut => detail("Your session has ended. Please sign in again."),
            Self::Network => {
                detail("Could not reach the server. Check your connection and try again.")
            }
        }
    }
}
