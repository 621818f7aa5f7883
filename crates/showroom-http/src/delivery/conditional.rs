//! Validators of content-addressed objects and the conditional headers that use them.
//!
//! The ETag is strong and derived from the address alone (`"<sha256>-<file>"`): the bytes under
//! an address never change, so every instance, every backend and every restart agree on it
//! without reading the object. `Last-Modified` is the stored object's write time, compared at
//! HTTP-date (one second) precision.

use std::time::SystemTime;

use axum::http::{header, HeaderMap};

/// The strong ETag of one file under one address, with its quotes.
pub fn etag_for(hash: &str, file: &str) -> String {
    format!("\"{hash}-{file}\"")
}

/// `Last-Modified` / HTTP-date form of a time.
pub fn http_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// True when the client's cached copy is current: `If-None-Match` lists our ETag (weak
/// comparison, as RFC 9110 asks for this header) or `*`; without `If-None-Match`, when
/// `If-Modified-Since` is not older than the object.
pub fn not_modified(headers: &HeaderMap, etag: &str, last_modified: SystemTime) -> bool {
    if let Some(value) = header_str(headers, header::IF_NONE_MATCH) {
        return value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag);
    }
    match header_str(headers, header::IF_MODIFIED_SINCE).map(httpdate::parse_http_date) {
        Some(Ok(since)) => whole_seconds(last_modified) <= whole_seconds(since),
        _ => false,
    }
}

/// True when a `Range` may be honoured: there is no `If-Range`, or it names the current
/// representation exactly (strong ETag match, or the exact `Last-Modified` date). Otherwise the
/// client's partial copy is of something else and it must get the whole object.
pub fn range_allowed(headers: &HeaderMap, etag: &str, last_modified: SystemTime) -> bool {
    let Some(value) = header_str(headers, header::IF_RANGE).map(str::trim) else {
        return true;
    };
    if value.starts_with('"') || value.starts_with("W/") {
        return value == etag;
    }
    httpdate::parse_http_date(value)
        .is_ok_and(|date| whole_seconds(date) == whole_seconds(last_modified))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn whole_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::time::Duration;

    fn with(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    const ETAG: &str = "\"abc-model.glb\"";

    fn written() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250)
    }

    #[test]
    fn if_none_match_matches_listed_weak_or_star_tags() {
        assert!(not_modified(
            &with(header::IF_NONE_MATCH, ETAG),
            ETAG,
            written()
        ));
        let listed = format!("\"other\", W/{ETAG}");
        assert!(not_modified(
            &with(header::IF_NONE_MATCH, &listed),
            ETAG,
            written()
        ));
        assert!(not_modified(
            &with(header::IF_NONE_MATCH, "*"),
            ETAG,
            written()
        ));
        assert!(!not_modified(
            &with(header::IF_NONE_MATCH, "\"x\""),
            ETAG,
            written()
        ));
    }

    #[test]
    fn if_modified_since_compares_whole_seconds() {
        let same = http_date(written());
        assert!(not_modified(
            &with(header::IF_MODIFIED_SINCE, &same),
            ETAG,
            written()
        ));
        let earlier = http_date(written() - Duration::from_secs(10));
        assert!(!not_modified(
            &with(header::IF_MODIFIED_SINCE, &earlier),
            ETAG,
            written()
        ));
    }

    #[test]
    fn if_range_needs_the_strong_etag_or_the_exact_date() {
        assert!(range_allowed(&HeaderMap::new(), ETAG, written()));
        assert!(range_allowed(
            &with(header::IF_RANGE, ETAG),
            ETAG,
            written()
        ));
        let weak = format!("W/{ETAG}");
        assert!(!range_allowed(
            &with(header::IF_RANGE, &weak),
            ETAG,
            written()
        ));
        assert!(!range_allowed(
            &with(header::IF_RANGE, "\"old\""),
            ETAG,
            written()
        ));
        let date = http_date(written());
        assert!(range_allowed(
            &with(header::IF_RANGE, &date),
            ETAG,
            written()
        ));
        let old = http_date(written() - Duration::from_secs(60));
        assert!(!range_allowed(
            &with(header::IF_RANGE, &old),
            ETAG,
            written()
        ));
    }
}
