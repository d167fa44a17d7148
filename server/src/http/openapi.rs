//! The OpenAPI 3 description of the HTTP API, served at `/api/openapi.json` (by
//! `routes::openapi_json`): the document's own parts, and the answers several operations share. The
//! operations come from the handlers' `#[utoipa::path]` attributes: every route is registered
//! through `utoipa_axum`'s `routes!`, so the router and the description are built from one list.
//!
//! Every status an operation can answer is described with its body (the types of
//! `error::bodies`): each handler lists its own answers and the shared ones below (`JsonBody`,
//! `BearerRefused`, `TokenRefused`, `SignInRefused`, `Throttled`, `Unavailable`); the answers
//! of the middleware around every route (431, 500) are added to every operation here.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, Ref, RefOr};
use utoipa::{Modify, OpenApi as _, ToResponse};

use super::error::{
    AuthError, BadRequestBody, Detail, ForbiddenError, MfaRequiredError, SignInForbidden,
    ThrottledError, UnavailableError, ValidationErrors,
};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Gatehouse",
        description = "JWT authentication: sign-in (with an optional second factor: TOTP and \
                       recovery codes), rotating refresh tokens with reuse detection, \
                       revocation, sessions. Errors use Django REST framework's shapes \
                       (`{\"detail\", \"code\"}` or field lists). Every path also answers \
                       with a trailing slash. Request bodies are JSON objects \
                       (`Content-Type: application/json`, at most 16 KiB); anything else is \
                       refused (400, 413 or 415)."
    ),
    components(
        schemas(
            AuthError,
            BadRequestBody,
            Detail,
            ForbiddenError,
            MfaRequiredError,
            SignInForbidden,
            ThrottledError,
            UnavailableError,
            ValidationErrors
        ),
        responses(HeaderTooLarge, InternalError)
    ),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |format: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format(format)
                    .build(),
            )
        };
        components.add_security_scheme("bearer", bearer("JWT"));
        components.add_security_scheme("metrics_token", bearer("METRICS_TOKEN"));
        components
            .add_security_scheme("revocation_stream_token", bearer("REVOCATION_STREAM_TOKEN"));
    }
}

/// The whole description from its operations: those under `/api` and the operational routes
/// beside it, each with the answers every route can give.
pub fn document(api: OpenApi, operations: OpenApi) -> OpenApi {
    let mut document = ApiDoc::openapi().nest("/api", api).merge_from(operations);
    for item in document.paths.paths.values_mut() {
        operations_of(item).for_each(add_middleware_answers);
    }
    document
}

/// The operations of one path, whatever their methods.
pub fn operations_of(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

/// What the middleware in front of every handler may answer instead of it.
fn add_middleware_answers(operation: &mut Operation) {
    for (status, name) in [
        ("431", HeaderTooLarge::response().0),
        ("500", InternalError::response().0),
    ] {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    }
}

pub use answers::{
    BearerRefused, HeaderTooLarge, InternalError, JsonBody, NotStaff, SignInRefused, Throttled,
    TokenRefused, Unavailable,
};

/// The shared answers: types that only describe a status, its headers and its body for the
/// document, so none of them is ever built as a value.
mod answers {
    #![allow(
        dead_code,
        reason = "descriptions for the document, never built as values"
    )]

    use utoipa::ToResponse;

    use crate::http::error::{
        AuthError, BadRequestBody, Detail, PermissionDeniedError, SignInForbidden, ThrottledError,
        UnavailableError,
    };

    /// 431 from any route: the `Authorization` header is over 8 KiB.
    #[derive(ToResponse)]
    #[response(description = "The `Authorization` header is over 8 KiB")]
    pub struct HeaderTooLarge(Detail);

    /// 500 from any route: logged on the server; the body says nothing more.
    #[derive(ToResponse)]
    #[response(description = "Server error (logged; the body gives no detail)")]
    pub struct InternalError(Detail);

    /// What an operation that reads a JSON body answers to one it cannot read, besides its own
    /// 400 (whose body is `BadRequestBody`).
    #[derive(utoipa::IntoResponses)]
    pub enum JsonBody {
        #[response(status = 413, description = "The body is over 16 KiB")]
        TooLarge(Detail),
        #[response(
            status = 415,
            description = "The body is not JSON: `Content-Type` must be `application/json`"
        )]
        NotJson(Detail),
    }

    /// The 401 of an operation behind `Authorization: Bearer <access>`.
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 401,
        description = "No, an invalid, an expired or a revoked access token \
                       (`not_authenticated`, `token_not_valid`, `token_expired`, \
                       `session_revoked`, `session_expired`, `user_not_found`)",
        headers(
            ("WWW-Authenticate" = String, description = "`Bearer`, with `error=\"invalid_token\"` when a token was sent (RFC 6750)")
        )
    )]
    pub struct BearerRefused(AuthError);

    /// The 401 of an operation that takes a token in its body (refresh, verify, logout).
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 401,
        description = "The token is invalid, expired, not its session's live one or its session \
                       ended (`token_not_valid`, `token_expired`, `token_reused` (which ends the \
                       session), `session_revoked`, `session_expired`, `user_not_found`)",
        headers(
            ("WWW-Authenticate" = String, description = "`Bearer error=\"invalid_token\"` (RFC 6750)")
        )
    )]
    pub struct TokenRefused(AuthError);

    /// The 403 of every `/api/admin/` operation.
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 403,
        description = "The caller is not active staff (read from the database on every \
                       request): `permission_denied`"
    )]
    pub struct NotStaff(PermissionDeniedError);

    /// The 429 of every rate-limited endpoint.
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 429,
        description = "Rate limit reached: `throttled`",
        headers(("Retry-After" = u64, description = "Seconds until the budget allows another request"))
    )]
    pub struct Throttled(ThrottledError);

    /// The 503 of every operation that needs the database.
    #[derive(utoipa::IntoResponses)]
    #[response(
        status = 503,
        description = "The database cannot be reached right now: `service_unavailable`",
        headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))
    )]
    pub struct Unavailable(UnavailableError);

    /// How a sign-in is refused (`/login`, `/auth/login`, `/token`).
    #[derive(utoipa::IntoResponses)]
    pub enum SignInRefused {
        #[response(
            status = 400,
            description = "A field is missing or blank, or the body is not a JSON object"
        )]
        MissingField(BadRequestBody),
        #[response(
            status = 401,
            description = "Wrong email or password: `authentication_failed`, the same for both",
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))
        )]
        BadCredentials(AuthError),
        #[response(
            status = 403,
            description = "Right email and password, but no tokens: with \
                           `EMAIL_VERIFICATION=mandatory` and the address not verified yet, \
                           `email_not_verified` (checked first); for an account with a second \
                           factor, `mfa_required` with the `mfa_token` to finish the sign-in \
                           with at `/login/mfa`"
        )]
        Forbidden(SignInForbidden),
    }
}
