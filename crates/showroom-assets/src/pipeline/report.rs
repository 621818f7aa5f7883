//! Pieces of the processing report: the validation summary a merchant reads first, and helpers
//! to read lists back out of sub-reports.

use serde_json::{json, Value};

use crate::gltf::Validation;

/// The validation as stored in the report: counts and every listed problem.
pub fn validation(validation: &Validation) -> Value {
    json!({
        "errors": validation.errors,
        "warnings": validation.warnings,
        "infos": validation.infos,
        "truncated": validation.truncated,
        "problems": validation.problems,
    })
}

/// The strings of array `key` of a JSON object (empty when absent or not strings).
pub fn string_list(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
