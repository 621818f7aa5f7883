//! The request rules: what each is called, what it answers, and the order they run in.
//!
//! [`Rules::inspect_head`] looks at the method, the URL and the headers; [`Rules::inspect_form`]
//! at a small form body. Both return every rule that matched, in order, and leave the decision to
//! the caller, which blocks on the first rule in `block` mode and only logs the others. Rules
//! look at decoded text, so an encoding never hides a payload, and plain slug paths without a
//! query skip the expensive checks entirely.

mod injection;
mod scanner;
mod size;
mod traversal;

use http::{header, HeaderMap, Method, StatusCode, Uri};

pub use injection::Signatures;
pub use scanner::ScannerPaths;
pub use size::SizeLimits;

use crate::config::{Mode, RuleModes};
use crate::decode::{decode, is_plain};

/// Every reason the shield refuses or reports a request. The string form is the `rule` label of
/// the metrics and the `rule` field of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    Method,
    IpDeny,
    OversizeUrl,
    OversizeHeader,
    OversizeCookie,
    OversizeHeaderCount,
    Traversal,
    NullByte,
    ScannerPath,
    ScannerTool,
    Sqli,
    Xss,
}

impl RuleId {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Method => "method",
            Self::IpDeny => "ip_deny",
            Self::OversizeUrl => "oversize_url",
            Self::OversizeHeader => "oversize_header",
            Self::OversizeCookie => "oversize_cookie",
            Self::OversizeHeaderCount => "oversize_header_count",
            Self::Traversal => "traversal",
            Self::NullByte => "null_byte",
            Self::ScannerPath => "scanner_path",
            Self::ScannerTool => "scanner_tool",
            Self::Sqli => "sqli",
            Self::Xss => "xss",
        }
    }

    /// The configured mode of the rule's family.
    pub fn mode(self, modes: &RuleModes) -> Mode {
        match self {
            Self::Method => modes.method,
            Self::IpDeny => modes.ip_deny,
            Self::OversizeUrl
            | Self::OversizeHeader
            | Self::OversizeCookie
            | Self::OversizeHeaderCount => modes.oversize,
            Self::Traversal => modes.traversal,
            Self::NullByte => modes.null_byte,
            Self::ScannerPath | Self::ScannerTool => modes.scanner,
            Self::Sqli => modes.sqli,
            Self::Xss => modes.xss,
        }
    }

    /// Status and problem `code` of a block.
    pub fn refusal(self) -> (StatusCode, &'static str) {
        match self {
            Self::Method => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::OversizeUrl => (StatusCode::URI_TOO_LONG, "uri_too_long"),
            Self::OversizeHeader | Self::OversizeCookie | Self::OversizeHeaderCount => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
            ),
            _ => (StatusCode::FORBIDDEN, "request_blocked"),
        }
    }
}

/// One matched rule and what it saw, in words fit for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: RuleId,
    pub detail: String,
}

impl Hit {
    fn new(rule: RuleId, detail: impl Into<String>) -> Self {
        Self {
            rule,
            detail: detail.into(),
        }
    }
}

/// The compiled rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub methods: Vec<Method>,
    pub sizes: SizeLimits,
    pub scanner: ScannerPaths,
    pub signatures: Signatures,
}

impl Rules {
    /// Every rule the request head matches, cheapest first.
    pub fn inspect_head(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Vec<Hit> {
        let mut hits = Vec::new();
        if !self.methods.contains(method) {
            hits.push(Hit::new(
                RuleId::Method,
                format!("the method {method} is not allowed"),
            ));
        }
        if let Some((rule, detail)) = self.sizes.exceeded(uri, headers) {
            hits.push(Hit::new(rule, detail));
        }
        if let Some(agent) = headers.get(header::USER_AGENT) {
            if scanner::is_scanner_agent(&String::from_utf8_lossy(agent.as_bytes())) {
                hits.push(Hit::new(RuleId::ScannerTool, "scanning tools are refused"));
            }
        }
        // `+` is read as a space in paths too: no slug has one, and `oak'+or+'1'='1` must not
        // hide behind it.
        let path = decode(uri.path(), true);
        if self.scanner.is_probe(&path) {
            hits.push(Hit::new(RuleId::ScannerPath, "this path is not served"));
        }
        self.inspect_text(&path, "path", &mut hits);
        if let Some(query) = uri.query() {
            self.inspect_pairs(query, "query string", &mut hits);
        }
        hits
    }

    /// Every rule an `application/x-www-form-urlencoded` body matches.
    pub fn inspect_form(&self, body: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        self.inspect_pairs(&String::from_utf8_lossy(body), "form body", &mut hits);
        hits
    }

    /// Checks each `name=value` of a query string or form body on its own, so a payload is seen
    /// with the `&` and `=` that separate parameters out of the way.
    fn inspect_pairs(&self, encoded: &str, place: &str, hits: &mut Vec<Hit>) {
        for pair in encoded.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            for part in [name, value] {
                self.inspect_text(&decode(part, true), place, hits);
            }
            if hits.len() > 8 {
                return;
            }
        }
    }

