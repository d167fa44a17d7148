//! A small service protected by Gatehouse: `GET /me` answers the verified claims, anything
//! without a valid access token of a live session gets Gatehouse's 401.
//!
//! `GATEHOUSE_URL=http://127.0.0.1:3000 REVOCATION_STREAM_TOKEN=... cargo run -p verifier
//! --example protected_service` serves on 127.0.0.1:4000 (`SERVICE_ADDR`).

use axum::routing::get;
use axum::{Json, Router};
use verifier::{Claims, VerifiedClaims, Verifier};

/// The service: the `Verifier` is the state `VerifiedClaims` reads.
pub fn app(verifier: Verifier) -> Router {
    Router::new().route("/me", get(me)).with_state(verifier)
}

/// Whoever the token says, once the verifier has accepted it.
async fn me(VerifiedClaims(claims): VerifiedClaims) -> Json<Claims> {
    Json(claims)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = std::env::var("GATEHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into());
    let mut builder = Verifier::builder(issuer.as_str());
    if let Ok(token) = std::env::var("REVOCATION_STREAM_TOKEN") {
        builder = builder.revocation_stream(format!("{issuer}/api/revocations/stream"), token);
    }
    if let Ok(audience) = std::env::var("JWT_AUDIENCE") {
        builder = builder.audience(audience);
    }
    let verifier = builder.build().await?;
    let address = std::env::var("SERVICE_ADDR").unwrap_or_else(|_| "127.0.0.1:4000".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("listening on http://{address}/me");
    axum::serve(listener, app(verifier)).await?;
    Ok(())
}
