//! Database rows → read models. Every column list lives here next to the code that decodes it, so
//! a query and its decoder cannot drift apart. Values that fail to parse are `Internal`: the store
//! wrote them, so a bad one is a bug, not a user error.

use std::collections::BTreeMap;

use showroom_domain::{Currency, Description, Money, ProductStatus, Sku, Slug, Title};
use showroom_store::{
    Category, ContentHash, Media, MediaKind, ProductOption, ProductSummary, StoreError, Variant,
};
use sqlx::any::{Any, AnyRow};
use sqlx::{Decode, Row, Type};
use uuid::Uuid;

use crate::error::corrupt;

pub(crate) const CATEGORY_COLUMNS: &str = "c.id, c.slug, c.name, c.parent_id";
pub(crate) const PRODUCT_COLUMNS: &str = "p.id, p.slug, p.title, p.description, p.status, p.category_id, \
     p.attributes, p.options, p.price_min_minor, p.price_max_minor, p.currency, p.available, p.created_at, p.updated_at";
pub(crate) const VARIANT_COLUMNS: &str =
    "v.id, v.product_id, v.sku, v.price_minor, v.currency, v.compare_at_minor, \
     v.weight_grams, v.on_hand, v.reserved, v.material_variant";
/// [`VARIANT_COLUMNS`] named apart (`v_id`, …) for a statement that also reads the product's
/// columns; decoded by [`joined_variant`].
pub(crate) const VARIANT_JOIN_COLUMNS: &str =
    "v.id AS v_id, v.product_id AS v_product_id, v.sku AS v_sku, v.price_minor AS v_price_minor, \
     v.currency AS v_currency, v.compare_at_minor AS v_compare_at_minor, \
     v.weight_grams AS v_weight_grams, v.on_hand AS v_on_hand, v.reserved AS v_reserved, \
     v.material_variant AS v_material_variant";
/// A media row, with the pipeline revision its asset's derived files are kept under (see
/// [`media`]).
pub(crate) const MEDIA_COLUMNS: &str =
    "m.id, m.product_id, m.kind, m.asset_hash, m.file_name, m.alt, m.position, \
     COALESCE((SELECT a.revision FROM assets a WHERE a.hash = m.asset_hash), '') AS revision";

pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &str) -> Result<T, StoreError>
where
    T: Decode<'r, Any> + Type<Any>,
{
    row.try_get(column)
        .map_err(|e| StoreError::Internal(Box::new(e)))
}

pub(crate) fn uuid(row: &AnyRow, column: &str) -> Result<Uuid, StoreError> {
    let raw: String = get(row, column)?;
    Uuid::parse_str(&raw).map_err(|e| corrupt(column, e))
}

