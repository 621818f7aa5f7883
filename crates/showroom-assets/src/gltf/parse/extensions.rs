//! `extensionsUsed` and `extensionsRequired`, and the rule that binds them to the document.
//!
//! - every required extension must also be used (`UNUSED_EXTENSION_REQUIRED`);
//! - a required extension we cannot decode makes the asset unusable for us
//!   (`UNSUPPORTED_EXTENSION`, an error); an optional unknown one is only an info;
//! - every `extensions` object in the document may only name declared extensions
//!   (`UNDECLARED_EXTENSION`).
//!
//! [`SUPPORTED`] lists what the pipeline can read or safely ignore. `EXT_meshopt_compression`
//! is decoded (see [`binary`](crate::gltf::binary)), and `KHR_draco_mesh_compression` too
//! (see [`draco`](crate::gltf::draco), before the scene decoder and the optimizer).
//! `KHR_texture_basisu` images are carried through to the delivery GLB untouched (the scene
//! decoder transcodes them for posters when it can, else draws the material's factors), so it
//! is supported too. `EXT_mesh_gpu_instancing` is not expanded, so requiring it is an error.

use serde_json::Value;

use crate::gltf::document::Document;
use crate::gltf::json::{child, item, Obj};
use crate::gltf::problem::Validation;

/// Extensions the pipeline decodes or can ignore without misreading the asset.
pub(crate) const SUPPORTED: &[&str] = &[
    "KHR_mesh_quantization",
    "KHR_materials_variants",
    "KHR_texture_transform",
    "KHR_lights_punctual",
    "KHR_xmp_json_ld",
    "EXT_texture_webp",
    "EXT_meshopt_compression",
    "KHR_draco_mesh_compression",
    "KHR_texture_basisu",
];

/// Material extensions are all known: they change shading, never geometry.
pub(crate) fn is_supported(name: &str) -> bool {
    SUPPORTED.contains(&name) || name.starts_with("KHR_materials_")
}

fn names(root: &Obj<'_>, key: &str, report: &mut Validation) -> Vec<String> {
    let Some(items) = root.array(key, true, report) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for (i, value) in items.iter().enumerate() {
        match value.as_str() {
            Some(name) if out.iter().any(|n| n == name) => {
                report.error(
                    "DUPLICATE_ELEMENTS",
                    &item(&root.at(key), i),
                    format!("`{name}` is listed twice"),
                );
            }
            Some(name) => out.push(name.to_owned()),
            None => report.error(
                "TYPE_MISMATCH",
                &item(&root.at(key), i),
                "expected an extension name (string)",
            ),
        }
    }
    out
}

pub(super) fn parse_lists(root: &Obj<'_>, doc: &mut Document, report: &mut Validation) {
    doc.extensions_used = names(root, "extensionsUsed", report);
    doc.extensions_required = names(root, "extensionsRequired", report);
    for (i, name) in doc.extensions_used.iter().enumerate() {
        if !is_supported(name) && !doc.extensions_required.contains(name) {
            report.info(
                "UNSUPPORTED_EXTENSION",
                &item("/extensionsUsed", i),
                format!("`{name}` is not interpreted"),
            );
        }
    }
    for (i, name) in doc.extensions_required.iter().enumerate() {
        let at = item("/extensionsRequired", i);
        if !doc.extensions_used.contains(name) {
            report.error(
                "UNUSED_EXTENSION_REQUIRED",
                &at,
                format!("`{name}` is required but not in extensionsUsed"),
            );
        }
        if !is_supported(name) {
            report.error(
                "UNSUPPORTED_EXTENSION",
                &at,
                format!("`{name}` is required and we cannot decode it"),
            );
        }
    }
}

/// Walks the whole document for `extensions` objects naming undeclared extensions.
pub(super) fn check_declared(root: &Value, doc: &Document, report: &mut Validation) {
    // An explicit stack: the depth is already bounded by the JSON parser, but a loop keeps the
    // cost to one visit per value.
    let mut stack: Vec<(&Value, String)> = vec![(root, String::new())];
    while let Some((value, ptr)) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child_value) in map {
                    if key == "extras" {
                        continue;
                    }
                    let at = child(&ptr, key);
                    if key == "extensions" {
                        if let Some(exts) = child_value.as_object() {
                            for name in exts.keys() {
                                if !doc.extensions_used.iter().any(|u| u == name) {
                                    report.error(
                                        "UNDECLARED_EXTENSION",
                                        &child(&at, name),
                                        format!("`{name}` is not declared in extensionsUsed"),
                                    );
                                }
                            }
                        }
                    }
                    stack.push((child_value, at));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    if v.is_object() || v.is_array() {
                        stack.push((v, item(&ptr, i)));
                    }
                }
            }
            _ => {}
        }
    }
}
