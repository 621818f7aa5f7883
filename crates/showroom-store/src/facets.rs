//! Facet counts for a product listing: how many of the products matching the current filters
//! fall in each category, carry each option value and cost within each price band, so the
//! storefront's filters can show them ("Oak (12)").
//!
//! Counts are over every filter of the query (pagination aside), the filtered product set as
//! the shopper sees it; a category counts the products assigned to it directly.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use showroom_domain::Slug;

/// Option values counted at most, over all options: a catalog with free-text option values must
/// not turn one listing into thousands of rows.
pub const MAX_FACET_VALUES: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFacets {
    /// Most products first, then by name.
    pub categories: Vec<CategoryCount>,
    /// Options by name; values with most products first, then by value.
    pub options: Vec<OptionFacet>,
    /// Every band asked for, in order, even when empty.
    pub price_bands: Vec<PriceBand>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub slug: Slug,
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionFacet {
    pub name: String,
    pub values: Vec<ValueCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueCount {
    pub value: String,
    /// Products with at least one variant carrying this value.
    pub count: i64,
}

/// Products whose cheapest variant costs from `min` (inclusive) to `max` (exclusive; `None`:
/// no upper bound), in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceBand {
    pub min: i64,
    pub max: Option<i64>,
    pub count: i64,
}

/// Every band of `band_starts` in order with its count from `counts`, keyed by band: the number
/// of band starts at or below a product's price (band 0, below the first start or without a
/// price, is left out).
pub fn price_bands(band_starts: &[i64], counts: &HashMap<i64, i64>) -> Vec<PriceBand> {
    band_starts
        .iter()
        .enumerate()
        .map(|(i, start)| PriceBand {
            min: *start,
            max: band_starts.get(i + 1).copied(),
            count: counts.get(&(i as i64 + 1)).copied().unwrap_or(0),
        })
        .collect()
}
