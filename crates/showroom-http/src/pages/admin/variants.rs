//! The variants grid of the product editor: every variant's SKU, option values, price,
//! compare-at price and weight in one form ("Save variants"), a row to add a variant, and per
//! row a stock adjustment with a reason (relative, applied by the store's one conditional update,
//! so stock never goes below zero or below what pending orders hold).
//!
//! The grid is checked whole before anything is written — every row parses through the admin
//! API's own variant input — so a mistake in one row writes nothing and comes back with the
//! message on that row. Rows the merchant did not change are not written at all.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use showroom_domain::Currency;
use showroom_store::{Product, Variant, VariantPatch};
use uuid::Uuid;

use super::allowed::{Allowed, Catalog};
use super::form::{
    amount_input, parse_amount, parse_whole, top_field, FieldErrors, FormData, Refusal,
};
use super::layout::Reply;
use super::named::{Named, PathRecord};
use super::product_edit::{render_editor, Overlay};
use super::signed_in::{done, Flash};
use crate::pages::errors::PageError;
use crate::response_cache::invalidate_catalog;
use crate::routes::input::{
    CreateVariantInput, InventoryAdjustmentInput, MoneyInput, UpdateVariantInput,
};
use crate::state::AppState;

pub struct Choice {
    pub value: String,
    pub selected: bool,
}

/// One option's `<select>` in a row.
pub struct OptionCell {
    pub index: usize,
    pub name: String,
    pub choices: Vec<Choice>,
}

pub struct VariantRow {
    pub id: String,
    pub sku: String,
    pub cells: Vec<OptionCell>,
    pub price: String,
    pub compare_at: String,
    pub weight: String,
    pub on_hand: i64,
    pub reserved: i64,
    /// The model's look that shows this variant.
    pub look: String,
    pub error: Option<String>,
    pub stock_delta: String,
    pub stock_reason: String,
    pub stock_error: Option<String>,
}

pub struct NewVariantRow {
    pub sku: String,
    pub cells: Vec<OptionCell>,
    pub price: String,
    pub compare_at: String,
    pub weight: String,
    pub on_hand: String,
    pub errors: FieldErrors,
}

pub struct VariantGrid {
    pub option_names: Vec<String>,
    pub rows: Vec<VariantRow>,
    pub new_row: NewVariantRow,
    pub problem: Option<String>,
    pub currency: &'static str,
}

