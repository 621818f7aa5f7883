//! Test-only: builds the header maps that the unit tests of several modules feed to the rules.

use http::{HeaderMap, HeaderName, HeaderValue};

/// A header map holding `pairs` in order; a name may repeat, as it may on the wire.
pub(crate) fn header_map<V: AsRef<str>>(pairs: &[(&str, V)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value.as_ref()).unwrap(),
        );
    }
    map
}
