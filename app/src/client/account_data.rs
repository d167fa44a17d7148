//! The user's own data (GDPR Art. 17 and 20): deleting the account, and exporting everything
//! Gatehouse holds about it.

use super::http::{Verb, expect_empty, json, text};
use super::{ClientError, authorized, tokens};
use crate::api::PasswordRequest;

/// Deletes the account for good; on success this tab's tokens are forgotten (the server
/// already refuses them).
pub async fn delete_account(request: &PasswordRequest) -> Result<(), ClientError> {
    let body = json(request)?;
    expect_empty(authorized(Verb::Delete, "/api/user/", Some(&body)).await?).await?;
    tokens::clear();
    Ok(())
}

/// The export as the server wrote it (`AccountExport` JSON): handed to the visitor as a file
/// unchanged, so it is never parsed here.
pub async fn export() -> Result<String, ClientError> {
    text(authorized(Verb::Get, "/api/user/export/", None).await?).await
}
