//! Textures and materials after images were kept, merged or dropped.
//!
//! Texture sources (core `source` and extension sources such as `KHR_texture_basisu`) follow
//! the images to their new indices. `EXT_texture_webp` is folded away: its image is a PNG now,
//! so it becomes the core source when there was none. A texture left without any source is
//! removed, and so is every texture reference to it in the materials, core or inside material
//! extensions (any object with an `index` in a material is a texture reference). A removed
//! emissive texture also zeroes `emissiveFactor`, as the scene decoder does: the factor alone
//! would make the whole surface glow.
//!
//! [`uv_shifts`] tells the encoder how far texture coordinates may move by whole repeats
//! without changing any texture lookup, from the samplers' wrap modes.

use serde_json::{json, Map, Value};

use super::encoding::Shift;

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

const REPEAT: u64 = 10_497;
const MIRRORED_REPEAT: u64 = 33_648;

/// For each texture coordinate set, how far the sets of `primitive` may be moved by whole
/// repeats (see [`Shift`]): the strictest rule over every texture any of its materials
/// (its own and its `KHR_materials_variants` mappings) reads from that set.
pub(crate) fn uv_shifts(json: &Value, primitive: &Value) -> Vec<[Shift; 2]> {
    let mut materials: Vec<usize> = primitive["material"]
        .as_u64()
        .into_iter()
        .map(|m| m as usize)
        .collect();
    let mappings = primitive["extensions"]["KHR_materials_variants"]["mappings"].as_array();
    materials.extend(
        mappings
            .into_iter()
            .flatten()
            .filter_map(|m| index(&m["material"])),
    );
    let mut shifts: Vec<[Shift; 2]> = Vec::new();
    for material in materials {
        let mut infos = Vec::new();
        texture_infos(&json["materials"][material], &mut infos);
        for info in infos {
            let transform = &info["extensions"]["KHR_texture_transform"];
            let set = transform["texCoord"]
                .as_u64()
                .or_else(|| info["texCoord"].as_u64())
                .unwrap_or(0) as usize;
            if set > 32 {
                continue;
            }
            if shifts.len() <= set {
                shifts.resize(set + 1, [Shift::Any; 2]);
            }
            let texture = index(&info["index"]).map(|t| &json["textures"][t]);
            let sampler = texture
                .and_then(|t| index(&t["sampler"]))
                .map(|s| &json["samplers"][s]);
            for (axis, key) in ["wrapS", "wrapT"].into_iter().enumerate() {
                let wrap = sampler.and_then(|s| s[key].as_u64()).unwrap_or(REPEAT);
                let rule = match wrap {
                    _ if transform.is_object() => Shift::No,
                    REPEAT => Shift::Any,
                    MIRRORED_REPEAT => Shift::Even,
                    _ => Shift::No,
                };
                let slot = &mut shifts[set][axis];
                *slot = strictest(*slot, rule);
            }
        }
    }
    shifts
}

fn strictest(a: Shift, b: Shift) -> Shift {
    match (a, b) {
        (Shift::No, _) | (_, Shift::No) => Shift::No,
        (Shift::Even, _) | (_, Shift::Even) => Shift::Even,
        _ => Shift::Any,
    }
}

/// Every texture reference (an object with an `index`) under a material, extensions included.
fn texture_infos<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    let Some(object) = value.as_object() else {
        return;
    };
    for (key, child) in object {
        if key == "extras" || !child.is_object() {
            continue;
        }
        if child.get("index").is_some() {
            out.push(child);
        } else {
            texture_infos(child, out);
        }
    }
}
