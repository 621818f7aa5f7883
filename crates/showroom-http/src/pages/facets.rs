//! The counts beside a listing's filters: how many of the products the current filters match
//! are in each category, carry each option value and cost within each price band, counted by
//! [`crate::facet_counts::product_facets`].
//!
//! An option the shopper has already picked is counted without its own choice (otherwise every
//! other value would read 0), so its values say what switching to them would show.

use showroom_store::{OptionFacet, ProductQuery};

use super::listing::ListingForm;
use crate::error::ApiError;
use crate::facet_counts::product_facets;
use crate::routes::dto::price_band_starts;
use crate::state::AppState;

/// One option's radio buttons.
pub struct Facet {
    pub name: String,
    pub values: Vec<FacetValue>,
    pub selected: String,
}

pub struct FacetValue {
    pub value: String,
    pub count: i64,
}

/// A link that filters to one price band or category, with its count.
pub struct CountLink {
    pub label: String,
    pub href: String,
    pub count: i64,
}

pub struct FilterCounts {
    pub options: Vec<Facet>,
    pub price_bands: Vec<CountLink>,
    pub categories: Vec<CountLink>,
}

pub async fn filter_counts(
    state: &AppState,
    form: &ListingForm,
    query: &ProductQuery,
    path: &str,
) -> Result<FilterCounts, ApiError> {
    let currency = state.shop.currency();
    let bands = price_band_starts(currency);
    let mut everywhere = query.clone();
    everywhere.after = None;
    let counted = product_facets(state, &everywhere, &bands).await?;

    let mut options: Vec<OptionFacet> = counted
        .options
        .into_iter()
        .filter(|o| form.selected_option(&o.name).is_empty())
        .collect();
    for (name, _) in &form.options {
        let mut without = everywhere.clone();
        without.option_values.retain(|(n, _)| n != name);
        let counted = product_facets(state, &without, &[]).await?;
        if let Some(own) = counted
            .options
            .into_iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
        {
            options.push(OptionFacet {
                name: name.clone(),
                values: own.values,
            });
        }
    }
    options.sort_by(|a, b| a.name.cmp(&b.name));

    let scale = 10i64.pow(u32::from(currency.minor_digits()));
    let price_bands = counted
        .price_bands
        .iter()
        .filter(|band| band.count > 0)
        .map(|band| {
            let (min, max) = (band.min / scale, band.max.map(|m| m / scale));
            let mut linked = form.clone();
            linked.price_min = Some(min).filter(|m| *m > 0);
            // The form's highest price is inclusive whole units; the band's end is exclusive.
            linked.price_max = max.map(|m| m - 1);
            linked.after = None;
            CountLink {
                label: match max {
                    Some(max) if min == 0 => format!("Under {max}"),
                    Some(max) => format!("{min} to {max}"),
                    None => format!("{min} and over"),
                },
                href: linked.href(path, None),
                count: band.count,
            }
        })
        .collect();
    let categories = counted
        .categories
        .into_iter()
        .map(|c| {
            let mut linked = form.clone();
            linked.after = None;
            CountLink {
                href: linked.href(&format!("/c/{}", c.slug.as_str()), None),
                label: c.name,
                count: c.count,
            }
        })
        .collect();
    Ok(FilterCounts {
        options: options
            .into_iter()
            .map(|o| Facet {
                selected: form.selected_option(&o.name),
                name: o.name,
                values: o
                    .values
                    .into_iter()
                    .map(|v| FacetValue {
                        value: v.value,
                        count: v.count,
                    })
                    .collect(),
            })
            .collect(),
        price_bands,
        categories,
    })
}
