//! A category's facet base: for every product of one category (and the categories below it)
//! with one status, what the facets count — the product's own category, its cheapest price,
//! whether a unit is available and its option values. The facets of any listing of that
//! category filtered by price, stock and at most one option value are then counted in memory
//! ([`FacetBase::facets`]) instead of by the database, which for a category of 10,000 products
//! reads some 40,000 index entries per listing. The store reads a base in one go
//! ([`crate::ProductReads::facet_base`]); the storefront keeps it beside the lists it serves, so
//! it is exactly as fresh as they are.
//!
//! Guarantees:
//! - for every query [`FacetBase::counts`] accepts, `base.facets(query, bands)` is what the
//!   store's `product_facets(query, bands)` answers over the same rows (the contract suite
//!   checks this on every engine): categories by count, then name, then slug; option values by
//!   the name's key, then count, then value, at most [`MAX_FACET_VALUES`] in all; every band;
//! - searches (which need the search index) and several option values at once (which one
//!   variant must carry together) are not counted here: `counts` refuses them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use showroom_domain::Slug;

use crate::facets::price_bands;
use showroom_domain::ProductStatus;

use crate::{
    CategoryCount, OptionFacet, ProductFacets, ProductQuery, ValueCount, MAX_FACET_VALUES,
};

/// See the module docs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetBase {
    /// The category the base was read for (the `category` filter it answers).
    pub category: Option<Slug>,
    pub status: Option<ProductStatus>,
    /// The categories the products are assigned to.
    pub categories: Vec<BaseCategory>,
    /// Every distinct option value the products carry, as the name's key, the value, and the
    /// name as one product spells it.
    pub values: Vec<BaseValue>,
    pub products: Vec<BaseProduct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseCategory {
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BaseValue {
    /// The option's name lowercased, as the option filter compares it.
    pub name_key: String,
    pub value: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseProduct {
    /// Index into [`FacetBase::categories`]; `None` for a product without a category.
    pub category: Option<u32>,
    /// The cheapest variant's price; `None` without a priced variant.
    pub price_min_minor: Option<i64>,
    /// At least one unit is available.
    pub available: bool,
    /// Indexes into [`FacetBase::values`], each at most once.
    pub values: Vec<u32>,
}

impl FacetBase {
    /// Whether this base answers the facets of `query`: same category and status, no search,
    /// at most one option value.
    pub fn counts(&self, query: &ProductQuery) -> bool {
        Self::could_count(query) && query.category == self.category && query.status == self.status
    }

    /// Whether a base read for `query`'s category and status would answer its facets.
    pub fn could_count(query: &ProductQuery) -> bool {
        query.category.is_some() && query.search.is_none() && query.option_values.len() <= 1
    }

    /// The facets of the products matching `query`'s price, stock and option filters (see
    /// [`Self::counts`]; for a query it does not count, the answer is meaningless).
    pub fn facets(&self, query: &ProductQuery, band_starts: &[i64]) -> ProductFacets {
        let wanted = query
            .option_values
            .first()
            .map(|(name, value)| (name.to_lowercase(), value.as_str()));
        let matching = self.products.iter().filter(|product| {
            let price = product.price_min_minor;
            query
                .price_min
                .is_none_or(|min| price.is_some_and(|p| p >= min))
                && query
                    .price_max
                    .is_none_or(|max| price.is_some_and(|p| p <= max))
                && (!query.in_stock || product.available)
                && wanted.as_ref().is_none_or(|(key, value)| {
                    product.values.iter().any(|&i| {
                        let carried = &self.values[i as usize];
                        carried.name_key == *key && carried.value == *value
                    })
                })
        });
        let mut per_category: HashMap<u32, i64> = HashMap::new();
        let mut per_band: HashMap<i64, i64> = HashMap::new();
        let mut per_value: HashMap<u32, i64> = HashMap::new();
        for product in matching {
            if let Some(category) = product.category {
                *per_category.entry(category).or_default() += 1;
            }
            let band = product.price_min_minor.map_or(0, |price| {
                band_starts.iter().filter(|start| price >= **start).count() as i64
            });
            *per_band.entry(band).or_default() += 1;
            for &value in &product.values {
                *per_value.entry(value).or_default() += 1;
            }
        }
        ProductFacets {
            categories: self.category_counts(per_category),
            options: self.option_facets(per_value),
            price_bands: price_bands(band_starts, &per_band),
        }
    }

    fn category_counts(&self, per_category: HashMap<u32, i64>) -> Vec<CategoryCount> {
        let mut counts: Vec<CategoryCount> = per_category
            .into_iter()
            .map(|(i, count)| {
                let category = &self.categories[i as usize];
                CategoryCount {
                    slug: category.slug.clone(),
                    name: category.name.clone(),
                    count,
                }
            })
            .collect();
        counts.sort_by(|a, b| {
            (b.count, &a.name, a.slug.as_str()).cmp(&(a.count, &b.name, b.slug.as_str()))
        });
        counts
    }

    fn option_facets(&self, per_value: HashMap<u32, i64>) -> Vec<OptionFacet> {
        // One row per name key and value, named as the smallest spelling among its carriers.
        let mut rows: HashMap<(&str, &str), (&str, i64)> = HashMap::new();
        for (i, count) in per_value {
            let value = &self.values[i as usize];
            let row = rows
                .entry((&value.name_key, &value.value))
                .or_insert((&value.name, 0));
            row.0 = row.0.min(value.name.as_str());
            row.1 += count;
        }
        let mut rows: Vec<_> = rows.into_iter().collect();
        rows.sort_by(
            |((key_a, value_a), (_, n_a)), ((key_b, value_b), (_, n_b))| {
                (key_a, n_b, value_a).cmp(&(key_b, n_a, value_b))
            },
        );
        let mut facets: Vec<OptionFacet> = Vec::new();
        let mut last_key = None;
        for ((key, value), (name, count)) in rows.into_iter().take(MAX_FACET_VALUES) {
            let value = ValueCount {
                value: value.to_owned(),
                count,
            };
            match facets.last_mut() {
                Some(facet) if last_key == Some(key) => facet.values.push(value),
                _ => facets.push(OptionFacet {
                    name: name.to_owned(),
                    values: vec![value],
                }),
            }
            last_key = Some(key);
        }
        facets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str, value: &str) -> BaseValue {
        BaseValue {
            name_key: name.to_lowercase(),
            value: value.into(),
            name: name.into(),
        }
    }

    fn product(category: u32, price: Option<i64>, available: bool, values: &[u32]) -> BaseProduct {
        BaseProduct {
            category: Some(category),
            price_min_minor: price,
            available,
            values: values.to_vec(),
        }
    }

    fn base() -> FacetBase {
        let category = |slug: &str, name: &str| BaseCategory {
            slug: Slug::parse(slug).unwrap(),
            name: name.into(),
        };
        FacetBase {
            category: Some(Slug::parse("home").unwrap()),
            status: Some(ProductStatus::Published),
            categories: vec![category("chairs", "Chairs"), category("tables", "Tables")],
            // "color" spelt two ways by two products, as the store may hold it.
            values: vec![
                value("Color", "Oak"),
                value("color", "Oak"),
                value("Color", "Ash"),
                value("Size", "L"),
            ],
            products: vec![
                product(0, Some(1_000), true, &[0, 3]),
                product(0, Some(5_000), false, &[2]),
                product(1, Some(12_000), true, &[1, 2]),
                product(1, None, false, &[]),
            ],
        }
    }

    fn query(edit: impl FnOnce(&mut ProductQuery)) -> ProductQuery {
        let mut query = ProductQuery {
            category: Some(Slug::parse("home").unwrap()),
            status: Some(ProductStatus::Published),
            ..ProductQuery::default()
        };
        edit(&mut query);
        query
    }

    #[test]
    fn counts_every_product_of_the_category_without_filters() {
        let facets = base().facets(&query(|_| {}), &[0, 2_500, 10_000]);
        let categories: Vec<_> = facets
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c.count))
            .collect();
        // A tie on count is broken by name.
        assert_eq!(categories, [("chairs", 2), ("tables", 2)]);
        let bands: Vec<_> = facets
            .price_bands
            .iter()
            .map(|b| (b.min, b.max, b.count))
            .collect();
        // The product without a price is in no band.
        assert_eq!(
            bands,
            [
                (0, Some(2_500), 1),
                (2_500, Some(10_000), 1),
                (10_000, None, 1)
            ]
        );
        let options: Vec<_> = facets
            .options
            .iter()
            .map(|o| {
                (
                    o.name.as_str(),
                    o.values
                        .iter()
                        .map(|v| (v.value.as_str(), v.count))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        // One row per key and value, named by the smallest spelling ("Color" < "color").
        assert_eq!(
            options,
            [
                ("Color", vec![("Ash", 2), ("Oak", 2)]),
                ("Size", vec![("L", 1)])
            ]
        );
    }

    #[test]
    fn price_stock_and_one_option_value_narrow_the_counts() {
        let facets = base().facets(
            &query(|q| {
                q.in_stock = true;
                q.price_min = Some(1_000);
                q.option_values = vec![("COLOR".into(), "Oak".into())];
            }),
            &[0],
        );
        assert_eq!(facets.price_bands[0].count, 2);
        let categories: Vec<_> = facets
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c.count))
            .collect();
        assert_eq!(categories, [("chairs", 1), ("tables", 1)]);
        let none = base().facets(&query(|q| q.price_max = Some(999)), &[0]);
        assert!(none.categories.is_empty() && none.options.is_empty());
        assert_eq!(none.price_bands[0].count, 0);
    }

    #[test]
    fn counts_only_what_it_was_read_for() {
        let base = base();
        assert!(base.counts(&query(|_| {})));
        assert!(!base.counts(&query(|q| q.search = Some("oak".into()))));
        assert!(!base.counts(&query(|q| {
            q.option_values = vec![("Color".into(), "Oak".into()), ("Size".into(), "L".into())]
        })));
        assert!(!base.counts(&query(|q| q.category = Some(Slug::parse("garden").unwrap()))));
        assert!(!base.counts(&query(|q| q.status = None)));
    }
}
