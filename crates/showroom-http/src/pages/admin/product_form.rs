//! The product details form, shared by "New product" and the editor: the values as typed (so a
//! refused form comes back filled in), the category choices as an indented tree, and the
//! conversion into the admin API's own inputs — the same parsing, limits and messages as
//! `POST`/`PATCH /api/v1/admin/products`.
//!
//! Attributes are typed one per line as `Name: value`; options are up to five rows of a name and
//! its values separated by commas (`Color` · `Oak, Walnut`).

use std::collections::BTreeMap;

use showroom_store::{build_category_tree, Category, CategoryNode, Product};
use uuid::Uuid;

use super::form::{FormData, Refusal};
use crate::routes::input::{CreateProductInput, OptionInput, UpdateProductInput};

/// Option rows a product form offers.
pub const OPTION_ROWS: usize = 5;

pub struct OptionRow {
    pub index: usize,
    pub name: String,
    pub values: String,
}

/// The details as typed, or as stored.
pub struct ProductForm {
    pub title: String,
    pub slug: String,
    pub description: String,
    pub category_id: String,
    pub attributes: String,
    pub options: Vec<OptionRow>,
}

/// A category in a `<select>`, indented by its depth in the tree.
pub struct CategoryChoice {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

fn option_rows(filled: Vec<(String, String)>) -> Vec<OptionRow> {
    (0..OPTION_ROWS)
        .map(|index| {
            let (name, values) = filled.get(index).cloned().unwrap_or_default();
            OptionRow {
                index,
                name,
                values,
            }
        })
        .collect()
}

impl ProductForm {
    pub fn empty() -> Self {
        Self {
            title: String::new(),
            slug: String::new(),
            description: String::new(),
            category_id: String::new(),
            attributes: String::new(),
            options: option_rows(Vec::new()),
        }
    }

    pub fn from_product(product: &Product) -> Self {
        Self {
            title: product.title.as_str().to_owned(),
            slug: product.slug.as_str().to_owned(),
            description: product.description.as_str().to_owned(),
            category_id: product
                .category_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            attributes: product
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            options: option_rows(
                product
                    .options
                    .iter()
                    .map(|o| (o.name.clone(), o.values.join(", ")))
                    .collect(),
            ),
        }
    }

    pub fn from_form(form: &FormData) -> Self {
        Self {
            title: form.get("title").to_owned(),
            slug: form.get("slug").to_owned(),
            description: form.get("description").to_owned(),
            category_id: form.get("category_id").to_owned(),
            attributes: form.get("attributes").to_owned(),
            options: option_rows(
                (0..OPTION_ROWS)
                    .map(|i| {
                        (
                            form.get(&format!("option_name_{i}")).to_owned(),
                            form.get(&format!("option_values_{i}")).to_owned(),
                        )
                    })
                    .collect(),
            ),
        }
    }

    fn category(&self) -> Result<Option<Uuid>, Refusal> {
        match self.category_id.trim() {
            "" => Ok(None),
            raw => Uuid::parse_str(raw)
                .map(Some)
                .map_err(|_| Refusal::field("category_id", "Pick a category from the list")),
        }
    }

    fn attribute_map(&self) -> Result<BTreeMap<String, String>, Refusal> {
        let mut map = BTreeMap::new();
        for line in self
            .attributes
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let Some((name, value)) = line.split_once(':') else {
                return Err(Refusal::field(
                    "attributes",
                    format!("Write each attribute on its own line as `Name: value` (“{line}” has no colon)"),
                ));
            };
            map.insert(name.trim().to_owned(), value.trim().to_owned());
        }
        Ok(map)
    }

    fn option_inputs(&self) -> Vec<OptionInput> {
        self.options
            .iter()
            .filter(|row| !row.name.trim().is_empty() || !row.values.trim().is_empty())
            .map(|row| OptionInput {
                name: row.name.clone(),
                values: row
                    .values
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
            .collect()
    }

    /// The create input of `POST /api/v1/admin/products` (a draft).
    pub fn create_input(&self) -> Result<CreateProductInput, Refusal> {
        Ok(CreateProductInput {
            slug: Some(self.slug.trim().to_owned()).filter(|s| !s.is_empty()),
            title: self.title.clone(),
            description: self.description.clone(),
            status: None,
            category_id: self.category()?,
            attributes: self.attribute_map()?,
            options: self.option_inputs(),
        })
    }

    /// The patch of `PATCH /api/v1/admin/products/{id}`: every field, as the form holds them all.
    pub fn update_input(&self) -> Result<UpdateProductInput, Refusal> {
        let slug = self.slug.trim();
        Ok(UpdateProductInput {
            slug: (!slug.is_empty()).then(|| slug.to_owned()),
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            category_id: Some(self.category()?),
            attributes: Some(self.attribute_map()?),
            options: Some(self.option_inputs()),
        })
    }
}

/// Maps the API's field paths onto this form's inputs: `options[1].values[0]` → `option_values_1`.
pub fn form_field(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("options[") {
        let index: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let part = if rest.contains("].name") {
            "option_name"
        } else {
            "option_values"
        };
        return format!("{part}_{index}");
    }
    super::form::top_field(path)
}

/// Every category, depth-first by name, indented, with `selected` chosen.
pub fn category_choices(categories: Vec<Category>, selected: &str) -> Vec<CategoryChoice> {
    fn walk(nodes: &[CategoryNode], depth: usize, selected: &str, out: &mut Vec<CategoryChoice>) {
        for node in nodes {
            let id = node.category.id.to_string();
            out.push(CategoryChoice {
                label: format!("{}{}", "— ".repeat(depth), node.category.name),
                selected: id == selected,
                id,
            });
            walk(&node.children, depth + 1, selected, out);
        }
    }
    let mut out = Vec::new();
    walk(&build_category_tree(categories), 0, selected, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_errors_land_on_their_row() {
        assert_eq!(form_field("options[1].values[0]"), "option_values_1");
        assert_eq!(form_field("options[3].name"), "option_name_3");
        assert_eq!(form_field("attributes.Material"), "attributes");
        assert_eq!(form_field("slug"), "slug");
    }

    #[test]
    fn typed_attributes_and_options_become_api_inputs() {
        let form = FormData::from_pairs(vec![
            ("title".into(), "Oak chair".into()),
            (
                "attributes".into(),
                "Material: Oak\n\n Finish : Oiled ".into(),
            ),
            ("option_name_0".into(), "Color".into()),
            ("option_values_0".into(), "Oak, Walnut,".into()),
        ]);
        let input = ProductForm::from_form(&form).create_input().unwrap();
        assert_eq!(input.attributes["Finish"], "Oiled");
        assert_eq!(input.options.len(), 1);
        assert_eq!(input.options[0].values, ["Oak", "Walnut"]);
        let bad = FormData::from_pairs(vec![("attributes".into(), "no colon here".into())]);
        assert!(matches!(
            ProductForm::from_form(&bad).create_input(),
            Err(Refusal::Field { field, .. }) if field == "attributes"
        ));
    }
}
