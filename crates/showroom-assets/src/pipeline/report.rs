//! Pieces of the processing report: the validation summary a merchant reads first, and the
//! readers the rest of the system uses to get fields back out of a stored report, so the
//! report's shape is known in this one module.

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

/// The `KHR_materials_variants` names a report lists (empty before processing).
pub fn variants(report: &Value) -> Vec<String> {
    string_list(report, "variants")
}

/// The file name of the largest PNG poster of the default look a report lists.
pub fn default_poster(report: &Value) -> Option<String> {
    let files = report.get("files")?.as_object()?;
    files
        .keys()
        .filter_map(|name| {
            let size = name
                .strip_prefix("poster-default-")?
                .strip_suffix(".png")?
                .parse::<u32>()
                .ok()?;
            Some((size, name))
        })
        .max()
        .map(|(_, name)| name.clone())
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