fn cells(product: &Product, selected: impl Fn(usize, &str) -> String) -> Vec<OptionCell> {
    product
        .options
        .iter()
        .enumerate()
        .map(|(index, option)| {
            let chosen = selected(index, &option.name);
            OptionCell {
                index,
                name: option.name.clone(),
                choices: option
                    .values
                    .iter()
                    .map(|v| Choice {
                        selected: *v == chosen,
                        value: v.clone(),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn row(product: &Product, variant: &Variant) -> VariantRow {
    let currency = variant.price.currency;
    VariantRow {
        id: variant.id.to_string(),
        sku: variant.sku.as_str().to_owned(),
        cells: cells(product, |_, name| {
            variant.option_values.get(name).cloned().unwrap_or_default()
        }),
        price: amount_input(variant.price.amount_minor, currency),
        compare_at: variant
            .compare_at_price
            .map(|m| amount_input(m.amount_minor, currency))
            .unwrap_or_default(),
        weight: variant
            .weight_grams
            .map(|g| g.to_string())
            .unwrap_or_default(),
        on_hand: variant.on_hand,
        reserved: variant.reserved,
        look: variant.material_variant.clone().unwrap_or_default(),
        error: None,
        stock_delta: String::new(),
        stock_reason: String::new(),
        stock_error: None,
    }
}

impl VariantGrid {
    pub fn new(product: &Product, currency: Currency) -> Self {
        Self {
            option_names: product.options.iter().map(|o| o.name.clone()).collect(),
            rows: product.variants.iter().map(|v| row(product, v)).collect(),
            new_row: NewVariantRow {
                sku: String::new(),
                cells: cells(product, |_, _| String::new()),
                price: String::new(),
                compare_at: String::new(),
                weight: String::new(),
                on_hand: "0".into(),
                errors: FieldErrors::default(),
            },
            problem: None,
            currency: currency.code(),
        }
    }

    /// The grid as typed, with `errors` (by variant id) on their rows.
    pub fn typed(
        mut self,
        product: &Product,
        form: &FormData,
        errors: &BTreeMap<String, String>,
    ) -> Self {
        for row in &mut self.rows {
            let id = row.id.clone();
            let field = |name: &str| form.get(&format!("{id}.{name}")).to_owned();
            row.sku = field("sku");
            row.price = field("price");
            row.compare_at = field("compare_at");
            row.weight = field("weight");
            row.cells = cells(product, |index, _| field(&format!("opt{index}")));
            row.error = errors.get(&id).cloned();
        }
        self
    }

    /// The new-variant row as typed, with its errors.
    pub fn typed_new(mut self, product: &Product, form: &FormData, errors: FieldErrors) -> Self {
        self.new_row = NewVariantRow {
            sku: form.get("sku").to_owned(),
            cells: cells(product, |index, _| {
                form.get(&format!("opt{index}")).to_owned()
            }),
            price: form.get("price").to_owned(),
            compare_at: form.get("compare_at").to_owned(),
            weight: form.get("weight").to_owned(),
            on_hand: form.get("on_hand").to_owned(),
            errors,
        };
        self
    }

    /// A refused stock adjustment, typed, on its row.
    pub fn typed_stock(mut self, variant_id: Uuid, form: &FormData, message: String) -> Self {
        let id = variant_id.to_string();
        if let Some(row) = self.rows.iter_mut().find(|r| r.id == id) {
            row.stock_delta = form.get("delta").to_owned();
            row.stock_reason = form.get("reason").to_owned();
            row.stock_error = Some(message);
        }
        self
    }
}

fn money(raw: &str, field: &str, currency: Currency) -> Result<MoneyInput, Refusal> {
    let amount_minor = parse_amount(raw, currency).map_err(|m| Refusal::field(field, m))?;
    Ok(MoneyInput {
        amount_minor,
        currency: currency.code().to_owned(),
    })
}

fn optional_money(
    raw: &str,
    field: &str,
    currency: Currency,
) -> Result<Option<MoneyInput>, Refusal> {
    match raw.trim() {
        "" => Ok(None),
        typed => money(typed, field, currency).map(Some),
    }
}

fn weight(raw: &str) -> Result<Option<i64>, Refusal> {
    match raw.trim() {
        "" => Ok(None),
        typed => parse_whole(typed, "weight", "A weight in grams").map(Some),
    }
}

/// The option values chosen in a row (`{prefix}opt{i}`); an option left empty is not sent.
fn chosen_options(product: &Product, form: &FormData, prefix: &str) -> BTreeMap<String, String> {
    product
        .options
        .iter()
        .enumerate()
        .filter_map(|(index, option)| {
            let value = form.opt(&format!("{prefix}opt{index}"))?;
            Some((option.name.clone(), value.to_owned()))
        })
        .collect()
}

/// Adds one variant from the grid's last row.
pub async fn add(
    State(state): State<AppState>,
    Named(user, product): Named<Product>,
    form: FormData,
) -> Reply {
    let currency = state.shop.currency();
    let added = async {
        let input = CreateVariantInput {
            sku: form.get("sku").trim().to_owned(),
            option_values: chosen_options(&product, &form, ""),
            price: money(form.get("price"), "price", currency)?,
            compare_at_price: optional_money(form.get("compare_at"), "compare_at", currency)?,
            weight_grams: weight(form.get("weight"))?,
            on_hand: parse_whole(form.get("on_hand"), "on_hand", "Stock")?,
            material_variant: None,
        };
        let new = input.parse(currency)?;
        Ok::<_, Refusal>(state.catalog.add_variant(product.id, new).await?)
    }
    .await;
    match added {
        Ok(variant) => {
            invalidate_catalog(&state).await;
            let flash = Flash::ok(format!("Variant {} added.", variant.sku.as_str()));
            Ok(done(
                &user,
                flash,
                &format!("/admin/products/{}#variants", product.id),
            )
            .await?)
        }
        Err(refusal) => {
            let rename = |path: &str| match top_field(path).as_str() {
                "compare_at_price" => "compare_at".to_owned(),
                "weight_grams" => "weight".to_owned(),
                other => other.to_owned(),
            };
            let (status, errors) = refusal.into_errors_beside(rename, "sku")?;
            let overlay = Overlay::NewVariant { form, errors };
            Ok(render_editor(&state, &user, product, overlay, status).await?)
        }
    }
}

/// The changes of one grid row, parsed; `None` when the row is as stored.
fn row_patch(
    product: &Product,
    variant: &Variant,
    form: &FormData,
    currency: Currency,
) -> Result<Option<VariantPatch>, Refusal> {
    let prefix = format!("{}.", variant.id);
    let field = |name: &str| form.get(&format!("{prefix}{name}")).trim().to_owned();
    let stored = row(product, variant);
    let options = chosen_options(product, form, &prefix);
    let compare = field("compare_at");
    let weight_typed = field("weight");
    let input = UpdateVariantInput {
        sku: (field("sku") != stored.sku).then(|| field("sku")),
        option_values: (options != variant.option_values).then_some(options),
        price: (field("price") != stored.price)
            .then(|| money(&field("price"), "price", currency))
            .transpose()?,
        compare_at_price: (compare != stored.compare_at)
            .then(|| optional_money(&compare, "compare_at", currency))
            .transpose()?,
        weight_grams: (weight_typed != stored.weight)
            .then(|| weight(&weight_typed))
            .transpose()?,
        material_variant: None,
    };
    let unchanged = input.sku.is_none()
        && input.option_values.is_none()
        && input.price.is_none()
        && input.compare_at_price.is_none()
        && input.weight_grams.is_none();
    if unchanged {
        return Ok(None);
    }
    Ok(Some(input.parse(currency)?))
}

/// Saves every changed row of the grid, after checking them all.
pub async fn save_grid(
    State(state): State<AppState>,
    Named(user, product): Named<Product>,
    form: FormData,
) -> Reply {
    let currency = state.shop.currency();
    let mut patches = Vec::new();
    let mut errors = BTreeMap::new();
    for variant in &product.variants {
        match row_patch(&product, variant, &form, currency) {
            Ok(Some(patch)) => patches.push((variant.id, variant.sku.as_str().to_owned(), patch)),
            Ok(None) => {}
            Err(Refusal::Page(page)) => return Err(page.into()),
            Err(refusal) => {
                let (_, message) = describe(refusal);
                errors.insert(variant.id.to_string(), message);
            }
        }
    }
    if errors.is_empty() {
        for (variant_id, sku, patch) in patches.iter().cloned() {
            if let Err(error) = state.catalog.update_variant(variant_id, patch).await {
                match Refusal::from(error) {
                    Refusal::Page(page) => return Err(page.into()),
                    refusal => {
                        let (_, message) = describe(refusal);
                        errors.insert(variant_id.to_string(), format!("{sku}: {message}"));
                        break;
                    }
                }
            }
        }
        invalidate_catalog(&state).await;
    }
    if errors.is_empty() {
        let flash = Flash::ok(match patches.len() {
            0 => "Nothing to save: no variant was changed.".to_owned(),
            1 => "1 variant saved.".to_owned(),
            n => format!("{n} variants saved."),
        });
        return Ok(done(
            &user,
            flash,
            &format!("/admin/products/{}#variants", product.id),
        )
        .await?);
    }
    let overlay = Overlay::Grid { form, errors };
    Ok(render_editor(
        &state,
        &user,
        product,
        overlay,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await?)
}

/// A refusal as (field, message) for a row.
fn describe(refusal: Refusal) -> (String, String) {
    match refusal {
        Refusal::Field { field, message } => (field, message),
        Refusal::Form { message, .. } => (String::new(), message),
        Refusal::Page(_) => (String::new(), "Something went wrong on our side".into()),
    }
}

/// Adds or removes units on hand, with a reason.
pub async fn adjust_stock(
    State(state): State<AppState>,
    user: Allowed<Catalog>,
    Path((id, variant)): Path<(String, String)>,
    form: FormData,
) -> Reply {
    let product = Product::load(&state, &id).await?;
    let variant_id = Uuid::parse_str(&variant)
        .ok()
        .filter(|v| product.variants.iter().any(|known| known.id == *v))
        .ok_or_else(PageError::not_found)?;
    let adjusted = async {
        let input = InventoryAdjustmentInput {
            delta: parse_whole(form.get("delta"), "delta", "The change")?,
            reason: form.opt("reason").map(str::to_owned),
        };
        let delta = input.delta()?;
        let variant = state.catalog.adjust_inventory(variant_id, delta).await?;
        Ok::<_, Refusal>((variant, delta))
    }
    .await;
    match adjusted {
        Ok((variant, delta)) => {
            tracing::info!(variant = %variant.id, delta, staff = %user.member.id,
                reason = form.opt("reason").unwrap_or(""), "inventory adjusted in the back office");
            invalidate_catalog(&state).await;
            let flash = Flash::ok(format!(
                "{}: {} {} unit(s); {} on hand now.",
                variant.sku.as_str(),
                if delta > 0 { "added" } else { "removed" },
                delta.abs(),
                variant.on_hand
            ));
            Ok(done(
                &user,
                flash,
                &format!("/admin/products/{}#variants", product.id),
            )
            .await?)
        }
        Err(Refusal::Page(page)) => Err(page.into()),
        Err(refusal) => {
            let status = refusal.status();
            let (_, message) = describe(refusal);
            let overlay = Overlay::Stock {
                variant_id,
                form,
                message,
            };
            Ok(render_editor(&state, &user, product, overlay, status).await?)
        }
    }
}
