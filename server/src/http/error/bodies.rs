//! The bodies of the API's error answers, and the `code` values each may carry. The server
//! serializes exactly these types and the OpenAPI document describes them (`http::openapi`),
//! so the two cannot drift apart.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};

use crate::auth::{AuthFailure, FieldErrors, mfa_challenge};

/// `{"detail": "..."}`: a message for people; as an error, one that concerns no field (a body
/// that is not a JSON object, 404, 405, 413, 415, 431, 500).
#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    pub detail: Cow<'static, str>,
}

/// `{"field": ["message", ...]}`: DRF's validation errors, one list of messages per field
/// (`non_field_errors` for the whole form).
#[derive(Debug, Serialize, ToSchema)]
#[schema(value_type = BTreeMap<String, Vec<String>>)]
pub struct ValidationErrors(pub(super) FieldErrors);

/// A 400: field errors, or a `detail` when the body could not be read as the JSON object
/// the operation takes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BadRequestBody {
    Fields(ValidationErrors),
    Detail(Detail),
}

/// A 401 (with `WWW-Authenticate`): simplejwt's `{"detail", "code"}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthError {
    pub detail: &'static str,
    /// Why, precisely.
    #[schema(schema_with = auth_codes)]
    pub code: &'static str,
}

/// A 403: the sign-in was right, but the address is not verified yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForbiddenError {
    pub detail: &'static str,
    #[schema(schema_with = email_not_verified_code)]
    pub code: &'static str,
}

/// A 403: the password was right, but the account has a second factor. No tokens: finish the
/// sign-in at `POST /api/login/mfa/` with `mfa_token` and a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct MfaRequiredError {
    pub detail: &'static str,
    #[schema(schema_with = mfa_required_code)]
    pub code: &'static str,
    /// Opaque; finishes this sign-in within `MFA_TOKEN_LIFETIME` (5 minutes), once, and dies
    /// after five wrong codes.
    pub mfa_token: String,
    /// What the second step accepts: `totp` (a code from the authenticator app, as `code`)
    /// and `recovery_code`.
    #[schema(schema_with = mfa_methods)]
    pub methods: &'static [&'static str],
}

/// The 403 of a sign-in: the address is not verified, or a second factor is required.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SignInForbidden {
    NotVerified(ForbiddenError),
    MfaRequired(MfaRequiredError),
}

/// A 403 from `/api/admin/`: the caller is not active staff (DRF's `PermissionDenied`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionDeniedError {
    pub detail: &'static str,
    #[schema(schema_with = permission_denied_code)]
    pub code: &'static str,
}

/// A 429 (with `Retry-After`): DRF's throttling answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThrottledError {
    pub detail: String,
    #[schema(schema_with = throttled_code)]
    pub code: &'static str,
}

/// A 503 (with `Retry-After`): the database cannot be reached right now.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnavailableError {
    pub detail: &'static str,
    #[schema(schema_with = unavailable_code)]
    pub code: &'static str,
}

pub(super) const EMAIL_NOT_VERIFIED: &str = "email_not_verified";
pub(super) const MFA_REQUIRED: &str = "mfa_required";
pub(super) const THROTTLED: &str = "throttled";
pub(super) const PERMISSION_DENIED: &str = "permission_denied";
pub(super) const SERVICE_UNAVAILABLE: &str = "service_unavailable";

/// A string that is one of `codes`.
fn codes(codes: impl IntoIterator<Item = &'static str>) -> Object {
    let mut values: Vec<&str> = codes.into_iter().collect();
    values.dedup();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

fn auth_codes() -> Object {
    let mut all: Vec<&'static str> = AuthFailure::ALL.iter().map(|f| f.code()).collect();
    all.sort_unstable();
    codes(all)
}

fn email_not_verified_code() -> Object {
    codes([EMAIL_NOT_VERIFIED])
}

fn mfa_required_code() -> Object {
    codes([MFA_REQUIRED])
}

fn mfa_methods() -> ArrayBuilder {
    ArrayBuilder::new().items(codes(mfa_challenge::METHODS.iter().copied()))
}

fn permission_denied_code() -> Object {
    codes([PERMISSION_DENIED])
}

fn throttled_code() -> Object {
    codes([THROTTLED])
}

fn unavailable_code() -> Object {
    codes([SERVICE_UNAVAILABLE])
}
