//! Records to products. A Shopify file lists a product as consecutive records with one `Handle`:
//! the first carries the product's fields and option names, every record may carry a variant
//! (option values, SKU, price, stock), and image-only records carry neither. A [`Grouper`] is fed
//! records in file order and hands back each product once its records end.
//!
//! A bad record is set aside as a [`RowProblem`] (its line and why) and the rest of the product
//! kept; a bad first record (no title, an unusable handle) sets aside the whole product.

use std::collections::BTreeMap;

use showroom_domain::{Currency, ProductStatus, Quantity, Sku, Slug, Title};
use showroom_store::{ImportProduct, NewProduct, NewVariant, ProductOption};

use super::format::{body_text, parse_count, parse_price, Header};

/// One record the import could not use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowProblem {
    /// The record's line in the file (1 is the header).
    pub line: u64,
    pub reason: String,
}

/// A product as the file describes it, ready to write but for its category, which the import
/// resolves by name.
#[derive(Debug, Clone)]
pub struct FileProduct {
    /// The line of its first record.
    pub line: u64,
    pub item: ImportProduct,
    /// The category's name (`Type`, else the last step of `Product Category`).
    pub category: Option<Title>,
}

/// What one record holds beside its product's fields.
enum Record {
    Variant(NewVariant),
    Image,
    Bad(String),
    /// Already reported.
    Skip,
}

/// The product being assembled from its records.
struct Building {
    handle: String,
    line: u64,
    /// `Err(reason)` when the first record was bad: every record of the handle is refused.
    head: Result<(NewProduct, Option<Title>, Vec<String>), String>,
    variants: Vec<NewVariant>,
}

pub struct Grouper {
    header: Header,
    currency: Currency,
    current: Option<Building>,
    problems: Vec<RowProblem>,
    skipped_images: u64,
}

impl Grouper {
    pub fn new(header: Header, currency: Currency) -> Self {
        Self {
            header,
            currency,
            current: None,
            problems: Vec::new(),
            skipped_images: 0,
        }
    }

    /// Feeds one record; returns the previous product when this record starts another.
    pub fn push(&mut self, record: &csv::StringRecord) -> Option<FileProduct> {
        let line = record.position().map_or(0, csv::Position::line);
        let handle = self.header.get(record, "Handle");
        if handle.is_empty() {
            self.problem(line, "the record has no Handle".into());
            return None;
        }
        let finished = match &self.current {
            Some(building) if building.handle == handle => None,
            _ => {
                let head = self.head(record);
                self.current
                    .replace(Building {
                        handle: handle.to_owned(),
                        line,
                        head,
                        variants: Vec::new(),
                    })
                    .and_then(|b| self.finish_one(b))
            }
        };
        self.variant(record, line);
        finished
    }

    /// Ends the file: the last product, if any.
    pub fn finish(&mut self) -> Option<FileProduct> {
        self.current.take().and_then(|b| self.finish_one(b))
    }

    /// Problems found since the last call.
    pub fn take_problems(&mut self) -> Vec<RowProblem> {
        std::mem::take(&mut self.problems)
    }

    /// Image-only records, which the import skips (media are uploaded, not linked).
    pub fn skipped_images(&self) -> u64 {
        self.skipped_images
    }

    fn problem(&mut self, line: u64, reason: String) {
        self.problems.push(RowProblem { line, reason });
    }

    fn head(
        &self,
        record: &csv::StringRecord,
    ) -> Result<(NewProduct, Option<Title>, Vec<String>), String> {
        let get = |column| self.header.get(record, column);
        let handle = get("Handle");
        let slug = Slug::parse(handle)
            .or_else(|_| Slug::from_title(handle))
            .map_err(|e| format!("Handle: {e}"))?;
        let title = Title::parse(get("Title")).map_err(|e| format!("Title: {e}"))?;
        let description = body_text(get("Body (HTML)")).map_err(|e| format!("Body (HTML): {e}"))?;
        let status = match (
            get("Status").to_ascii_lowercase().as_str(),
            get("Published"),
        ) {
            ("active", _) => ProductStatus::Published,
            ("draft", _) => ProductStatus::Draft,
            ("archived", _) => ProductStatus::Archived,
            ("", published) if published.eq_ignore_ascii_case("false") => ProductStatus::Draft,
            ("", _) => ProductStatus::Published,
            (other, _) => {
                return Err(format!(
                    "Status: `{other}` is not active, draft or archived"
                ))
            }
        };
        let category_name = match get("Type") {
            "" => get("Product Category")
                .rsplit('>')
                .next()
                .unwrap_or("")
                .trim(),
            kind => kind,
        };
        let category = match category_name {
            "" => None,
            name => Some(Title::parse(name).map_err(|e| format!("Type: {e}"))?),
        };
        let mut attributes = BTreeMap::new();
        for (column, key) in [("Vendor", "vendor"), ("Tags", "tags")] {
            if !get(column).is_empty() {
                attributes.insert(key.to_owned(), get(column).to_owned());
            }
        }
        // Shopify names the option of a product without options `Title` (value `Default Title`).
        let option_names: Vec<String> = ["Option1 Name", "Option2 Name", "Option3 Name"]
            .iter()
            .map(|c| get(c).to_owned())
            .filter(|n| !n.is_empty())
            .filter(|n| !(n == "Title" && get("Option1 Value") == "Default Title"))
            .collect();
        let product = NewProduct {
            slug,
            title,
            description,
            status,
            category_id: None,
            attributes,
            options: Vec::new(),
        };
        Ok((product, category, option_names))
    }

