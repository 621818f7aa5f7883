//! A set of networks given as CIDRs or single addresses (`10.0.0.0/8`, `2001:db8::/32`,
//! `192.0.2.7`), and membership tests that treat an IPv4-mapped IPv6 address
//! (`::ffff:192.0.2.7`, what a dual-stack listener reports) as the IPv4 address it is.

use std::net::IpAddr;

use ipnet::IpNet;

#[derive(Debug, Clone, Default)]
pub struct IpList {
    networks: Vec<IpNet>,
}

impl IpList {
    /// Parses every item; the error names the first one that is neither a CIDR nor an address.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, String> {
        let networks = items
            .iter()
            .map(|item| {
                let item = item.as_ref().trim();
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{item}` is not an IP address or CIDR"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { networks })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.networks.iter().any(|net| net.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cidrs_and_single_addresses_match_their_members_only() {
        let list = IpList::parse(&["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]).unwrap();
        assert!(list.contains(ip("10.200.3.4")));
        assert!(list.contains(ip("192.0.2.7")));
        assert!(!list.contains(ip("192.0.2.8")));
        assert!(list.contains(ip("2001:db8::1")));
        assert!(!list.contains(ip("2001:db9::1")));
        assert!(!list.contains(ip("11.0.0.1")));
    }

    #[test]
    fn ipv4_mapped_ipv6_addresses_count_as_ipv4() {
        let list = IpList::parse(&["127.0.0.0/8"]).unwrap();
        assert!(list.contains(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn garbage_is_refused_with_its_text() {
        let error = IpList::parse(&["10.0.0.0/8", "ten.0.0.0"]).unwrap_err();
        assert!(error.contains("ten.0.0.0"), "{error}");
        assert!(IpList::parse(&["10.0.0.0/33"]).is_err());
    }
}
