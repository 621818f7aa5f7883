//! Bounded human text: a product [`Title`] (1–200 characters, trimmed, no control characters)
//! and a [`Description`] (up to 20,000 characters). Bounds keep pages, indexes and caches small.

use serde::{Deserialize, Serialize};

use crate::DomainError;

fn bounded(raw: &str, what: &str, min: usize, max: usize) -> Result<String, DomainError> {
    let trimmed = raw.trim();
    let count = trimmed.chars().count();
    if count < min || count > max {
        return Err(DomainError::new(format!(
            "{what} has {min} to {max} characters"
        )));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::new(format!(
            "{what} cannot contain control characters"
        )));
    }
    Ok(trimmed.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        bounded(raw, "a title", 1, 200).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Description(String);

impl Description {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        bounded(raw, "a description", 0, 20_000).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(Title, Description);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(Title::parse("  Oak chair ").unwrap().as_str(), "Oak chair");
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse(&"x".repeat(201)).is_err());
        assert!(Title::parse("bell\u{7}").is_err());
    }
}
