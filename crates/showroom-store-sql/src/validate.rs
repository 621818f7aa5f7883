//! Rules about options that the schema cannot express: a product declares each option name once
//! (names compare case-insensitively) with distinct, non-empty values, and a variant may only pick
//! declared values of declared options.

use std::collections::{BTreeMap, HashSet};

use showroom_store::{ProductOption, StoreError};

pub(crate) fn options(options: &[ProductOption]) -> Result<(), StoreError> {
    let bad = |message: String| Err(StoreError::invalid("options", message));
    let mut names = HashSet::new();
    for option in options {
        let name = option.name.trim();
        if name.is_empty() || option.values.is_empty() {
            return bad("every option has a name and at least one value".into());
        }
        if !names.insert(name.to_lowercase()) {
            return bad(format!("the option `{name}` is declared twice"));
        }
        let mut values = HashSet::new();
        if option
            .values
            .iter()
            .any(|v| v.trim().is_empty() || !values.insert(v.as_str()))
        {
            return bad(format!(
                "the values of `{name}` must be distinct and non-empty"
            ));
        }
    }
    Ok(())
}

pub(crate) fn option_values(
    declared: &[ProductOption],
    chosen: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    for (name, value) in chosen {
        let Some(option) = declared.iter().find(|o| &o.name == name) else {
            return Err(StoreError::invalid(
                "option_values",
                format!("the product has no option `{name}`"),
            ));
        };
        if !option.values.contains(value) {
            return Err(StoreError::invalid(
                "option_values",
                format!("`{value}` is not a value of `{name}`"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color() -> Vec<ProductOption> {
        vec![ProductOption {
            name: "Color".into(),
            values: vec!["Oak".into(), "Ash".into()],
        }]
    }

    #[test]
    fn option_names_are_unique_ignoring_case() {
        let mut twice = color();
        twice.push(ProductOption {
            name: "color".into(),
            values: vec!["Red".into()],
        });
        assert!(options(&color()).is_ok());
        assert!(options(&twice).is_err());
    }

    #[test]
    fn variants_pick_declared_values_only() {
        let pick = |name: &str, value: &str| BTreeMap::from([(name.to_owned(), value.to_owned())]);
        assert!(option_values(&color(), &pick("Color", "Oak")).is_ok());
        assert!(option_values(&color(), &pick("Color", "Pine")).is_err());
        assert!(option_values(&color(), &pick("Size", "L")).is_err());
    }
}
