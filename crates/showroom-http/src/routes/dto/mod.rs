//! What the API sends: response shapes kept apart from the store's rows, so the database can
//! change without changing the contract. Money always travels as integer minor units plus its
//! currency, with a display string for convenience; times as RFC 3339.

mod cart;

use std::collections::BTreeMap;

use serde::Serialize;
use showroom_domain::Money;
use showroom_store::{Category, CategoryNode, Media, Product, ProductSummary, Variant};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use uuid::Uuid;

pub use cart::CartDto;

#[derive(Debug, Serialize, ToSchema)]
pub struct MoneyDto {
    /// Integer amount in the currency's minor units (cents).
    pub amount_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// `12.50 EUR`.
    pub display: String,
}

impl From<Money> for MoneyDto {
    fn from(money: Money) -> Self {
        Self {
            amount_minor: money.amount_minor,
            currency: money.currency.code().to_owned(),
            display: money.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StockState {
    InStock,
    LowStock,
    SoldOut,
}

impl StockState {
    pub fn of(available: i64) -> Self {
        match available {
            i64::MIN..=0 => Self::SoldOut,
            1..=5 => Self::LowStock,
            _ => Self::InStock,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantDto {
    pub id: Uuid,
    pub sku: String,
    pub option_values: BTreeMap<String, String>,
    pub price: MoneyDto,
    pub compare_at_price: Option<MoneyDto>,
    pub weight_grams: Option<i64>,
    pub available: i64,
    pub stock_state: StockState,
    /// The look (`KHR_materials_variants` name) of the product's 3D model that shows this
    /// variant, for the viewer to switch to when a shopper picks it.
    pub material_variant: Option<String>,
    /// Units on hand and held by pending orders; admin responses only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_hand: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved: Option<i64>,
}

impl VariantDto {
    pub fn new(variant: Variant, for_admin: bool) -> Self {
        let available = variant.available();
        Self {
            id: variant.id,
            sku: variant.sku.to_string(),
            option_values: variant.option_values,
            price: variant.price.into(),
            compare_at_price: variant.compare_at_price.map(Into::into),
            weight_grams: variant.weight_grams,
            available,
            stock_state: StockState::of(available),
            material_variant: variant.material_variant,
            on_hand: for_admin.then_some(variant.on_hand),
            reserved: for_admin.then_some(variant.reserved),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaDto {
    pub id: Uuid,
    /// `image` or `model`.
    pub kind: String,
    /// Where to fetch it: an immutable, content-addressed URL.
    pub url: String,
    pub content_hash: String,
    pub alt: String,
    pub position: i64,
}

impl From<Media> for MediaDto {
    fn from(media: Media) -> Self {
        Self {
            id: media.id,
            kind: media.kind.as_str().to_owned(),
            url: asset_url(&media),
            content_hash: media.asset_hash.as_str().to_owned(),
            alt: media.alt,
            position: media.position,
        }
    }
}

/// Where a media file is fetched: on this server, or on the CDN named by `asset_base_url` (the
/// base comes from the request being served, see `delivery::links`).
pub fn asset_url(media: &Media) -> String {
    crate::delivery::links::asset_url(media.asset_hash.as_str(), &media.file_name)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionDto {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductDto {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub description: String,
    /// `draft`, `published` or `archived`.
    pub status: String,
    pub category_id: Option<Uuid>,
    pub attributes: BTreeMap<String, String>,
    pub options: Vec<OptionDto>,
    pub variants: Vec<VariantDto>,
    pub media: Vec<MediaDto>,
    pub stock_state: StockState,
    pub created_at: String,
    pub updated_at: String,
}

impl ProductDto {
    pub fn new(product: Product, for_admin: bool) -> Self {
        let available: i64 = product.variants.iter().map(Variant::available).sum();
        Self {
            id: product.id,
            slug: product.slug.to_string(),
            title: product.title.as_str().to_owned(),
            description: product.description.as_str().to_owned(),
            status: product.status.as_str().to_owned(),
            category_id: product.category_id,
            attributes: product.attributes,
            options: product
                .options
                .into_iter()
                .map(|o| OptionDto {
                    name: o.name,
                    values: o.values,
                })
                .collect(),
            variants: product
                .variants
                .into_iter()
                .map(|v| VariantDto::new(v, for_admin))
                .collect(),
            media: product.media.into_iter().map(Into::into).collect(),
            stock_state: StockState::of(available),
            created_at: rfc3339(product.created_at),
            updated_at: rfc3339(product.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductSummaryDto {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub category_id: Option<Uuid>,
    /// The cheapest variant's price; absent while the product has no variant.
    pub price_from: Option<MoneyDto>,
    pub price_to: Option<MoneyDto>,
    pub available: i64,
    pub stock_state: StockState,
    pub cover: Option<MediaDto>,
    pub created_at: String,
}

impl From<ProductSummary> for ProductSummaryDto {
    fn from(summary: ProductSummary) -> Self {
        Self {
            id: summary.id,
            slug: summary.slug.to_string(),
            title: summary.title.as_str().to_owned(),
            status: summary.status.as_str().to_owned(),
            category_id: summary.category_id,
            price_from: summary.price_min.map(Into::into),
            price_to: summary.price_max.map(Into::into),
            available: summary.available,
            stock_state: StockState::of(summary.available),
            cover: summary.cover.map(Into::into),
            created_at: rfc3339(summary.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductPageDto {
    pub items: Vec<ProductSummaryDto>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// With `facets=true`: counts for the filters, over every page of this list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<FacetsDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

impl From<Category> for CategoryDto {
    fn from(category: Category) -> Self {
        Self {
            id: category.id,
            slug: category.slug.to_string(),
            name: category.name,
            parent_id: category.parent_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryNodeDto {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    #[schema(no_recursion)]
    pub children: Vec<CategoryNodeDto>,
}

impl From<CategoryNode> for CategoryNodeDto {
    fn from(node: CategoryNode) -> Self {
        Self {
            id: node.category.id,
            slug: node.category.slug.to_string(),
            name: node.category.name,
            children: node.children.into_iter().map(Into::into).collect(),
        }
    }
}

pub(crate) fn rfc3339(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Facet counts of a listing (`facets=true`): the filtered products per category, option value
/// and price band.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetsDto {
    /// Categories the filtered products are in (directly), most products first.
    pub categories: Vec<CategoryCountDto>,
    /// Option names with their values, most products first.
    pub options: Vec<OptionFacetDto>,
    /// Cheapest-variant price bands in minor units, in order, empty ones included.
    pub price_bands: Vec<PriceBandDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryCountDto {
    pub slug: String,
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionFacetDto {
    pub name: String,
    pub values: Vec<ValueCountDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ValueCountDto {
    pub value: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PriceBandDto {
    /// Inclusive lower bound, minor units.
    pub min: i64,
    /// Exclusive upper bound, minor units; absent on the last band.
    pub max: Option<i64>,
    pub count: i64,
}

/// The price bands' lower bounds: 0, 25, 50, 100, 250, 500 and 1,000 in whole units of the
/// shop's currency, as minor units.
pub fn price_band_starts(currency: showroom_domain::Currency) -> Vec<i64> {
    let scale = 10i64.pow(u32::from(currency.minor_digits()));
    [0, 25, 50, 100, 250, 500, 1_000]
        .iter()
        .map(|whole| whole * scale)
        .collect()
}

impl From<showroom_store::ProductFacets> for FacetsDto {
    fn from(facets: showroom_store::ProductFacets) -> Self {
        Self {
            categories: facets
                .categories
                .into_iter()
                .map(|c| CategoryCountDto {
                    slug: c.slug.as_str().to_owned(),
                    name: c.name,
                    count: c.count,
                })
                .collect(),
            options: facets
                .options
                .into_iter()
                .map(|o| OptionFacetDto {
                    name: o.name,
                    values: o
                        .values
                        .into_iter()
                        .map(|v| ValueCountDto {
                            value: v.value,
                            count: v.count,
                        })
                        .collect(),
                })
                .collect(),
            price_bands: facets
                .price_bands
                .into_iter()
                .map(|b| PriceBandDto {
                    min: b.min,
                    max: b.max,
                    count: b.count,
                })
                .collect(),
        }
    }
}
