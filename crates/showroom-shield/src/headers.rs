//! Security headers on every response that passes through the shield, refusals included.
//!
//! A header a handler already set is kept (a route may need a looser CSP, say); the others are
//! added. `Strict-Transport-Security` is sent only on HTTPS responses: on plain HTTP it means
//! nothing to a browser, and a development server on `http://localhost` must stay reachable.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    always: Vec<(HeaderName, HeaderValue)>,
    hsts: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// Fails with the name of the setting whose value is not a valid header value.
    pub fn new(
        csp: &str,
        permissions_policy: &str,
        hsts_max_age_secs: u64,
    ) -> Result<Self, &'static str> {
        let csp = HeaderValue::from_str(csp).map_err(|_| "content_security_policy")?;
        let permissions =
            HeaderValue::from_str(permissions_policy).map_err(|_| "permissions_policy")?;
        let mut always = vec![
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ];
        if !csp.is_empty() {
            always.push((header::CONTENT_SECURITY_POLICY, csp));
        }
        if !permissions.is_empty() {
            always.push((HeaderName::from_static("permissions-policy"), permissions));
        }
        let hsts = (hsts_max_age_secs > 0).then(|| {
            HeaderValue::from_str(&format!("max-age={hsts_max_age_secs}; includeSubDomains"))
                .expect("digits and ASCII are a valid header value")
        });
        Ok(Self { always, hsts })
    }

    pub fn apply(&self, headers: &mut HeaderMap, https: bool) {
        for (name, value) in &self.always {
            headers.entry(name).or_insert_with(|| value.clone());
        }
        if let (true, Some(hsts)) = (https, &self.hsts) {
            headers
                .entry(header::STRICT_TRANSPORT_SECURITY)
                .or_insert_with(|| hsts.clone());
        }
    }
}

/// `csp` with `origin` (a CDN serving the assets) added to the directives that load images,
/// models and media; a directive that is missing is added with `'self'` and the origin.
pub fn csp_with_asset_origin(csp: &str, origin: &str) -> String {
    let mut directives: Vec<String> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    for name in ["img-src", "connect-src", "media-src"] {
        match directives
            .iter_mut()
            .find(|d| d.split_whitespace().next() == Some(name))
        {
            Some(directive) => {
                if !directive.split_whitespace().any(|source| source == origin) {
                    directive.push(' ');
                    directive.push_str(origin);
                }
            }
            None => directives.push(format!("{name} 'self' {origin}")),
        }
    }
    directives.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> SecurityHeaders {
        SecurityHeaders::new("default-src 'self'", "camera=()", 600).unwrap()
    }

    #[test]
    fn every_response_gets_the_headers_and_hsts_only_over_https() {
        let mut plain = HeaderMap::new();
        headers().apply(&mut plain, false);
        assert_eq!(plain["x-content-type-options"], "nosniff");
        assert_eq!(plain["x-frame-options"], "DENY");
        assert_eq!(plain["referrer-policy"], "strict-origin-when-cross-origin");
        assert_eq!(plain["content-security-policy"], "default-src 'self'");
        assert_eq!(plain["permissions-policy"], "camera=()");
        assert!(!plain.contains_key("strict-transport-security"));

        let mut secure = HeaderMap::new();
        headers().apply(&mut secure, true);
        assert_eq!(
            secure["strict-transport-security"],
            "max-age=600; includeSubDomains"
        );
    }

    #[test]
    fn a_header_set_by_the_handler_is_kept() {
        let mut map = HeaderMap::new();
        map.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src *"),
        );
        headers().apply(&mut map, false);
        assert_eq!(map["content-security-policy"], "default-src *");
    }

    #[test]
    fn an_asset_origin_is_allowed_for_images_models_and_media() {
        let csp = csp_with_asset_origin(
            "default-src 'self'; img-src 'self' data:",
            "https://cdn.example.com",
        );
        assert_eq!(
            csp,
            "default-src 'self'; img-src 'self' data: https://cdn.example.com; \
             connect-src 'self' https://cdn.example.com; media-src 'self' https://cdn.example.com"
        );
    }

    #[test]
    fn a_value_with_a_newline_is_refused_by_setting() {
        assert_eq!(
            SecurityHeaders::new("a\nb", "", 0).unwrap_err(),
            "content_security_policy"
        );
    }
}
