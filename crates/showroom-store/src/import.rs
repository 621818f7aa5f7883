//! Bulk catalog writes for moving a shop in and out (`showroom catalog import` / `export`): one
//! call writes a batch of whole products in one transaction, matching what is already stored by
//! the product's slug and each variant's SKU, so importing the same file twice changes nothing
//! the second time instead of duplicating.

use crate::{NewProduct, NewVariant};

/// One product as a catalog file describes it, with every variant it lists.
#[derive(Debug, Clone)]
pub struct ImportProduct {
    pub product: NewProduct,
    pub variants: Vec<NewVariant>,
}

/// What importing one product did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// No product had this slug: it was created with its variants.
    Created,
    /// A product with this slug existed: its fields were replaced, its options extended by the
    /// file's values, variants with a known SKU updated (stock set, never below the units that
    /// pending orders hold) and the others added. Variants the file does not list are kept.
    Updated,
    /// Nothing of this product was written; the rest of the batch was.
    Refused {
        field: &'static str,
        message: String,
    },
}
