//! Size limits on the request head: URL length, one header's size, the total of the cookies,
//! and the number of headers. They stop header floods and giant cookies before any parser of
//! ours spends time on them (hyper's own, larger limits stay behind these).

use http::{header, HeaderMap, Uri};

use super::RuleId;

#[derive(Debug, Clone, Copy)]
pub struct SizeLimits {
    pub max_url_bytes: usize,
    pub max_header_bytes: usize,
    pub max_cookie_bytes: usize,
    pub max_header_count: usize,
}

impl SizeLimits {
    /// The first limit the request head exceeds, if any.
    pub fn exceeded(&self, uri: &Uri, headers: &HeaderMap) -> Option<(RuleId, String)> {
        let url_len = uri.path_and_query().map_or(0, |pq| pq.as_str().len());
        above(RuleId::OversizeUrl, url_len, self.max_url_bytes, || {
            format!("the URL is {url_len} bytes")
        })
        .or_else(|| {
            above(
                RuleId::OversizeHeaderCount,
                headers.len(),
                self.max_header_count,
                || format!("the request has {} headers", headers.len()),
            )
        })
        .or_else(|| {
            let cookie_len: usize = headers
                .get_all(header::COOKIE)
                .iter()
                .map(|v| v.len())
                .sum();
            above(
                RuleId::OversizeCookie,
                cookie_len,
                self.max_cookie_bytes,
                || format!("the cookies are {cookie_len} bytes"),
            )
        })
        .or_else(|| {
            headers
                .iter()
                .filter(|(name, _)| **name != header::COOKIE)
                .find_map(|(name, value)| {
                    let len = name.as_str().len() + value.len();
                    above(RuleId::OversizeHeader, len, self.max_header_bytes, || {
                        format!("the `{name}` header is {len} bytes")
                    })
                })
        })
    }
}

/// `rule`, with a message naming what was too large, when `len` is above `max`.
fn above(
    rule: RuleId,
    len: usize,
    max: usize,
    what: impl FnOnce() -> String,
) -> Option<(RuleId, String)> {
    (len > max).then(|| (rule, format!("{}; at most {max} are accepted", what())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_headers::header_map;

    const LIMITS: SizeLimits = SizeLimits {
        max_url_bytes: 100,
        max_header_bytes: 50,
        max_cookie_bytes: 60,
        max_header_count: 3,
    };

    fn check(uri: &str, headers: &[(&str, String)]) -> Option<RuleId> {
        LIMITS
            .exceeded(&uri.parse().unwrap(), &header_map(headers))
            .map(|(rule, _)| rule)
    }

    #[test]
    fn each_limit_trips_only_above_it() {
        assert_eq!(check(&format!("/{}", "a".repeat(99)), &[]), None);
        assert_eq!(
            check(&format!("/{}", "a".repeat(100)), &[]),
            Some(RuleId::OversizeUrl)
        );
        let many: Vec<_> = (0..4).map(|i| ("x-n", i.to_string())).collect();
        assert_eq!(check("/", &many[..3]), None);
        assert_eq!(check("/", &many), Some(RuleId::OversizeHeaderCount));
        assert_eq!(
            check("/", &[("cookie", "a".repeat(61))]),
            Some(RuleId::OversizeCookie)
        );
        assert_eq!(
            check("/", &[("cookie", "a=1".into()), ("cookie", "b".repeat(58))]),
            Some(RuleId::OversizeCookie)
        );
        assert_eq!(check("/", &[("cookie", "a".repeat(60))]), None);
        assert_eq!(
            check("/", &[("x-big", "b".repeat(46))]),
            Some(RuleId::OversizeHeader)
        );
        assert_eq!(check("/", &[("x-big", "b".repeat(45))]), None);
    }
}
