//! Cross-origin access for the browsers of other sites the operator names, and no others.

use anyhow::Context;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::CorsLayer;

/// Exact origins only: a wildcard or `null` origin would let any page read the API's answers.
pub fn layer(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    let origins = origins
        .iter()
        .map(|origin| origin.trim().trim_end_matches('/'))
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            anyhow::ensure!(
                origin.starts_with("https://") || origin.starts_with("http://"),
                "CORS_ALLOWED_ORIGINS: `{origin}` is not an exact origin like https://app.example.com"
            );
            HeaderValue::from_str(origin)
                .with_context(|| format!("CORS_ALLOWED_ORIGINS: `{origin}` is not a valid origin"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if origins.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("x-requested-with"),
            ]),
    ))
}
