//! `GET /.well-known/jwks.json`: the public keys other services verify Gatehouse's tokens with
//! (RFC 7517 §5), the signing key's first. Under HS256 the set is empty: a shared secret is
//! never published (RFC 7517 §9.3).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::keys::Jwk;
use crate::http::state::AppState;

/// How long verifiers and caches may keep the set (RFC 9111 §5.2.2.1). A new signing key shows
/// itself by its tokens' unknown `kid`, on which verifiers refetch; this bounds how long a
/// removed key stays trusted elsewhere.
const MAX_AGE: HeaderValue = HeaderValue::from_static("public, max-age=300");

/// The route, outside `/api`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(jwks))
}

/// A JWK Set (RFC 7517 §5).
#[derive(Serialize, ToSchema)]
pub struct JwkSet {
    keys: Vec<JwkBody>,
}

/// One public key (RFC 7517 §4): `OKP` with `crv` `Ed25519` and `x` (RFC 8037), `EC` with
/// `crv` `P-256`, `x` and `y`, or `RSA` with `n` and `e` (RFC 7518 §6).
#[derive(Serialize, ToSchema)]
struct JwkBody {
    /// `OKP`, `EC` or `RSA`.
    kty: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    #[schema(rename = "use")]
    use_: String,
    /// `EdDSA`, `ES256` or `RS256`: the only algorithm this key verifies.
    alg: String,
    /// The key's RFC 7638 thumbprint, named by the `kid` of the tokens it signed.
    kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<String>,
}

impl From<&Jwk> for JwkBody {
    fn from(jwk: &Jwk) -> Self {
        Self {
            kty: jwk.kty.to_owned(),
            use_: jwk.use_.to_owned(),
            alg: jwk.alg.to_owned(),
            kid: jwk.kid.clone(),
            crv: jwk.crv.map(str::to_owned),
            x: jwk.x.clone(),
            y: jwk.y.clone(),
            n: jwk.n.clone(),
            e: jwk.e.clone(),
        }
    }
}

/// The current and previous public signing keys; `{"keys": []}` under HS256.
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "operations",
    responses(
        (status = 200, description = "The JWK Set: the public keys tokens are verified with",
            body = JwkSet,
            headers(("Cache-Control" = String, description = "`public, max-age=300`"))),
    )
)]
async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    let keys = state
        .auth
        .tokens
        .published_keys()
        .iter()
        .map(JwkBody::from)
        .collect();
    ([(header::CACHE_CONTROL, MAX_AGE)], Json(JwkSet { keys }))
}
