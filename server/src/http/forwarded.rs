//! The client's address: the connection's, or, when the connection comes from a proxy listed
//! in `TRUSTED_PROXIES`, the address that proxy reports in `X-Forwarded-For`. Anyone can send
//! that header, so it is believed only from trusted hops (OWASP ASVS 14.5.1 and the rate limits
//! it keys).

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads a comma-separated list of addresses and networks (`10.0.0.1, 10.1.0.0/16`);
    /// empty entries are skipped.
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("`{entry}` is not an IP address or network like 10.0.0.0/8")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client behind `peer`: walking `X-Forwarded-For` from the nearest hop, the first
    /// address that is not a trusted proxy (each proxy appends the address it saw, so only
    /// the entries right of the first untrusted one can be believed).
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(address) => {
                    client = address;
                    if !self.trusts(address) {
                        break;
                    }
                }
                // A hop we cannot read: the last trusted proxy before it is all we know.
                Err(_) => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", forwarded.parse().unwrap());
        headers
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_are_the_client_whatever_they_claim() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let claimed = headers("1.2.3.4");
        assert_eq!(
            proxies.client_address(ip("203.0.113.9"), &claimed),
            ip("203.0.113.9")
        );
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("10.0.0.1"), &claimed),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.1, 10.1.0.0/16").unwrap();
        // The client forged the first entry; the proxies appended the rest.
        let chain = headers("6.6.6.6, 198.51.100.7, 10.1.2.3");
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &chain),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &headers("garbage, 10.1.0.9")),
            ip("10.1.0.9")
        );
    }

    #[test]
    fn lists_must_hold_addresses_or_networks() {
        assert_eq!(
            TrustedProxies::parse(" , ").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("10.0.0.0/8,::1").is_ok());
        assert!(TrustedProxies::parse("proxy.example.com").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }
}
