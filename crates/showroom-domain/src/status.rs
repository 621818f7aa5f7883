//! A product's lifecycle: `draft` (merchants only) → `published` (shoppers see it) → `archived`
//! (kept for orders, hidden from the shop). An archived product may be published again.

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductStatus {
    Draft,
    Published,
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "draft" => Ok(Self::Draft),
            "published" => Ok(Self::Published),
            "archived" => Ok(Self::Archived),
            _ => Err(DomainError::new(
                "a status is `draft`, `published` or `archived`",
            )),
        }
    }

    pub fn is_visible_to_shoppers(self) -> bool {
        self == Self::Published
    }
}

display_as_str!(ProductStatus);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for status in [
            ProductStatus::Draft,
            ProductStatus::Published,
            ProductStatus::Archived,
        ] {
            assert_eq!(ProductStatus::parse(status.as_str()).unwrap(), status);
        }
        assert!(ProductStatus::parse("deleted").is_err());
    }
}