pub(crate) fn opt_uuid(row: &AnyRow, column: &str) -> Result<Option<Uuid>, StoreError> {
    let raw: Option<String> = get(row, column)?;
    raw.map(|r| Uuid::parse_str(&r).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn parsed<T, E: std::fmt::Display>(
    row: &AnyRow,
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    let raw: String = get(row, column)?;
    parse(&raw).map_err(|e| corrupt(column, e))
}

fn money(minor: i64, currency: &str) -> Result<Money, StoreError> {
    let currency = Currency::parse(currency).map_err(|e| corrupt("currency", e))?;
    Money::new(minor, currency).map_err(|e| corrupt("amount", e))
}

pub(crate) fn category(row: &AnyRow) -> Result<Category, StoreError> {
    Ok(Category {
        id: uuid(row, "id")?,
        slug: parsed(row, "slug", Slug::parse)?,
        name: get(row, "name")?,
        parent_id: opt_uuid(row, "parent_id")?,
    })
}

pub(crate) fn media(row: &AnyRow) -> Result<Media, StoreError> {
    Ok(Media {
        id: uuid(row, "id")?,
        kind: parsed(row, "kind", |k| {
            MediaKind::parse(k).ok_or("unknown media kind")
        })?,
        asset_hash: parsed(row, "asset_hash", ContentHash::parse)?,
        file_name: kept_name(get(row, "file_name")?, get(row, "revision")?),
        alt: get(row, "alt")?,
        position: get(row, "position")?,
    })
}

/// Where a media file is kept under its asset's address: a derived file (the pipeline's GLB,
/// posters, USDZ) under its asset's current revision (`v2-1a2b3c4d/model.glb`), so its URL
/// changes whenever reprocessing changes its bytes; anything else (an original, a file of an
/// asset processed before revisions) as linked.
fn kept_name(file_name: String, revision: String) -> String {
    let derived = !file_name.starts_with("original.") && !file_name.contains('/');
    if revision.is_empty() || !derived {
        return file_name;
    }
    format!("{revision}/{file_name}")
}

pub(crate) fn variant(
    row: &AnyRow,
    option_values: BTreeMap<String, String>,
) -> Result<Variant, StoreError> {
    variant_named(row, |column| column.to_owned(), option_values)
}

/// A variant read with [`VARIANT_JOIN_COLUMNS`].
pub(crate) fn joined_variant(
    row: &AnyRow,
    option_values: BTreeMap<String, String>,
) -> Result<Variant, StoreError> {
    variant_named(row, |column| format!("v_{column}"), option_values)
}

fn variant_named(
    row: &AnyRow,
    name: impl Fn(&str) -> String,
    option_values: BTreeMap<String, String>,
) -> Result<Variant, StoreError> {
    let currency: String = get(row, &name("currency"))?;
    let compare_at: Option<i64> = get(row, &name("compare_at_minor"))?;
    Ok(Variant {
        id: uuid(row, &name("id"))?,
        product_id: uuid(row, &name("product_id"))?,
        sku: parsed(row, &name("sku"), Sku::parse)?,
        option_values,
        price: money(get(row, &name("price_minor"))?, &currency)?,
        compare_at_price: compare_at
            .map(|minor| money(minor, &currency))
            .transpose()?,
        weight_grams: get(row, &name("weight_grams"))?,
        material_variant: get(row, &name("material_variant"))?,
        on_hand: get(row, &name("on_hand"))?,
        reserved: get(row, &name("reserved"))?,
    })
}

/// The product columns shared by a full product and a listing row.
pub(crate) struct ProductHead {
    pub id: Uuid,
    pub slug: Slug,
    pub title: Title,
    pub description: Description,
    pub status: ProductStatus,
    pub category_id: Option<Uuid>,
    pub attributes: BTreeMap<String, String>,
    pub options: Vec<ProductOption>,
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    pub available: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) fn product_head(row: &AnyRow) -> Result<ProductHead, StoreError> {
    let currency: Option<String> = get(row, "currency")?;
    let price = |column: &str| -> Result<Option<Money>, StoreError> {
        let minor: Option<i64> = get(row, column)?;
        match (minor, currency.as_deref()) {
            (Some(minor), Some(currency)) => money(minor, currency).map(Some),
            _ => Ok(None),
        }
    };
    Ok(ProductHead {
        id: uuid(row, "id")?,
        slug: parsed(row, "slug", Slug::parse)?,
        title: parsed(row, "title", Title::parse)?,
        description: parsed(row, "description", Description::parse)?,
        status: parsed(row, "status", ProductStatus::parse)?,
        category_id: opt_uuid(row, "category_id")?,
        attributes: parsed(row, "attributes", |raw| serde_json::from_str(raw))?,
        options: parsed(row, "options", |raw| serde_json::from_str(raw))?,
        price_min: price("price_min_minor")?,
        price_max: price("price_max_minor")?,
        available: get(row, "available")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

impl ProductHead {
    pub fn into_summary(self, cover: Option<Media>) -> ProductSummary {
        ProductSummary {
            id: self.id,
            slug: self.slug,
            title: self.title,
            status: self.status,
            category_id: self.category_id,
            price_min: self.price_min,
            price_max: self.price_max,
            available: self.available,
            cover,
            created_at: self.created_at,
        }
    }
}