    /// Traversal, null bytes and injection signatures in one decoded piece of text. Plain text
    /// (letters, digits, `/-_~`) can only name a system file, so only that is checked for it.
    fn inspect_text(&self, decoded: &str, place: &str, hits: &mut Vec<Hit>) {
        if is_plain(decoded) {
            if traversal::names_system_file(decoded) {
                hits.push(Hit::new(
                    RuleId::Traversal,
                    format!("the {place} names a system file"),
                ));
            }
            return;
        }
        if traversal::walks_up(decoded) || traversal::names_system_file(decoded) {
            hits.push(Hit::new(
                RuleId::Traversal,
                format!("the {place} reaches outside the site"),
            ));
        }
        if decoded.contains('\0') {
            hits.push(Hit::new(
                RuleId::NullByte,
                format!("the {place} contains a null byte"),
            ));
        }
        let findings = self.signatures.scan(decoded);
        if findings.sqli {
            hits.push(Hit::new(
                RuleId::Sqli,
                format!("the {place} looks like SQL injection"),
            ));
        }
        if findings.xss {
            hits.push(Hit::new(
                RuleId::Xss,
                format!("the {place} looks like cross-site scripting"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            methods: vec![Method::GET, Method::POST],
            sizes: SizeLimits {
                max_url_bytes: 2048,
                max_header_bytes: 1024,
                max_cookie_bytes: 1024,
                max_header_count: 20,
            },
            scanner: ScannerPaths::new(&[]),
            signatures: Signatures::new(),
        }
    }

    fn first(method: &str, uri: &str) -> Option<RuleId> {
        rules()
            .inspect_head(
                &method.parse().unwrap(),
                &uri.parse().unwrap(),
                &HeaderMap::new(),
            )
            .first()
            .map(|hit| hit.rule)
    }

    #[test]
    fn each_family_is_found_where_it_hides() {
        let get = |uris: &[&'static str]| uris.iter().map(|uri| ("GET", *uri)).collect::<Vec<_>>();
        for (rule, requests) in [
            (RuleId::Method, vec![("TRACE", "/")]),
            (
                RuleId::Traversal,
                get(&[
                    "/assets/%2e%2e/x",
                    "/x?file=..%2f..%2fetc",
                    "/?include=/etc/passwd",
                    "/proc/self/environ",
                ]),
            ),
            (
                RuleId::NullByte,
                get(&["/products/a%00.glb", "/x?q=a%2500"]),
            ),
            (RuleId::ScannerPath, get(&["/.git/config"])),
            (
                RuleId::Sqli,
                get(&["/p/oak'+or+'1'%3D'1", "/x?q=1'+or+'1'='1"]),
            ),
            (
                RuleId::Xss,
                get(&[
                    "/x?q=%3Csvg+onload%3Dx%3E",
                    "/p/%3Cscript%3E",
                    "/x?%3Cscript%3E=1",
                ]),
            ),
        ] {
            for (method, uri) in requests {
                assert_eq!(first(method, uri), Some(rule), "{method} {uri}");
            }
        }
    }

    #[test]
    fn a_shoppers_requests_match_nothing() {
        for uri in [
            "/",
            "/products/oak-chair",
            "/api/v1/products?q=oak+chair&in_stock=true",
            "/api/v1/products?q=50%25+off&sort=price_asc&limit=5",
            "/api/v1/products?category=furniture&option=Color:Forest%20Green&price_min=100",
            "/api/v1/products?cursor=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "/api/v1/products?q=children%27s+chair",
            "/api/openapi.json",
            "/assets/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08/model.glb",
        ] {
            assert_eq!(first("GET", uri), None, "{uri}");
        }
    }

    #[test]
    fn form_bodies_are_checked_field_by_field() {
        let rules = rules();
        let hits = rules.inspect_form(b"user=admin&password=x%27+or+%271%27%3D%271");
        assert_eq!(hits.first().map(|h| h.rule), Some(RuleId::Sqli));
        assert!(rules
            .inspect_form(b"name=O%27Reilly&comment=it%27s+great")
            .is_empty());
    }

    #[test]
    fn modes_follow_the_family() {
        let modes = RuleModes {
            oversize: Mode::Log,
            ..RuleModes::default()
        };
        assert_eq!(RuleId::OversizeCookie.mode(&modes), Mode::Log);
        assert_eq!(RuleId::Sqli.mode(&modes), Mode::Block);
    }
}
