//! How the storefront and the admin ask for product lists: filters, a sort, and keyset
//! pagination. A page is stable under concurrent writes: a cursor names the last row seen by its
//! sort key and id, never by an offset.

use serde::{Deserialize, Serialize};
use showroom_domain::{ProductStatus, Slug};

use crate::Cursor;

/// The largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// Newest first (the default).
    #[default]
    Newest,
    /// Lowest price first (by the cheapest variant).
    PriceAsc,
    /// Highest price first (by the cheapest variant).
    PriceDesc,
    /// Title A→Z.
    Title,
    /// Best match first: how many searched words the title holds (a title starting with the
    /// first word ranks higher), then products with units available before sold-out ones.
    /// Without a search, available products first.
    Relevance,
}

impl ProductSort {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "newest" => Some(Self::Newest),
            "price_asc" => Some(Self::PriceAsc),
            "price_desc" => Some(Self::PriceDesc),
            "title" => Some(Self::Title),
            "relevance" => Some(Self::Relevance),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::PriceAsc => "price_asc",
            Self::PriceDesc => "price_desc",
            Self::Title => "title",
            Self::Relevance => "relevance",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    /// Only products with this status; `None` lists every status (admin).
    pub status: Option<ProductStatus>,
    /// Only products in this category or any of its descendants.
    pub category: Option<Slug>,
    /// Inclusive bounds on the cheapest variant's price, in minor units.
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    /// Every pair must match one variant's option value (`Color` = `Oak`), names compared
    /// case-insensitively.
    pub option_values: Vec<(String, String)>,
    /// Only products with at least one unit available.
    pub in_stock: bool,
    /// Full-text search over title and description (words, all must match; prefixes allowed; a
    /// word no stored word begins with matches the stored words one typo away).
    pub search: Option<String>,
    pub sort: ProductSort,
    /// 1..=[`MAX_PAGE_SIZE`].
    pub limit: u32,
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<Cursor>,
}
