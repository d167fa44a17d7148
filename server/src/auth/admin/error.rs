//! Why an administration request was refused.

use crate::auth::fields::FieldErrors;

/// Why an administration request was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The caller is not (or no longer) active staff.
    #[error("permission denied")]
    PermissionDenied,
    #[error("no such user")]
    NotFound,
    /// A page past the last (DRF: 404 "Invalid page.").
    #[error("invalid page")]
    InvalidPage,
    /// A change staff may not make (to themselves).
    #[error("invalid change")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}
