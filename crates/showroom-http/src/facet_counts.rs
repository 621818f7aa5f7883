//! Facet counts for the storefront's listings, from the category's
//! [`FacetBase`](showroom_store::FacetBase) when it can count them, else from the store.
//!
//! A category's base is read from the store once and cached in the lists' namespace
//! ([`Namespace::ProductLists`]), so whatever drops the cached lists (an admin write at once,
//! sales within `StockFreshness::WINDOW`) drops it with them: counts from a base are never staler
//! than the lists beside them. Every listing of that category with price, stock and at most one
//! option filter is then counted in memory; searches and several option values at once are
//! counted by the store. The base is cached postcard-encoded under a key that names the
//! encoding's version ([`BASE_KEY`]): postcard does not describe itself, so an instance of
//! another version sharing the cache (a rolling deploy on Redis) must never read it. An entry that
//! still fails to decode is logged and the store counts instead.

use showroom_cache::get_or_fill;
use showroom_store::{FacetBase, ProductFacets, ProductQuery};

use crate::error::ApiError;
use crate::response_cache::Namespace;
use crate::state::AppState;

/// The cache key's prefix; bump its version whenever [`FacetBase`]'s fields change.
const BASE_KEY: &str = "facet-base.v1";

/// The facets of `query`'s filters (see the module docs).
pub async fn product_facets(
    state: &AppState,
    query: &ProductQuery,
    band_starts: &[i64],
) -> Result<ProductFacets, ApiError> {
    if let (true, Some(category)) = (FacetBase::could_count(query), &query.category) {
        let status = query.status;
        let key = format!(
            "{BASE_KEY}|{}|{}",
            category.as_str(),
            status.map_or("any", |s| s.as_str())
        );
        let catalog = &state.catalog;
        let encoded = get_or_fill(
            state.cache.as_ref(),
            Namespace::ProductLists.as_str(),
            &key,
            Some(state.settings.cache_ttl),
            || async move {
                let base = catalog.facet_base(category, status).await?;
                postcard::to_allocvec(&base)
                    .map(Into::into)
                    .map_err(|error| ApiError::internal(error.to_string()))
            },
        )
        .await?;
        match postcard::from_bytes::<Option<FacetBase>>(&encoded) {
            Ok(Some(base)) if base.counts(query) => return Ok(base.facets(query, band_starts)),
            // An unknown category: the store answers that at once.
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "a cached facet base could not be read; counting in the store");
            }
        }
    }
    Ok(state.catalog.product_facets(query, band_starts).await?)
}
