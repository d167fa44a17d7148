//! The WebAuthn relying party passkeys are bound to, resolved from `WEBAUTHN_RP_ORIGIN`
//! (default `PUBLIC_URL`) and `WEBAUTHN_RP_ID` (default the origin's host).

use std::net::IpAddr;

use webauthn_rs::prelude::Url;

use super::Config;
use crate::auth::passkeys::RelyingParty;

/// Why the relying party could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebauthnConfigError {
    #[error("WEBAUTHN_RP_ORIGIN `{0}` is not an origin like https://auth.example.com")]
    Origin(String),
    #[error(
        "passkeys need a domain, not the address `{0}`: set WEBAUTHN_RP_ORIGIN (and \
         WEBAUTHN_RP_ID) to the name users reach the site by"
    )]
    NoDomain(String),
}

impl Config {
    /// The relying party: `WEBAUTHN_RP_ORIGIN`, else `public_url` (the resolved PUBLIC_URL);
    /// `WEBAUTHN_RP_ID`, else the origin's host.
    pub fn relying_party(&self, public_url: &str) -> Result<RelyingParty, WebauthnConfigError> {
        let explicit = self
            .webauthn_rp_origin
            .as_deref()
            .map(str::trim)
            .filter(|origin| !origin.is_empty());
        let origin = resolve_origin(explicit, public_url)?;
        let id = match self.webauthn_rp_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_ascii_lowercase(),
            _ => origin
                .domain()
                .ok_or_else(|| WebauthnConfigError::NoDomain(origin.to_string()))?
                .to_owned(),
        };
        Ok(RelyingParty { id, origin })
    }
}

/// The origin: `explicit` as given, or `public_url` with a loopback address read as
/// `localhost` (so development on http://127.0.0.1:3000 works at http://localhost:3000).
fn resolve_origin(explicit: Option<&str>, public_url: &str) -> Result<Url, WebauthnConfigError> {
    let raw = explicit.unwrap_or(public_url);
    let invalid = || WebauthnConfigError::Origin(raw.to_owned());
    let mut origin = Url::parse(raw).map_err(|_| invalid())?;
    let is_origin = matches!(origin.scheme(), "https" | "http")
        && origin.path() == "/"
        && origin.query().is_none()
        && origin.fragment().is_none()
        && origin.username().is_empty();
    if !is_origin {
        return Err(invalid());
    }
    let loopback = origin
        .host_str()
        .and_then(|host| host.trim_matches(['[', ']']).parse::<IpAddr>().ok())
        .is_some_and(|address| address.is_loopback());
    if loopback && explicit.is_none() {
        origin.set_host(Some("localhost")).map_err(|_| invalid())?;
    }
    if origin.domain().is_none() {
        return Err(WebauthnConfigError::NoDomain(raw.to_owned()));
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_defaults_to_the_public_url_and_the_id_to_its_host() {
        let origin = resolve_origin(None, "https://auth.example.com").unwrap();
        assert_eq!(origin.as_str(), "https://auth.example.com/");
        assert_eq!(origin.domain(), Some("auth.example.com"));
        let local = resolve_origin(None, "http://127.0.0.1:3000").unwrap();
        assert_eq!(local.as_str(), "http://localhost:3000/");
        let explicit = resolve_origin(Some("https://id.example.com:8443"), "http://x").unwrap();
        assert_eq!(explicit.port(), Some(8443));
    }

    #[test]
    fn addresses_and_paths_are_refused() {
        assert!(matches!(
            resolve_origin(None, "https://10.0.0.5"),
            Err(WebauthnConfigError::NoDomain(_))
        ));
        for bad in [
            "auth.example.com",
            "ftp://x.com",
            "https://x.com/app",
            "https://x.com?a",
        ] {
            assert!(
                resolve_origin(Some(bad), "http://localhost").is_err(),
                "{bad}"
            );
        }
    }
}
