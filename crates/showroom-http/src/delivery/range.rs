//! The `Range` header of a GET, resolved against an object's size (RFC 9110 §14).
//!
//! Guarantees: a [`Requested::Partial`] range is never empty and always lies inside the object,
//! so it can go straight to storage and into `Content-Range`. Only one range is served: a
//! request for several (`bytes=0-9,20-29`) gets the whole object with 200, which RFC 9110
//! allows and which every client handles, instead of a `multipart/byteranges` body that CDNs
//! and model viewers rarely need. A header that does not parse, or names another unit, is
//! ignored (200), as the RFC asks.

use std::ops::Range;

/// What to send for a request's `Range` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// The whole object, 200.
    Full,
    /// These bytes, 206 with `Content-Range: bytes start-(end-1)/size`.
    Partial(Range<u64>),
    /// No byte can satisfy the range: 416 with `Content-Range: bytes */size`.
    Unsatisfiable,
}

/// Resolves the `Range` header value (`None` when absent) for an object of `size` bytes.
pub fn resolve(header: Option<&str>, size: u64) -> Requested {
    let Some(header) = header else {
        return Requested::Full;
    };
    let Some(specs) = strip_unit(header.trim()) else {
        return Requested::Full;
    };
    let mut parts = specs.split(',').map(str::trim).filter(|s| !s.is_empty());
    let (Some(only), None) = (parts.next(), parts.next()) else {
        return Requested::Full;
    };
    match parse_spec(only) {
        Some(spec) => spec.against(size),
        None => Requested::Full,
    }
}

/// `Content-Range` of a partial response.
pub fn content_range(range: &Range<u64>, size: u64) -> String {
    format!("bytes {}-{}/{size}", range.start, range.end - 1)
}

/// `Content-Range` of a 416.
pub fn unsatisfied_range(size: u64) -> String {
    format!("bytes */{size}")
}

fn strip_unit(header: &str) -> Option<&str> {
    let (unit, specs) = header.split_once('=')?;
    unit.trim().eq_ignore_ascii_case("bytes").then_some(specs)
}

enum Spec {
    /// `first-last` or `first-` (`last` is `None`).
    From { first: u64, last: Option<u64> },
    /// `-length`: the last `length` bytes.
    Suffix(u64),
}

fn parse_spec(spec: &str) -> Option<Spec> {
    let (first, last) = spec.split_once('-')?;
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if first.trim().is_empty() {
        return number(last).map(Spec::Suffix);
    }
    let first = number(first)?;
    if last.trim().is_empty() {
        return Some(Spec::From { first, last: None });
    }
    let last = number(last)?;
    // `last < first` is a syntax error: the header is ignored rather than refused.
    (last >= first).then_some(Spec::From {
        first,
        last: Some(last),
    })
}

impl Spec {
    fn against(self, size: u64) -> Requested {
        match self {
            Spec::From { first, .. } if first >= size => Requested::Unsatisfiable,
            Spec::From { first, last } => {
                let end = last.map_or(size, |last| last.saturating_add(1).min(size));
                Requested::Partial(first..end)
            }
            Spec::Suffix(0) => Requested::Unsatisfiable,
            Spec::Suffix(_) if size == 0 => Requested::Unsatisfiable,
            Spec::Suffix(length) => Requested::Partial(size.saturating_sub(length)..size),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{resolve, Requested::*};

    #[test]
    fn first_last_open_and_suffix_ranges_resolve_inside_the_object() {
        assert_eq!(resolve(Some("bytes=0-99"), 1000), Partial(0..100));
        assert_eq!(resolve(Some("bytes=100-"), 1000), Partial(100..1000));
        assert_eq!(resolve(Some("bytes=-500"), 1000), Partial(500..1000));
        assert_eq!(resolve(Some("bytes=990-2000"), 1000), Partial(990..1000));
        assert_eq!(resolve(Some("bytes=-5000"), 1000), Partial(0..1000));
        assert_eq!(resolve(Some("BYTES = 5-5"), 1000), Partial(5..6));
    }

    #[test]
    fn ranges_past_the_end_or_empty_suffixes_are_unsatisfiable() {
        assert_eq!(resolve(Some("bytes=1000-"), 1000), Unsatisfiable);
        assert_eq!(resolve(Some("bytes=5000-6000"), 1000), Unsatisfiable);
        assert_eq!(resolve(Some("bytes=-0"), 1000), Unsatisfiable);
        assert_eq!(resolve(Some("bytes=0-0"), 0), Unsatisfiable);
    }

    #[test]
    fn several_ranges_malformed_headers_and_other_units_get_the_whole_object() {
        for header in [
            "bytes=0-9,20-29",
            "bytes=9-0",
            "bytes=a-b",
            "bytes=",
            "items=0-9",
            "bytes=--5",
            "bytes=+1-2",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(resolve(Some(header), 1000), Full, "{header}");
        }
        assert_eq!(resolve(None, 1000), Full);
    }
}
