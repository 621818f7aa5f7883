//! Parses `materials`, `textures`, `images`, `samplers` and the root `KHR_materials_variants`
//! list. Texture references are found generically: any object property named `…Texture` inside
//! a material (core or extension, e.g. `clearcoatTexture`) is a textureInfo whose `index` must
//! resolve, so new `KHR_materials_*` extensions are checked without code for each.

use super::{entries, parsed, Counts};
use crate::gltf::document::{Document, Image, Texture};
use crate::gltf::json::{item, Obj};
use crate::gltf::problem::Validation;

/// Nesting below which texture infos are no longer searched (real materials use 3 levels).
const MAX_MATERIAL_DEPTH: usize = 8;

pub(super) fn parse(root: &Obj<'_>, counts: &Counts, doc: &mut Document, report: &mut Validation) {
    let materials = entries(root, "materials", report);
    doc.materials = materials.len();
    for material in materials.iter().flatten() {
        check_material(material, counts, report);
    }
    doc.textures = parsed(root, "textures", report, |o, report| {
        texture(o, counts, report)
    });
    doc.images = parsed(root, "images", report, |o, report| image(o, counts, report));
    for sampler in entries(root, "samplers", report).iter().flatten() {
        for key in ["magFilter", "minFilter", "wrapS", "wrapT"] {
            sampler.uint(key, report);
        }
    }
    doc.variants = variants(root, report);
}

fn check_material(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) {
    obj.string("name", report);
    if let Some(pbr) = obj.object("pbrMetallicRoughness", report) {
        pbr.numbers_in("baseColorFactor", 4, 0.0, 1.0, report);
        pbr.number_in("metallicFactor", 0.0, 1.0, false, report);
        pbr.number_in("roughnessFactor", 0.0, 1.0, false, report);
    }
    obj.numbers_in("emissiveFactor", 3, 0.0, 1.0, report);
    let alpha_mode = obj.enum_str("alphaMode", &["OPAQUE", "MASK", "BLEND"], report);
    if obj
        .number_in("alphaCutoff", 0.0, f64::MAX, false, report)
        .is_some()
        && alpha_mode != Some("MASK")
    {
        report.warning(
            "MATERIAL_ALPHA_CUTOFF_INVALID_MODE",
            &obj.at("alphaCutoff"),
            "alphaCutoff is used only with alphaMode MASK",
        );
    }
    obj.boolean("doubleSided", report);
    if let Some(occlusion) = obj.object("occlusionTexture", report) {
        occlusion.number_in("strength", 0.0, 1.0, false, report);
    }
    super::khr_ranges::check_material(obj, report);
    texture_infos(obj, counts, 0, report);
}

fn texture_infos(obj: &Obj<'_>, counts: &Counts, depth: usize, report: &mut Validation) {
    if depth > MAX_MATERIAL_DEPTH {
        return;
    }
    for (key, value) in obj.map {
        if key == "extras" || !value.is_object() {
            continue;
        }
        let Some(child) = Obj::new(value, obj.at(key), report) else {
            continue;
        };
        if key.ends_with("Texture") {
            child.req_reference("index", "textures", counts.textures, report);
            child.uint("texCoord", report);
            if let Some(transform) = child
                .object("extensions", report)
                .and_then(|e| e.object("KHR_texture_transform", report))
            {
                transform.numbers("offset", &[2], report);
                transform.number("rotation", report);
                transform.numbers("scale", &[2], report);
                transform.uint("texCoord", report);
            }
        } else {
            texture_infos(&child, counts, depth + 1, report);
        }
    }
}

fn texture(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Texture {
    obj.reference("sampler", "samplers", counts.samplers, report);
    let mut extension_sources = Vec::new();
    if let Some(extensions) = obj.object("extensions", report) {
        for (name, value) in extensions.map {
            let Some(map) = value.as_object() else {
                continue;
            };
            let ext = Obj {
                map,
                ptr: extensions.at(name),
            };
            if let Some(source) = ext.reference("source", "images", counts.images, report) {
                extension_sources.push((name.clone(), source));
            }
        }
    }
    obj.reference("source", "images", counts.images, report);
    Texture { extension_sources }
}

fn image(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Image {
    let uri = obj.string("uri", report).map(str::to_owned);
    let buffer_view = obj.reference("bufferView", "bufferViews", counts.buffer_views, report);
    let mime_type = obj.string("mimeType", report).map(str::to_owned);
    let has_view = obj.get("bufferView").is_some();
    if obj.get("uri").is_some() == has_view {
        report.error(
            "ONE_OF_MISMATCH",
            &obj.ptr,
            "exactly one of `uri` and `bufferView` must be defined",
        );
    }
    if has_view && obj.get("mimeType").is_none() {
        report.error(
            "UNDEFINED_PROPERTY",
            &obj.ptr,
            "an image in a bufferView needs `mimeType`",
        );
    }
    Image {
        uri,
        buffer_view,
        mime_type,
    }
}

fn variants(root: &Obj<'_>, report: &mut Validation) -> Vec<Option<String>> {
    let Some(ext) = root
        .object("extensions", report)
        .and_then(|e| e.object("KHR_materials_variants", report))
    else {
        return Vec::new();
    };
    let Some(items) = ext.req_array("variants", report) else {
        return Vec::new();
    };
    let base = ext.at("variants");
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Obj::new(v, item(&base, i), report)
                .and_then(|o| o.req_string("name", report).map(str::to_owned))
        })
        .collect()
}
