//! Names that USD accepts, made from whatever a glTF file calls things.
//!
//! Guarantees: every prim name returned is a valid ASCII USD identifier
//! (`[A-Za-z_][A-Za-z0-9_]*`, at most [`MAX_NAME_CHARS`] characters), every variant name matches
//! `[A-Za-z0-9_-]+` (USD variant names may also start with a digit and hold `-`, but not spaces or
//! dots), and no two names handed out by one [`Names`] are equal. The same wanted names in the
//! same order always give the same results, so output stays deterministic.

use std::collections::HashSet;

/// Longest name we hand out; glTF names can be arbitrarily long.
pub const MAX_NAME_CHARS: usize = 64;

/// One namespace (the children of one prim, or the variants of one variant set).
#[derive(Debug, Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A unique prim name for `wanted`, or for `fallback` when nothing of `wanted` survives.
    pub fn prim(&mut self, wanted: Option<&str>, fallback: &str) -> String {
        let mut name = sanitize(wanted.unwrap_or(""), |c| {
            c.is_ascii_alphanumeric() || c == '_'
        });
        if name.is_empty() {
            name = fallback.to_owned();
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, '_');
        }
        self.unique(name)
    }

    /// A unique variant name for `wanted` ("Red leather" becomes `Red_leather`).
    pub fn variant(&mut self, wanted: &str) -> String {
        let name = sanitize(wanted, |c| {
            c.is_ascii_alphanumeric() || c == '_' || c == '-'
        });
        self.unique(if name.is_empty() {
            "variant".to_owned()
        } else {
            name
        })
    }

    /// `name`, or `name_2`, `name_3`, … when it is taken.
    fn unique(&mut self, name: String) -> String {
        let mut candidate = name.clone();
        let mut n = 2u64;
        while self.taken.contains(&candidate) {
            candidate = format!("{name}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

/// Keeps the characters `allowed` accepts, replaces the others with `_`, and trims the result to
/// [`MAX_NAME_CHARS`].
fn sanitize(wanted: &str, allowed: impl Fn(char) -> bool) -> String {
    wanted
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .map(|c| if allowed(c) { c } else { '_' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prim_names_are_identifiers_and_unique() {
        let mut names = Names::default();
        assert_eq!(names.prim(Some("Leather (brown)"), "M"), "Leather__brown_");
        assert_eq!(names.prim(Some("3d"), "M"), "_3d");
        assert_eq!(names.prim(Some(""), "Material"), "Material");
        assert_eq!(names.prim(None, "Material"), "Material_2");
        assert_eq!(names.prim(Some("Ärmel"), "M"), "_rmel");
        assert_eq!(
            names.prim(Some(&"x".repeat(500)), "M").len(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn variant_names_keep_dashes_and_lose_spaces() {
        let mut names = Names::default();
        assert_eq!(names.variant("Red leather"), "Red_leather");
        assert_eq!(names.variant("red-2"), "red-2");
        assert_eq!(names.variant("Red_leather"), "Red_leather_2");
        assert_eq!(names.variant("  "), "variant");
    }
}
