//! The catalog as stored and as written. Read models (`Product`, `Variant`, …) are what a backend
//! returns; write models (`NewProduct`, `ProductPatch`, …) hold only domain types, so a backend
//! never sees an unparsed slug, SKU or price.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use showroom_domain::{Description, Money, ProductStatus, Quantity, Sku, Slug, Title};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: Uuid,
    pub slug: Slug,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

/// A category with its children, as the storefront shows the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryNode {
    #[serde(flatten)]
    pub category: Category,
    pub children: Vec<CategoryNode>,
}

#[derive(Debug, Clone)]
pub struct NewCategory {
    pub slug: Slug,
    pub name: Title,
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct CategoryPatch {
    pub slug: Option<Slug>,
    pub name: Option<Title>,
    /// `Some(None)` moves the category to the top level.
    pub parent_id: Option<Option<Uuid>>,
}

/// An option a product varies by (Color, Size, Material) with its values in display order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Model,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Model => "model",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "image" => Some(Self::Image),
            "model" => Some(Self::Model),
            _ => None,
        }
    }
}

/// A lowercase hex SHA-256: the address of an immutable asset.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash(String);

impl ContentHash {
    pub fn parse(raw: &str) -> Result<Self, showroom_domain::DomainError> {
        if raw.len() == 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Self(raw.to_owned()))
        } else {
            Err(showroom_domain::DomainError(
                "a content hash is 64 lowercase hex digits (SHA-256)".into(),
            ))
        }
    }
    pub fn of_bytes_hex(hex_digest: [u8; 32]) -> Self {
        Self(hex::encode(hex_digest))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ContentHash {
    type Error = showroom_domain::DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ContentHash> for String {
    fn from(value: ContentHash) -> Self {
        value.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    pub id: Uuid,
    pub kind: MediaKind,
    pub asset_hash: ContentHash,
    /// File under the asset's address, e.g. `original.glb`, or a derived file under the asset's
    /// pipeline revision when it has one (`v2-1a2b3c4d/model.glb`); linked by its plain name.
    pub file_name: String,
    pub alt: String,
    pub position: i64,
}

#[derive(Debug, Clone)]
pub struct NewMedia {
    pub kind: MediaKind,
    pub asset_hash: ContentHash,
    pub file_name: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: Uuid,
    pub product_id: Uuid,
    pub sku: Sku,
    /// Option name → value, e.g. `{"Color": "Oak", "Size": "L"}`.
    pub option_values: BTreeMap<String, String>,
    pub price: Money,
    pub compare_at_price: Option<Money>,
    pub weight_grams: Option<i64>,
    pub on_hand: i64,
    pub reserved: i64,
    /// The `KHR_materials_variants` name of the product's model that shows this variant.
    pub material_variant: Option<String>,
}

impl Variant {
    /// Units that can still be sold: on hand minus those held by pending orders.
    pub fn available(&self) -> i64 {
        (self.on_hand - self.reserved).max(0)
    }
}

#[derive(Debug, Clone)]
pub struct NewVariant {
    pub sku: Sku,
    pub option_values: BTreeMap<String, String>,
    pub price: Money,
    pub compare_at_price: Option<Money>,
    pub weight_grams: Option<i64>,
    pub on_hand: Quantity,
    pub material_variant: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct VariantPatch {
    pub sku: Option<Sku>,
    pub option_values: Option<BTreeMap<String, String>>,
    pub price: Option<Money>,
    /// `Some(None)` removes the compare-at price.
    pub compare_at_price: Option<Option<Money>>,
    pub weight_grams: Option<Option<i64>>,
    /// `Some(None)` unlinks the variant from the model's material variants.
    pub material_variant: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: Uuid,
    pub slug: Slug,
    pub title: Title,
    pub description: Description,
    pub status: ProductStatus,
    pub category_id: Option<Uuid>,
    pub attributes: BTreeMap<String, String>,
    pub options: Vec<ProductOption>,
    pub variants: Vec<Variant>,
    pub media: Vec<Media>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// One row of a product listing: enough for a product card, without variants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: Uuid,
    pub slug: Slug,
    pub title: Title,
    pub status: ProductStatus,
    pub category_id: Option<Uuid>,
    /// Lowest and highest variant price; `None` while the product has no variant.
    pub price_min: Option<Money>,
    pub price_max: Option<Money>,
    /// Units available across all variants.
    pub available: i64,
    /// The first media item (a poster or a model), for the card's picture.
    pub cover: Option<Media>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub slug: Slug,
    pub title: Title,
    pub description: Description,
    pub status: ProductStatus,
    pub category_id: Option<Uuid>,
    pub attributes: BTreeMap<String, String>,
    pub options: Vec<ProductOption>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductPatch {
    pub slug: Option<Slug>,
    pub title: Option<Title>,
    pub description: Option<Description>,
    pub category_id: Option<Option<Uuid>>,
    pub attributes: Option<BTreeMap<String, String>>,
    pub options: Option<Vec<ProductOption>>,
}
