//! Textures and materials after images were kept, merged or dropped.
//!
//! Texture sources (core `source` and extension sources such as `KHR_texture_basisu`) follow
//! the images to their new indices. `EXT_texture_webp` is folded away: its image is a PNG now,
//! so it becomes the core source when there was none. A texture left without any source is
//! removed, and so is every texture reference to it in the materials, core or inside material
//! extensions (any object with an `index` in a material is a texture reference). A removed
//! emissive texture also zeroes `emissiveFactor`, as the scene decoder does: the factor alone
//! would make the whole surface glow.

use serde_json::{json, Map, Value};

const WEBP: &str = "EXT_texture_webp";

fn index(value: &Value) -> Option<usize> {
    value.as_u64().and_then(|v| usize::try_from(v).ok())
}

/// Remaps textures to the new images; returns a warning for each material reference removed.
pub(crate) fn remap_textures(json: &mut Value, images: &[Option<usize>]) -> Vec<String> {
    let image = |v: &Value| index(v).and_then(|i| images.get(i).copied().flatten());
    let textures = json["textures"].as_array().cloned().unwrap_or_default();
    let mut kept = Vec::with_capacity(textures.len());
    let mut texture_map: Vec<Option<usize>> = Vec::with_capacity(textures.len());
    for mut texture in textures {
        let Some(object) = texture.as_object_mut() else {
            texture_map.push(None);
            continue;
        };
        let source = object.get("source").and_then(image);
        object.remove("source");
        let mut webp = None;
        if let Some(extensions) = object.get_mut("extensions").and_then(Value::as_object_mut) {
            let names: Vec<String> = extensions.keys().cloned().collect();
            for name in names {
                let Some(ext_source) = extensions[&name].get("source") else {
                    continue;
                };
                let mapped = image(ext_source);
                if name == WEBP {
                    webp = mapped;
                    extensions.remove(&name);
                } else if let Some(mapped) = mapped {
                    extensions[&name]["source"] = json!(mapped);
                } else {
                    extensions.remove(&name);
                }
            }
            if extensions.is_empty() {
                object.remove("extensions");
            }
        }
        let has_extension_source = object
            .get("extensions")
            .and_then(Value::as_object)
            .is_some_and(|e| e.values().any(|x| x.get("source").is_some()));
        match source.or(webp) {
            Some(s) => {
                object.insert("source".into(), json!(s));
            }
            None if has_extension_source => {}
            None => {
                texture_map.push(None);
                continue;
            }
        }
        texture_map.push(Some(kept.len()));
        kept.push(texture);
    }
    json["textures"] = Value::Array(kept);
    let mut warnings = Vec::new();
    if let Some(materials) = json.get_mut("materials").and_then(Value::as_array_mut) {
        for (m, material) in materials.iter_mut().enumerate() {
            let pointer = format!("/materials/{m}");
            if let Some(object) = material.as_object_mut() {
                remap_infos(object, &texture_map, &pointer, &mut warnings);
                if !object.contains_key("emissiveTexture")
                    && warnings
                        .iter()
                        .any(|w| w.starts_with(&format!("{pointer}/emissiveTexture ")))
                {
                    object.insert("emissiveFactor".into(), json!([0.0, 0.0, 0.0]));
                }
            }
        }
    }
    warnings
}

/// Rewrites (or removes) every texture reference under `object`.
fn remap_infos(
    object: &mut Map<String, Value>,
    textures: &[Option<usize>],
    pointer: &str,
    warnings: &mut Vec<String>,
) {
    let keys: Vec<String> = object.keys().cloned().collect();
    for key in keys {
        let at = format!("{pointer}/{key}");
        let Some(Value::Object(child)) = object.get_mut(&key) else {
            continue;
        };
        if key == "extras" {
            continue;
        }
        match child.get("index").and_then(index) {
            Some(old) => match textures.get(old).copied().flatten() {
                Some(new) => {
                    child.insert("index".into(), json!(new));
                }
                None => {
                    object.remove(&key);
                    warnings.push(format!(
                        "{at} removed: texture {old} has no image we could keep"
                    ));
                }
            },
            None => remap_infos(child, textures, &at, warnings),
        }
    }
}
