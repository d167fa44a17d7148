//! The OpenAPI 3 description of the HTTP API, served at `/api/openapi.json` (by
//! `routes::docs`): the document's own parts, and the answers several operations share. The
//! operations come from the handlers' `#[utoipa::path]` attributes: every route is registered
//! through `utoipa_axum`'s `routes!`, so the router and the description are built from one list.

use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi as _};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Gatehouse",
        description = "JWT authentication: sign-in, rotating refresh tokens with reuse detection, \
                       revocation, sessions. Errors use Django REST framework's shapes \
                       (`{\"detail\", \"code\"}` or field lists). Every path also answers \
                       with a trailing slash."
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
    }
}

/// The whole description from its operations: those under `/api` and the operational routes
/// beside it.
pub fn document(api: OpenApi, operations: OpenApi) -> OpenApi {
    ApiDoc::openapi().nest("/api", api).merge_from(operations)
}

/// The 429 of every rate-limited endpoint.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 429,
    description = "Rate limit reached: `throttled`, with Retry-After"
)]
pub struct Throttled;

/// How a sign-in is refused (`/login`, `/auth/login`, `/token`).
#[derive(utoipa::IntoResponses)]
#[allow(
    dead_code,
    reason = "a description of answers for the document, never built as a value"
)]
pub enum SignInRefused {
    #[response(status = 400, description = "A field is missing")]
    MissingField,
    #[response(
        status = 401,
        description = "Wrong email or password: `authentication_failed`, the same for both"
    )]
    BadCredentials,
}
