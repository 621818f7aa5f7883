//! The extension lists of an output, derived from what the output really contains.
//!
//! `extensionsUsed` lists every extension named in an `extensions` object of the output (in the
//! input's order, new ones after), plus `KHR_mesh_quantization` when an attribute needs it.
//! `extensionsRequired` keeps the input's requirements that are still used and adds
//! `KHR_mesh_quantization` and `EXT_meshopt_compression` when the delivery GLB uses them (a
//! viewer without them could not read its data). For the plain GLB [`strip_ext`] first removes
//! every `EXT_*` extension object, so none can be listed.

use serde_json::{json, Value};

use crate::gltf::meshopt::EXTENSION as MESHOPT;

const QUANTIZATION: &str = "KHR_mesh_quantization";

/// Removes every `EXT_*` entry of every `extensions` object (`extras` are left alone).
pub(crate) fn strip_ext(json: &mut Value) {
    match json {
        Value::Object(map) => {
            if let Some(Value::Object(extensions)) = map.get_mut("extensions") {
                extensions.retain(|name, _| !name.starts_with("EXT_"));
                if extensions.is_empty() {
                    map.remove("extensions");
                }
            }
            for (key, value) in map.iter_mut() {
                if key != "extras" {
                    strip_ext(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_ext),
        _ => {}
    }
}

/// Every extension named in the document, in first-seen order.
fn present(json: &Value, out: &mut Vec<String>) {
    match json {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "extras" {
                    continue;
                }
                if key == "extensions" {
                    for name in value.as_object().into_iter().flat_map(|e| e.keys()) {
                        if !out.contains(name) {
                            out.push(name.clone());
                        }
                    }
                }
                present(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| present(v, out)),
        _ => {}
    }
}

/// Writes `extensionsUsed` and `extensionsRequired`.
pub(crate) fn declare(json: &mut Value, input: &Value, quantized: bool, compressed: bool) {
    let mut found = Vec::new();
    present(json, &mut found);
    if quantized {
        found.push(QUANTIZATION.to_owned());
    }
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect()
    };
    let input_used = names(&input["extensionsUsed"]);
    let mut used: Vec<String> = input_used
        .iter()
        .filter(|n| found.contains(n))
        .cloned()
        .collect();
    used.extend(found.iter().filter(|n| !input_used.contains(n)).cloned());
    let mut required: Vec<String> = names(&input["extensionsRequired"])
        .into_iter()
        .filter(|n| used.contains(n) && n != QUANTIZATION && n != MESHOPT)
        .collect();
    if quantized {
        required.push(QUANTIZATION.to_owned());
    }
    if compressed {
        required.push(MESHOPT.to_owned());
    }
    let Some(root) = json.as_object_mut() else {
        return;
    };
    root.remove("extensionsUsed");
    root.remove("extensionsRequired");
    if !used.is_empty() {
        root.insert("extensionsUsed".into(), json!(used));
    }
    if !required.is_empty() {
        root.insert("extensionsRequired".into(), json!(required));
    }
}
