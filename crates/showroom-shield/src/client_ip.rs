//! Who is really asking: the client address and whether the request came over HTTPS.
//!
//! Guarantees:
//! - when the TCP peer is not a trusted proxy, forwarding headers are ignored entirely: the peer
//!   is the client and the scheme is what the connection says. A client cannot spoof an address
//!   (or HTTPS) by sending `X-Forwarded-For`, `Forwarded` or `X-Forwarded-Proto` itself;
//! - when the peer is trusted, only the header the proxies are configured to write is read, from
//!   right to left (each proxy appends the address it saw), skipping hops that are trusted
//!   proxies too. The first untrusted hop is the client; entries to its left were written by the
//!   client and are never looked at;
//! - a hop that is not an address (`unknown`, an obfuscated `_node`, garbage) ends the walk: the
//!   last trusted hop is then the best known client, rather than anything further left;
//! - IPv4-mapped IPv6 addresses are reported as IPv4.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;

use crate::config::ForwardedHeader;
use crate::ip_list::IpList;

/// The client address the shield settled on, put into every request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The outcome of [`resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub client: IpAddr,
    /// `https` according to a trusted proxy.
    pub forwarded_https: bool,
}

/// How to read forwarding headers: from whom, and which header.
#[derive(Debug, Clone)]
pub struct ProxyTrust {
    pub proxies: IpList,
    pub header: ForwardedHeader,
}

impl ProxyTrust {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.proxies.contains(ip)
    }
}

/// Resolves the client of a request that arrived from `peer`.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trust: &ProxyTrust) -> Origin {
    let peer = peer.to_canonical();
    if !trust.trusts(peer) {
        return Origin {
            client: peer,
            forwarded_https: false,
        };
    }
    let (hops, proto) = match trust.header {
        ForwardedHeader::XForwardedFor => (x_forwarded_for(headers), x_forwarded_proto(headers)),
        ForwardedHeader::Forwarded => forwarded(headers),
    };
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if trust.trusts(ip) => client = ip,
            Some(ip) => {
                client = ip;
                break;
            }
            None => break,
        }
    }
    Origin {
        client,
        forwarded_https: proto.is_some_and(|p| p.eq_ignore_ascii_case("https")),
    }
}

