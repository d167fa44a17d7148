//! Who is asking, as the rules see it: the address that keys rate limits and the audit trail,
//! and the user agent shown on the sessions list.

use std::net::IpAddr;

/// The client of one request.
#[derive(Debug, Clone)]
pub struct Client {
    pub user_agent: String,
    pub address: IpAddr,
    /// `address` as text, as stored.
    pub ip: String,
}

impl Client {
    /// A client at `address` with `user_agent` (at most 256 characters are kept).
    pub fn new(address: IpAddr, user_agent: &str) -> Self {
        Self {
            user_agent: user_agent.chars().take(256).collect(),
            address,
            ip: address.to_string(),
        }
    }
}
