//! URL slugs: lowercase ASCII letters and digits in words joined by single hyphens, 1–96 chars.
//! A `Slug` is always safe to place in a URL path without escaping.

use serde::{Deserialize, Serialize};

use crate::DomainError;

const MAX_LEN: usize = 96;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.is_empty() || raw.len() > MAX_LEN {
            return Err(DomainError::new(format!(
                "a slug has 1 to {MAX_LEN} characters"
            )));
        }
        let well_formed = raw.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !well_formed {
            return Err(DomainError::new(
                "a slug is lowercase letters and digits in words joined by single hyphens, like `oak-lounge-chair`",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Builds a slug from any title: lowercases, maps other characters to hyphens, trims.
    /// Returns an error when nothing usable is left (a title of only symbols).
    pub fn from_title(title: &str) -> Result<Self, DomainError> {
        let mut out = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(MAX_LEN).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(Slug);
display_as_str!(Slug);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_hyphenated_words_and_refuses_the_rest() {
        assert!(Slug::parse("oak-lounge-chair-2").is_ok());
        for bad in [
            "",
            "Oak",
            "oak--chair",
            "-oak",
            "oak-",
            "oak chair",
            "eiché",
            "../etc",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn from_title_makes_a_valid_slug() {
        assert_eq!(
            Slug::from_title("Oak Lounge Chair (2nd ed.)")
                .unwrap()
                .as_str(),
            "oak-lounge-chair-2nd-ed"
        );
        assert!(Slug::from_title("!!!").is_err());
    }

    proptest! {
        #[test]
        fn every_parsed_slug_round_trips_and_is_url_safe(raw in "\\PC{0,120}") {
            if let Ok(slug) = Slug::parse(&raw) {
                prop_assert_eq!(slug.as_str(), raw.as_str());
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            }
        }

        #[test]
        fn from_title_never_panics_and_yields_parseable_slugs(title in "\\PC{0,200}") {
            if let Ok(slug) = Slug::from_title(&title) {
                prop_assert!(Slug::parse(slug.as_str()).is_ok());
            }
        }
    }
}
