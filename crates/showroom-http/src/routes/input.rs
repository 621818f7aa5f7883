//! What the admin API accepts. Bodies are plain serde structs that refuse unknown fields; each
//! becomes a store write model in exactly one conversion, which parses every value into its domain
//! type and names the offending field on failure. Nothing reaches the store unparsed.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use showroom_domain::{
    Currency, Description, DomainError, Money, ProductStatus, Quantity, Sku, Slug, Title,
};
use showroom_store::{
    CategoryPatch, ContentHash, MediaKind, NewCategory, NewMedia, NewProduct, NewVariant,
    ProductOption, ProductPatch, VariantPatch,
};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, FieldContext};

const MAX_OPTIONS: usize = 5;
const MAX_OPTION_VALUES: usize = 50;
const MAX_ATTRIBUTES: usize = 50;
const MAX_WEIGHT_GRAMS: i64 = 10_000_000;

/// Distinguishes "absent" (`None`) from "explicitly null" (`Some(None)`) in PATCH bodies.
fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyInput {
    /// Integer amount in minor units (cents); 0 to 10^12.
    pub amount_minor: i64,
    /// ISO 4217 code; must be the shop's currency.
    pub currency: String,
}

impl MoneyInput {
    pub fn parse(&self, field: &str, shop_currency: Currency) -> Result<Money, ApiError> {
        let currency = Currency::parse(&self.currency).field(&format!("{field}.currency"))?;
        if currency != shop_currency {
            return Err(ApiError::validation(
                format!("{field}.currency"),
                format!("prices are in the shop's currency, {shop_currency}"),
            ));
        }
        Money::price(self.amount_minor, currency).field(&format!("{field}.amount_minor"))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    pub name: String,
    pub values: Vec<String>,
}

/// A patch field that may be absent: `None` stays `None`, a present value must parse, or the
/// answer is a 422 naming `field`.
fn parse_present<T>(
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, DomainError>,
    field: &str,
) -> Result<Option<T>, ApiError> {
    raw.map(parse).transpose().field(field)
}

fn parse_options(options: Vec<OptionInput>) -> Result<Vec<ProductOption>, ApiError> {
    if options.len() > MAX_OPTIONS {
        return Err(ApiError::validation(
            "options",
            format!("a product has at most {MAX_OPTIONS} options"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    options
        .into_iter()
        .enumerate()
        .map(|(i, option)| {
            let name = label(&option.name, &format!("options[{i}].name"))?;
            if !seen.insert(name.to_lowercase()) {
                return Err(ApiError::validation(
                    format!("options[{i}].name"),
                    "option names must be unique",
                ));
            }
            if option.values.is_empty() || option.values.len() > MAX_OPTION_VALUES {
                return Err(ApiError::validation(
                    format!("options[{i}].values"),
                    format!("an option has 1 to {MAX_OPTION_VALUES} values"),
                ));
            }
            let mut values_seen = std::collections::HashSet::new();
            let values = option
                .values
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    let value = label(v, &format!("options[{i}].values[{j}]"))?;
                    if !values_seen.insert(value.clone()) {
                        return Err(ApiError::validation(
                            format!("options[{i}].values[{j}]"),
                            "option values must be unique",
                        ));
                    }
                    Ok(value)
                })
                .collect::<Result<_, _>>()?;
            Ok(ProductOption { name, values })
        })
        .collect()
}

/// Short labels: option names and values, attribute keys and values.
fn label(raw: &str, field: &str) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control)
    {
        return Err(ApiError::validation(
            field,
            "a label has 1 to 100 characters and no control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

fn parse_attributes(
    attributes: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(ApiError::validation(
            "attributes",
            format!("at most {MAX_ATTRIBUTES} attributes"),
        ));
    }
    attributes
        .into_iter()
        .map(|(k, v)| {
            let key = label(&k, "attributes")?;
            let value = label(&v, &format!("attributes.{key}"))?;
            Ok((key, value))
        })
        .collect()
}

fn parse_slug_or_title(slug: Option<&str>, title: &Title) -> Result<Slug, ApiError> {
    match slug {
        Some(raw) => Slug::parse(raw).field("slug"),
        None => Slug::from_title(title.as_str()).field("title"),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProductInput {
    /// Defaults to one made from the title.
    pub slug: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `draft` (default), `published` or `archived`.
    pub status: Option<String>,
    pub category_id: Option<Uuid>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub options: Vec<OptionInput>,
}

impl TryFrom<CreateProductInput> for NewProduct {
    type Error = ApiError;
    fn try_from(input: CreateProductInput) -> Result<Self, ApiError> {
        let title = Title::parse(&input.title).field("title")?;
        Ok(NewProduct {
            slug: parse_slug_or_title(input.slug.as_deref(), &title)?,
            description: Description::parse(&input.description).field("description")?,
            status: match input.status.as_deref() {
                Some(raw) => ProductStatus::parse(raw).field("status")?,
                None => ProductStatus::Draft,
            },
            title,
            category_id: input.category_id,
            attributes: parse_attributes(input.attributes)?,
            options: parse_options(input.options)?,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductInput {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `null` removes the product from its category.
    #[serde(default, deserialize_with = "double_option")]
    pub category_id: Option<Option<Uuid>>,
    pub attributes: Option<BTreeMap<String, String>>,
    pub options: Option<Vec<OptionInput>>,
}

impl TryFrom<UpdateProductInput> for ProductPatch {
    type Error = ApiError;
    fn try_from(input: UpdateProductInput) -> Result<Self, ApiError> {
        Ok(ProductPatch {
            slug: parse_present(input.slug.as_deref(), Slug::parse, "slug")?,
            title: parse_present(input.title.as_deref(), Title::parse, "title")?,
            description: parse_present(
                input.description.as_deref(),
                Description::parse,
                "description",
            )?,
            category_id: input.category_id,
            attributes: input.attributes.map(parse_attributes).transpose()?,
            options: input.options.map(parse_options).transpose()?,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVariantInput {
    pub sku: String,
    #[serde(default)]
    pub option_values: BTreeMap<String, String>,
    pub price: MoneyInput,
    pub compare_at_price: Option<MoneyInput>,
    pub weight_grams: Option<i64>,
    /// Units on hand at creation; 0 to 1,000,000.
    #[serde(default)]
    pub on_hand: i64,
    /// The `KHR_materials_variants` name of the product's model that shows this variant;
    /// when omitted, attaching a model links it by matching option values to the model's names.
    pub material_variant: Option<String>,
}

impl CreateVariantInput {
    pub fn parse(self, currency: Currency) -> Result<NewVariant, ApiError> {
        Ok(NewVariant {
            sku: Sku::parse(&self.sku).field("sku")?,
            option_values: parse_option_values(self.option_values)?,
            price: self.price.parse("price", currency)?,
            compare_at_price: self
                .compare_at_price
                .map(|m| m.parse("compare_at_price", currency))
                .transpose()?,
            weight_grams: self.weight_grams.map(parse_weight).transpose()?,
            on_hand: Quantity::new(self.on_hand).field("on_hand")?,
            material_variant: self
                .material_variant
                .map(|name| label(&name, "material_variant"))
                .transpose()?,
        })
    }
}

fn parse_weight(grams: i64) -> Result<i64, ApiError> {
    if (0..=MAX_WEIGHT_GRAMS).contains(&grams) {
        Ok(grams)
    } else {
        Err(ApiError::validation(
            "weight_grams",
            format!("a weight is 0 to {MAX_WEIGHT_GRAMS} grams"),
        ))
    }
}

fn parse_option_values(
    values: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    values
        .into_iter()
        .map(|(k, v)| {
            Ok((
                label(&k, "option_values")?,
                label(&v, &format!("option_values.{k}"))?,
            ))
        })
        .collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVariantInput {
    pub sku: Option<String>,
    pub option_values: Option<BTreeMap<String, String>>,
    pub price: Option<MoneyInput>,
    /// `null` removes the compare-at price.
    #[serde(default, deserialize_with = "double_option")]
    pub compare_at_price: Option<Option<MoneyInput>>,
    #[serde(default, deserialize_with = "double_option")]
    pub weight_grams: Option<Option<i64>>,
    /// The model's material variant that shows this variant; `null` unlinks it.
    #[serde(default, deserialize_with = "double_option")]
    pub material_variant: Option<Option<String>>,
}

impl UpdateVariantInput {
    pub fn parse(self, currency: Currency) -> Result<VariantPatch, ApiError> {
        Ok(VariantPatch {
            sku: parse_present(self.sku.as_deref(), Sku::parse, "sku")?,
            option_values: self.option_values.map(parse_option_values).transpose()?,
            price: self.price.map(|m| m.parse("price", currency)).transpose()?,
            compare_at_price: self
                .compare_at_price
                .map(|inner| {
                    inner
                        .map(|m| m.parse("compare_at_price", currency))
                        .transpose()
                })
                .transpose()?,
            weight_grams: self
                .weight_grams
                .map(|inner| inner.map(parse_weight).transpose())
                .transpose()?,
            material_variant: self
                .material_variant
                .map(|inner| inner.map(|n| label(&n, "material_variant")).transpose())
                .transpose()?,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryAdjustmentInput {
    /// Units to add (positive) or remove (negative); never zero, at most 1,000,000 either way.
    pub delta: i64,
    /// Why, for the audit trail (e.g. `restock`, `damaged`).
    pub reason: Option<String>,
}

impl InventoryAdjustmentInput {
    pub fn delta(&self) -> Result<i64, ApiError> {
        let limit = showroom_domain::Quantity::new(self.delta.saturating_abs()).is_ok();
        if self.delta == 0 || !limit {
            return Err(ApiError::validation(
                "delta",
                "an adjustment is a non-zero number of units, at most 1,000,000",
            ));
        }
        if let Some(reason) = &self.reason {
            label(reason, "reason")?;
        }
        Ok(self.delta)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryInput {
    /// Defaults to one made from the name.
    pub slug: Option<String>,
    pub name: String,
    pub parent_id: Option<Uuid>,
}

impl TryFrom<CreateCategoryInput> for NewCategory {
    type Error = ApiError;
    fn try_from(input: CreateCategoryInput) -> Result<Self, ApiError> {
        let name = Title::parse(&input.name).field("name")?;
        Ok(NewCategory {
            slug: parse_slug_or_title(input.slug.as_deref(), &name)?,
            name,
            parent_id: input.parent_id,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    /// `null` moves the category to the top level.
    #[serde(default, deserialize_with = "double_option")]
    pub parent_id: Option<Option<Uuid>>,
}

impl TryFrom<UpdateCategoryInput> for CategoryPatch {
    type Error = ApiError;
    fn try_from(input: UpdateCategoryInput) -> Result<Self, ApiError> {
        Ok(CategoryPatch {
            slug: parse_present(input.slug.as_deref(), Slug::parse, "slug")?,
            name: parse_present(input.name.as_deref(), Title::parse, "name")?,
            parent_id: input.parent_id,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachMediaInput {
    /// `image` or `model`.
    pub kind: String,
    /// SHA-256 of an asset already in storage.
    pub asset_hash: String,
    /// File under the asset's address, e.g. `model.glb`.
    pub file_name: String,
    #[serde(default)]
    pub alt: String,
}

impl TryFrom<AttachMediaInput> for NewMedia {
    type Error = ApiError;
    fn try_from(input: AttachMediaInput) -> Result<Self, ApiError> {
        let kind = MediaKind::parse(&input.kind)
            .ok_or_else(|| ApiError::validation("kind", "`image` or `model`"))?;
        let asset_hash = ContentHash::parse(&input.asset_hash).field("asset_hash")?;
        let file_name_ok = !input.file_name.is_empty()
            && input.file_name.len() <= 128
            && !input.file_name.starts_with('.')
            && input
                .file_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !file_name_ok {
            return Err(ApiError::validation(
                "file_name",
                "a file name is one safe segment like `model.glb`",
            ));
        }
        if input.alt.chars().count() > 500 {
            return Err(ApiError::validation(
                "alt",
                "alt text is at most 500 characters",
            ));
        }
        Ok(NewMedia {
            kind,
            asset_hash,
            file_name: input.file_name,
            alt: input.alt,
        })
    }
}
