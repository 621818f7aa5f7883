//! The shield's whole configuration, in one place: the `[shield]` section of `showroom.toml`
//! (`SHOWROOM_SHIELD__*` in the environment, `SHOWROOM_SHIELD__RATE_LIMIT__*` for the nested
//! rate-limit table). Every field has a default, so an empty section, or none, is a working
//! shield; the defaults let a browsing shopper, the demo and a benchmark through while stopping
//! the usual scanners and floods. Lists accept a TOML array or a comma-separated string.
//!
//! Values are only parsed here; [`crate::Shield::build`] checks them (CIDRs, methods, rates) and
//! names the setting at fault.

use serde::{Deserialize, Serialize};

/// What a rule does when it matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Refuse the request with a 4xx problem.
    #[default]
    Block,
    /// Let it through, but log and count the match: for trying a rule before enforcing it.
    Log,
}

/// Which header the trusted proxies write the client's address into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For` (and `X-Forwarded-Proto`): what ALB, CloudFront, nginx and HAProxy send.
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=…;proto=…`.
    Forwarded,
}

/// One mode per rule family. Rule ids in logs and metrics name the family (`oversize_url` and
/// `oversize_cookie` are both governed by `oversize`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleModes {
    pub method: Mode,
    pub ip_deny: Mode,
    pub oversize: Mode,
    pub traversal: Mode,
    pub null_byte: Mode,
    pub scanner: Mode,
    pub sqli: Mode,
    pub xss: Mode,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitConfig {
    pub enabled: bool,
    /// Sustained requests per second per client (IP, and session when present), general class.
    pub general_per_sec: f64,
    /// How many requests a client may make at once before the sustained rate applies.
    pub general_burst: u32,
    /// The same for the strict class: writes (POST, PUT, PATCH, DELETE) under `strict_paths`.
    pub strict_per_sec: f64,
    pub strict_burst: u32,
    /// Path prefixes of the strict class: register, login, password change, checkout, uploads —
    /// the API's routes and the pages' forms.
    #[serde(deserialize_with = "crate::list::deserialize")]
    pub strict_paths: Vec<String>,
    /// Name of the session cookie: when a request carries it, the session gets its own bucket
    /// on top of its IP's (a shared office IP is then not one shopper).
    pub session_cookie: String,
    /// Prefix of the rate-limit keys in Redis, so several shops (or test runs) share one Redis.
    pub redis_key_prefix: String,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            general_per_sec: 50.0,
            general_burst: 100,
            strict_per_sec: 0.5,
            strict_burst: 10,
            // The real routes that hash a password, take a payment or store an upload; a test in
            // showroom-http proves each prefix matches a route.
            strict_paths: vec![
                "/api/v1/account/register".into(),
                "/api/v1/account/login".into(),
                "/api/v1/account/password".into(),
                "/api/v1/staff/login".into(),
                "/api/v1/checkout".into(),
                "/api/v1/cart/checkout".into(),
                "/api/v1/admin/assets".into(),
                // The storefront's and back office's forms that do the same.
                "/account/register".into(),
                "/account/login".into(),
                "/account/password".into(),
                "/checkout".into(),
                "/admin/login".into(),
            ],
            session_cookie: "showroom_session".into(),
            redis_key_prefix: "showroom:shield:".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ShieldConfig {
    /// `false` removes the layer entirely (benchmarks, or a WAF in front that does it all).
    pub enabled: bool,
    /// CIDRs (or single addresses) of the proxies and load balancers in front of the shop.
    /// Only their forwarding headers are believed; empty means the TCP peer is the client.
    #[serde(deserialize_with = "crate::list::deserialize")]
    pub trusted_proxies: Vec<String>,
    pub forwarded_header: ForwardedHeader,
    /// Clients that skip the request rules and rate limits (monitoring, the office).
    #[serde(deserialize_with = "crate::list::deserialize")]
    pub allow_ips: Vec<String>,
    /// Clients that are always refused with 403.
    #[serde(deserialize_with = "crate::list::deserialize")]
    pub deny_ips: Vec<String>,
    /// Methods the shop answers at all; anything else is 405 before routing.
    #[serde(deserialize_with = "crate::list::deserialize")]
    pub allowed_methods: Vec<String>,
    /// Requests allowed in flight at once (0: no limit); one more gets 503 + `Retry-After`.
    pub max_in_flight: usize,
    /// Longest path plus query string, in bytes (414 above).
    pub max_url_bytes: usize,
    /// Longest single header, name and value, in bytes (431 above).
    pub max_header_bytes: usize,
    /// Largest total of `Cookie` headers, in bytes (431 above).
    pub max_cookie_bytes: usize,
    /// Most headers in one request (431 above).
    pub max_header_count: usize,
    /// Form bodies up to this size are read and checked for injection; larger ones are left to
    /// the body limits of the routes.
    pub form_inspect_limit_bytes: usize,
    /// Extra path prefixes to refuse as scanner probes, on top of the built-in list.
    #[serde(deserialize_with = "crate::list::deserialize")]
    pub extra_scanner_paths: Vec<String>,
    pub rules: RuleModes,
    pub rate_limit: RateLimitConfig,
    /// Treat every request as HTTPS (TLS ends in front of a proxy that is not trusted, or in the
    /// platform); otherwise HTTPS is known from a trusted proxy's `X-Forwarded-Proto`.
    pub assume_https: bool,
    /// `max-age` of `Strict-Transport-Security`, sent on HTTPS responses only; 0 sends none.
    pub hsts_max_age_secs: u64,
    /// Sent on every response; with `asset_base_url` set, the binary adds that origin to
    /// `img-src`, `connect-src` and `media-src`.
    pub content_security_policy: String,
    pub permissions_policy: String,
}

impl Default for ShieldConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::default(),
            allow_ips: Vec::new(),
            deny_ips: Vec::new(),
            allowed_methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
                .map(str::to_owned)
                .to_vec(),
            max_in_flight: 1024,
            max_url_bytes: 8 * 1024,
            max_header_bytes: 8 * 1024,
            max_cookie_bytes: 8 * 1024,
            max_header_count: 64,
            form_inspect_limit_bytes: 64 * 1024,
            extra_scanner_paths: Vec::new(),
            rules: RuleModes::default(),
            rate_limit: RateLimitConfig::default(),
            assume_https: false,
            hsts_max_age_secs: 31_536_000,
            // Scripts come from the site itself only. Two deliberate additions serve the 3D
            // viewer (model-viewer, vendored and served by us): 'wasm-unsafe-eval' lets its
            // meshopt, Draco and KTX2 decoders compile their WebAssembly (it allows WebAssembly
            // only, not `eval` of JavaScript), and `worker-src blob:` lets three.js run the Draco
            // and KTX2 decoders in workers it builds from blob URLs. Styles may be inline because
            // model-viewer's shadow DOM carries its own <style>; glTF textures arrive as blob:
            // and data: URLs.
            content_security_policy: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
                 worker-src 'self' blob:; object-src 'none'; \
                 base-uri 'self'; frame-ancestors 'none'; form-action 'self'; \
                 style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
                 connect-src 'self' blob: data:"
                .into(),
            permissions_policy: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
                 xr-spatial-tracking=(self)"
                .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_is_the_defaults() {
        let config: ShieldConfig = serde_json::from_str("{}").unwrap();
        assert!(config.enabled);
        assert_eq!(config.rate_limit.general_burst, 100);
        assert_eq!(config.rules.sqli, Mode::Block);
        assert!(config.allowed_methods.iter().any(|m| m == "PATCH"));
    }

    #[test]
    fn modes_and_lists_read_from_strings() {
        let config: ShieldConfig = serde_json::from_str(
            r#"{"rules": {"xss": "log"}, "trusted_proxies": "10.0.0.0/8, ::1",
                "forwarded_header": "forwarded", "rate_limit": {"strict_paths": "/a,/b"}}"#,
        )
        .unwrap();
        assert_eq!(config.rules.xss, Mode::Log);
        assert_eq!(config.trusted_proxies, ["10.0.0.0/8", "::1"]);
        assert_eq!(config.forwarded_header, ForwardedHeader::Forwarded);
        assert_eq!(config.rate_limit.strict_paths, ["/a", "/b"]);
    }
}
