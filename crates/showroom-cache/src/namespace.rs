//! Namespace names.
//!
//! Both backends build storage keys by joining the namespace, a version and the caller's key
//! with `:`. A namespace is therefore restricted to characters that cannot contain the
//! separator, which guarantees that two different namespaces never produce the same key.

use crate::CacheError;

/// The longest namespace accepted; namespaces are short constants such as `product`.
const MAX_LEN: usize = 64;

/// Accepts `ns` if it is 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
pub(crate) fn check(ns: &str) -> Result<(), CacheError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if (1..=MAX_LEN).contains(&ns.len()) && ns.chars().all(allowed) {
        Ok(())
    } else {
        Err(CacheError::InvalidNamespace {
            namespace: ns.chars().take(MAX_LEN).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn plain_names_are_accepted() {
        for ns in ["product", "products", "product-v2", "a.b_c"] {
            assert!(check(ns).is_ok(), "{ns}");
        }
    }

    #[test]
    fn names_that_could_collide_or_are_empty_are_rejected() {
        for ns in ["", "a:1", "with space", "ümlaut", &"x".repeat(65)] {
            assert!(check(ns).is_err(), "{ns}");
        }
    }
}
