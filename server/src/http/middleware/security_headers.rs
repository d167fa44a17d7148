//! The response headers that make the browser enforce our rules (OWASP Secure Headers
//! Project). With tokens in localStorage, the Content-Security-Policy is the main defence
//! against token theft by XSS: pages run only their own scripts — the hydration script by a
//! per-response nonce, the wasm by `'wasm-unsafe-eval'` — and never inline or eval'd code.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// Answers that are not pages (the API, static files) may run and frame nothing.
const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Two years, subdomains included (OWASP HTTP Strict Transport Security Cheat Sheet).
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// What the headers depend on: production adds HSTS; development lets the page open the
/// live-reload websocket of `cargo leptos watch`.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    pub production: bool,
}

impl SecurityHeaders {
    /// The policy of an HTML page whose inline scripts carry `nonce`.
    pub fn page_policy(&self, nonce: &str) -> String {
        let reload = if self.production { "" } else { " ws: wss:" };
        format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'{reload}; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
    }
}

/// Leptos context for every rendered page: its Content-Security-Policy names the nonce
/// leptos_axum gave this response's hydration script.
pub fn page_context(headers: Arc<SecurityHeaders>) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        let (Some(nonce), Some(response)) =
            (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
        else {
            return;
        };
        if let Ok(policy) = HeaderValue::from_str(&headers.page_policy(&nonce)) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
}

/// Middleware: the headers every answer carries. No MIME sniffing, no framing (clickjacking),
/// no full URLs leaking to other sites, HTTPS only in production, and a deny-all CSP on
/// whatever is not a page.
pub async fn apply(
    State(policy): State<Arc<SecurityHeaders>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if policy.production {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(NON_PAGE_POLICY),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policies_allow_only_own_and_nonced_scripts() {
        let production = SecurityHeaders { production: true };
        let policy = production.page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(!policy.contains("ws:"), "no websockets in production");
        let development = SecurityHeaders { production: false };
        assert!(
            development
                .page_policy("x")
                .contains("connect-src 'self' ws: wss:")
        );
    }
}