/// Every `X-Forwarded-For` entry, in order, across repeated headers.
fn x_forwarded_for(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| {
            let text = value.to_str().unwrap_or("garbage");
            text.split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The scheme the nearest proxy saw: the last `X-Forwarded-Proto` entry.
fn x_forwarded_proto(headers: &HeaderMap) -> Option<String> {
    let last = headers.get_all("x-forwarded-proto").iter().next_back()?;
    let text = last.to_str().ok()?;
    text.rsplit(',').next().map(|s| s.trim().to_owned())
}

/// The `for=` of every `Forwarded` element in order, and the `proto=` of the last element.
fn forwarded(headers: &HeaderMap) -> (Vec<String>, Option<String>) {
    let mut hops = Vec::new();
    let mut proto = None;
    for value in headers.get_all(http::header::FORWARDED) {
        let Ok(text) = value.to_str() else {
            hops.push("garbage".to_owned());
            continue;
        };
        for element in text.split(',') {
            let mut hop = None;
            proto = None;
            for pair in element.split(';') {
                let Some((name, value)) = pair.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"').to_owned();
                match name.trim().to_ascii_lowercase().as_str() {
                    "for" => hop = Some(value),
                    "proto" => proto = Some(value),
                    _ => {}
                }
            }
            // An element without `for=` still is a hop whose client is unknown.
            hops.push(hop.unwrap_or_default());
        }
    }
    (hops, proto)
}

/// An address out of one hop: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:80`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = hop.parse::<SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    let bracketed = hop.strip_prefix('[')?.split(']').next()?;
    bracketed.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_headers::header_map;

    fn trust(proxies: &[&str], header: ForwardedHeader) -> ProxyTrust {
        ProxyTrust {
            proxies: IpList::parse(proxies).unwrap(),
            header,
        }
    }

    fn client(peer: &str, trust: &ProxyTrust, pairs: &[(&str, &str)]) -> String {
        resolve(peer.parse().unwrap(), &header_map(pairs), trust)
            .client
            .to_string()
    }

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;

    /// The client `peer` is taken for when it forwards one `X-Forwarded-For: xff` and the
    /// addresses in `proxies` are trusted.
    fn xff_client(proxies: &[&str], peer: &str, xff: &str) -> String {
        client(peer, &trust(proxies, XFF), &[("x-forwarded-for", xff)])
    }

    #[test]
    fn an_untrusted_peer_cannot_spoof_its_address_or_https() {
        let trust = trust(&["10.0.0.0/8"], XFF);
        let spoof = [
            ("x-forwarded-for", "1.2.3.4"),
            ("forwarded", "for=1.2.3.4;proto=https"),
            ("x-forwarded-proto", "https"),
        ];
        let origin = resolve("203.0.113.9".parse().unwrap(), &header_map(&spoof), &trust);
        assert_eq!(origin.client.to_string(), "203.0.113.9");
        assert!(!origin.forwarded_https);
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let trust = trust(&[], XFF);
        assert_eq!(
            client("127.0.0.1", &trust, &[("x-forwarded-for", "9.9.9.9")]),
            "127.0.0.1"
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_it_saw() {
        assert_eq!(
            xff_client(&["10.0.0.0/8"], "10.1.2.3", "198.51.100.7"),
            "198.51.100.7"
        );
    }

    #[test]
    fn entries_left_of_the_first_untrusted_hop_are_ignored() {
        // The client sent `X-Forwarded-For: 1.1.1.1, 10.9.9.9` itself; the proxy appended the
        // address it really saw. Even the trusted-looking 10.9.9.9 cannot help the spoof.
        let xff = "1.1.1.1, 10.9.9.9, 198.51.100.7";
        assert_eq!(xff_client(&["10.0.0.0/8"], "10.0.0.2", xff), "198.51.100.7");
    }

    #[test]
    fn chains_of_trusted_proxies_are_skipped_across_repeated_headers() {
        let trust = trust(&["10.0.0.0/8", "192.168.0.0/16"], XFF);
        let pairs = [
            ("x-forwarded-for", "203.0.113.5"),
            ("x-forwarded-for", "192.168.1.1, 10.0.0.7"),
        ];
        assert_eq!(client("10.0.0.1", &trust, &pairs), "203.0.113.5");
    }

    #[test]
    fn an_unparsable_hop_stops_at_the_last_trusted_hop() {
        let proxies = ["10.0.0.0/8"];
        assert_eq!(
            xff_client(&proxies, "10.0.0.1", "1.2.3.4, unknown, 10.0.0.9"),
            "10.0.0.9"
        );
        assert_eq!(
            xff_client(&proxies, "10.0.0.1", "1.2.3.4, <script>"),
            "10.0.0.1"
        );
    }

    #[test]
    fn all_trusted_hops_leave_the_leftmost() {
        assert_eq!(
            xff_client(&["10.0.0.0/8"], "10.0.0.1", "10.0.0.3, 10.0.0.2"),
            "10.0.0.3"
        );
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_understood() {
        let trust = trust(&["10.0.0.0/8"], XFF);
        for (hop, expected) in [
            ("198.51.100.7:4711", "198.51.100.7"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
            ("::ffff:198.51.100.7", "198.51.100.7"),
        ] {
            assert_eq!(
                client("10.0.0.1", &trust, &[("x-forwarded-for", hop)]),
                expected
            );
        }
        assert_eq!(
            client("::ffff:10.0.0.1", &trust, &[("x-forwarded-for", "9.9.9.9")]),
            "9.9.9.9"
        );
    }

    #[test]
    fn rfc_7239_forwarded_is_read_when_configured_and_only_then() {
        let fwd = trust(&["10.0.0.0/8"], ForwardedHeader::Forwarded);
        let pairs = [
            (
                "forwarded",
                r#"for=1.1.1.1, for="[2001:db8::7]:80";proto=https"#,
            ),
            ("x-forwarded-for", "5.5.5.5"),
        ];
        let origin = resolve("10.0.0.1".parse().unwrap(), &header_map(&pairs), &fwd);
        assert_eq!(origin.client.to_string(), "2001:db8::7");
        assert!(origin.forwarded_https);
        // A proxy that writes X-Forwarded-For passes a client's own `Forwarded` through: it
        // must not be believed.
        let xff = trust(&["10.0.0.0/8"], XFF);
        assert_eq!(client("10.0.0.1", &xff, &pairs), "5.5.5.5");
    }

    #[test]
    fn forwarded_obfuscated_identifiers_are_not_addresses() {
        let fwd = trust(&["10.0.0.0/8"], ForwardedHeader::Forwarded);
        let pairs = [("forwarded", "for=9.9.9.9, for=_hidden, for=10.0.0.5")];
        assert_eq!(client("10.0.0.1", &fwd, &pairs), "10.0.0.5");
    }

    #[test]
    fn https_comes_from_the_nearest_trusted_proxy() {
        let trust = trust(&["10.0.0.0/8"], XFF);
        let https = |proto: &str| {
            resolve(
                "10.0.0.1".parse().unwrap(),
                &header_map(&[("x-forwarded-proto", proto)]),
                &trust,
            )
            .forwarded_https
        };
        assert!(https("https"));
        assert!(https("http, https"));
        assert!(!https("https, http"));
    }
}
