//! The `Host` header, as RFC 9112 §3.2 requires of a server: an HTTP/1.1 request without one,
//! any request with two, and any request whose value is not `host[:port]` get a 400 before
//! anything else looks at them. Links, redirects and cookies built from a forged or ambiguous
//! host would otherwise point wherever a client chose.

use axum::extract::Request;
use axum::http::{header, StatusCode, Version};
use axum::middleware::Next;
use axum::response::Response;

use crate::delivery::problem;

pub async fn require_valid_host(request: Request, next: Next) -> Response {
    if let Err(why) = check(&request) {
        return problem(StatusCode::BAD_REQUEST, "invalid_host", why);
    }
    next.run(request).await
}

fn check(request: &Request) -> Result<(), &'static str> {
    let mut values = request.headers().get_all(header::HOST).iter();
    match (values.next(), values.next()) {
        (Some(_), Some(_)) => Err("the request has more than one Host header"),
        (Some(value), None) => match value.to_str() {
            Ok(text) if is_host_and_port(text) => Ok(()),
            _ => Err("the Host header is not a host name or address with an optional port"),
        },
        // HTTP/1.0 predates Host, and HTTP/2 carries the authority in the request line.
        (None, _) if request.version() == Version::HTTP_11 => {
            Err("an HTTP/1.1 request needs a Host header")
        }
        (None, _) => Ok(()),
    }
}

/// `uri-host [ ":" port ]`: a registered name or IPv4 address (letters, digits, `-._~`) or a
/// bracketed IPv6 literal, then an optional port of 1 to 5 digits; never a user name, a path or
/// an empty value.
fn is_host_and_port(text: &str) -> bool {
    let (host_ok, rest) = match text.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((literal, rest)) => (literal.parse::<std::net::Ipv6Addr>().is_ok(), rest),
            None => return false,
        },
        None => {
            let (host, rest) = match text.find(':') {
                Some(colon) => text.split_at(colon),
                None => (text, ""),
            };
            let name_char =
                |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
            (!host.is_empty() && host.chars().all(name_char), rest)
        }
    };
    let port_ok = match rest.strip_prefix(':') {
        None => rest.is_empty(),
        Some(port) => (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit()),
    };
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn request(version: Version, hosts: &[&str]) -> Request {
        let mut builder = axum::http::Request::builder()
            .uri("/healthz")
            .version(version);
        for host in hosts {
            builder = builder.header(header::HOST, *host);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn one_well_formed_host_passes() {
        for host in [
            "shop.example.com",
            "shop.example.com:8443",
            "127.0.0.1:8080",
            "[::1]:8080",
            "localhost",
        ] {
            assert_eq!(check(&request(Version::HTTP_11, &[host])), Ok(()), "{host}");
        }
    }

    #[test]
    fn missing_repeated_or_malformed_hosts_are_refused() {
        assert!(check(&request(Version::HTTP_11, &[])).is_err());
        assert!(check(&request(Version::HTTP_11, &["a.example", "b.example"])).is_err());
        for bad in [
            "",
            "user@shop.example.com",
            "shop.example.com/path",
            "shop example",
            "shop.example.com:port",
            "shop.example.com:",
            "[::1",
            "[::1]x",
            "[not-v6]:80",
            "a.example:80:80",
            "a.example:123456",
        ] {
            assert!(
                check(&request(Version::HTTP_11, &[bad])).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn http_1_0_may_leave_host_out() {
        assert_eq!(check(&request(Version::HTTP_10, &[])), Ok(()));
    }
}