    fn variant(&mut self, record: &csv::StringRecord, line: u64) {
        match self.read_variant(record, line) {
            Record::Image => self.skipped_images += 1,
            Record::Skip => {}
            Record::Variant(variant) => {
                if let Some(building) = &mut self.current {
                    building.variants.push(variant);
                }
            }
            Record::Bad(reason) => self.problem(line, reason),
        }
    }

    fn read_variant(&self, record: &csv::StringRecord, line: u64) -> Record {
        let Some(building) = &self.current else {
            return Record::Bad("the record has no product".into());
        };
        let get = |column| self.header.get(record, column);
        let values = [
            get("Option1 Value"),
            get("Option2 Value"),
            get("Option3 Value"),
        ];
        if get("Variant Price").is_empty()
            && get("Variant SKU").is_empty()
            && values.iter().all(|v| v.is_empty())
        {
            return if get("Image Src").is_empty() {
                Record::Bad("the record has neither a variant nor an image".into())
            } else {
                Record::Image
            };
        }
        let names = match &building.head {
            Ok((_, _, names)) => names,
            // The first record's own refusal is reported once, when the product ends.
            Err(_) if line == building.line => return Record::Skip,
            Err(reason) => {
                return Record::Bad(format!(
                    "its product (line {}) was refused: {reason}",
                    building.line
                ))
            }
        };
        let position = building.variants.len() + 1;
        match parse_variant(
            &self.header,
            record,
            self.currency,
            names,
            &building.handle,
            position,
        ) {
            Ok(variant) => Record::Variant(variant),
            Err(reason) => Record::Bad(reason),
        }
    }

    fn finish_one(&mut self, building: Building) -> Option<FileProduct> {
        let (mut product, category, names) = match building.head {
            Ok(head) => head,
            Err(reason) => {
                self.problem(building.line, reason);
                return None;
            }
        };
        product.options = names
            .iter()
            .map(|name| {
                let mut values: Vec<String> = Vec::new();
                for variant in &building.variants {
                    if let Some(value) = variant.option_values.get(name) {
                        if !values.contains(value) {
                            values.push(value.clone());
                        }
                    }
                }
                ProductOption {
                    name: name.clone(),
                    values,
                }
            })
            .filter(|o| !o.values.is_empty())
            .collect();
        Some(FileProduct {
            line: building.line,
            item: ImportProduct {
                product,
                variants: building.variants,
            },
            category,
        })
    }
}

fn parse_variant(
    header: &Header,
    record: &csv::StringRecord,
    currency: Currency,
    names: &[String],
    handle: &str,
    position: usize,
) -> Result<NewVariant, String> {
    let get = |column| header.get(record, column);
    let mut option_values = BTreeMap::new();
    for (i, value_column) in ["Option1 Value", "Option2 Value", "Option3 Value"]
        .iter()
        .enumerate()
    {
        let value = get(value_column);
        match (names.get(i), value) {
            (Some(name), "") => {
                return Err(format!("{value_column}: no value for the option `{name}`"))
            }
            (Some(name), value) => {
                option_values.insert(name.clone(), value.to_owned());
            }
            (None, "" | "Default Title") => {}
            (None, value) => {
                return Err(format!(
                    "{value_column}: `{value}` given but the product names no option {}",
                    i + 1
                ))
            }
        }
    }
    // A variant without a SKU gets one from its handle and position, the same on every import of
    // the same file, so re-importing still updates it.
    let sku = match get("Variant SKU") {
        "" => {
            let stem: String = handle.chars().take(56).collect();
            Sku::parse(&format!("{stem}-{position}"))
        }
        sku => Sku::parse(sku),
    }
    .map_err(|e| format!("Variant SKU: {e}"))?;
    let price =
        parse_price(get("Variant Price"), currency).map_err(|e| format!("Variant Price: {e}"))?;
    let compare_at_price = match get("Variant Compare At Price") {
        "" => None,
        raw => {
            Some(parse_price(raw, currency).map_err(|e| format!("Variant Compare At Price: {e}"))?)
        }
    };
    let weight_grams =
        parse_count(get("Variant Grams"), "grams").map_err(|e| format!("Variant Grams: {e}"))?;
    let stock = parse_count(get("Variant Inventory Qty"), "units")
        .map_err(|e| format!("Variant Inventory Qty: {e}"))?
        .unwrap_or(0);
    let on_hand = Quantity::new(stock).map_err(|e| format!("Variant Inventory Qty: {e}"))?;
    Ok(NewVariant {
        sku,
        option_values,
        price,
        compare_at_price,
        weight_grams,
        on_hand,
        material_variant: None,
    })
}
