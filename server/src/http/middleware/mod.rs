//! Middleware every answer passes through: request size limits, the security headers, CORS
//! and the request-latency metrics.

pub mod cors;
pub mod limits;
pub mod request_metrics;
pub mod security_headers;
