//! Parses `buffers`, `bufferViews`, `accessors` and `meshes`: the properties that describe where
//! geometry lives. Byte ranges are only read here; whether they fit the real bytes is checked
//! later by [`binary`](crate::gltf::binary), once the buffers are loaded.

use super::{parsed, Counts};
use crate::gltf::document::{
    Accessor, Buffer, BufferView, ComponentType, Document, ElementType, Mesh, Primitive, Sparse,
    SparseRange,
};
use crate::gltf::json::{item, reference, Obj};
use crate::gltf::problem::Validation;

pub(super) fn parse(root: &Obj<'_>, counts: &Counts, doc: &mut Document, report: &mut Validation) {
    doc.buffers = parsed(root, "buffers", report, buffer);
    doc.buffer_views = parsed(root, "bufferViews", report, |o, report| {
        buffer_view(o, counts, report)
    });
    doc.accessors = parsed(root, "accessors", report, |o, report| {
        accessor(o, counts, report)
    });
    doc.meshes = parsed(root, "meshes", report, |o, report| mesh(o, counts, report));
}

fn at_least_one(obj: &Obj<'_>, key: &str, value: Option<u64>, report: &mut Validation) -> u64 {
    match value {
        Some(0) => {
            report.error("VALUE_NOT_IN_RANGE", &obj.at(key), "must be at least 1");
            0
        }
        Some(n) => n,
        None => 0,
    }
}

fn buffer(obj: &Obj<'_>, report: &mut Validation) -> Buffer {
    let byte_length = obj.req_uint("byteLength", report);
    Buffer {
        uri: obj.string("uri", report).map(str::to_owned),
        byte_length: at_least_one(obj, "byteLength", byte_length, report),
        meshopt_fallback: super::meshopt::is_fallback(obj, report),
    }
}

fn buffer_view(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> BufferView {
    let buffer = obj.req_reference("buffer", "buffers", counts.buffers, report);
    let byte_length = obj.req_uint("byteLength", report);
    let byte_length = at_least_one(obj, "byteLength", byte_length, report);
    let byte_stride = obj.uint("byteStride", report).filter(|&stride| {
        if !(4..=252).contains(&stride) {
            report.error(
                "VALUE_NOT_IN_RANGE",
                &obj.at("byteStride"),
                format!("byteStride {stride} is outside 4..=252"),
            );
            return false;
        }
        if stride % 4 != 0 {
            report.error(
                "VALUE_MULTIPLE_OF",
                &obj.at("byteStride"),
                format!("byteStride {stride} is not a multiple of 4"),
            );
            return false;
        }
        if stride > byte_length && byte_length > 0 {
            report.error(
                "BUFFER_VIEW_TOO_BIG_BYTE_STRIDE",
                &obj.at("byteStride"),
                format!("byteStride {stride} is greater than byteLength {byte_length}"),
            );
            return false;
        }
        true
    });
    if let Some(target) = obj.uint("target", report) {
        if target != 34962 && target != 34963 {
            report.warning(
                "VALUE_NOT_IN_LIST",
                &obj.at("target"),
                format!("target {target} is not 34962 or 34963"),
            );
        }
    }
    BufferView {
        buffer,
        byte_offset: obj.uint("byteOffset", report).unwrap_or(0),
        byte_length,
        byte_stride,
        meshopt: super::meshopt::view(obj, byte_length, byte_stride, counts, report),
    }
}

fn component_type(obj: &Obj<'_>, required: bool, report: &mut Validation) -> Option<ComponentType> {
    let code = if required {
        obj.req_uint("componentType", report)
    } else {
        obj.uint("componentType", report)
    }?;
    let found = ComponentType::from_gl(code);
    if found.is_none() {
        report.warning(
            "VALUE_NOT_IN_LIST",
            &obj.at("componentType"),
            format!("unknown componentType {code}"),
        );
    }
    found
}

fn accessor(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Accessor {
    let component = component_type(obj, true, report);
    let normalized = obj.boolean("normalized", report).unwrap_or(false);
    if normalized && matches!(component, Some(ComponentType::F32 | ComponentType::U32)) {
        report.error(
            "ACCESSOR_NORMALIZED_INVALID",
            &obj.at("normalized"),
            "only (u)byte and (u)short accessors can be normalized",
        );
    }
    let count = obj.req_uint("count", report);
    let count = at_least_one(obj, "count", count, report);
    let element = obj.req_string("type", report).and_then(|name| {
        let found = ElementType::from_name(name);
        if found.is_none() {
            report.warning(
                "VALUE_NOT_IN_LIST",
                &obj.at("type"),
                format!("`{name}` is not one of {:?}", ElementType::NAMES),
            );
        }
        found
    });
    let lengths: Vec<usize> = element.map(|e| vec![e.components()]).unwrap_or_default();
    let sparse = obj
        .object("sparse", report)
        .map(|s| sparse(&s, counts, count, report));
    Accessor {
        buffer_view: obj.reference("bufferView", "bufferViews", counts.buffer_views, report),
        byte_offset: obj.uint("byteOffset", report).unwrap_or(0),
        component,
        normalized,
        count,
        element,
        min: obj.numbers("min", &lengths, report),
        max: obj.numbers("max", &lengths, report),
        sparse,
    }
}

fn sparse(obj: &Obj<'_>, counts: &Counts, accessor_count: u64, report: &mut Validation) -> Sparse {
    let count = obj.req_uint("count", report);
    let count = at_least_one(obj, "count", count, report);
    if count > accessor_count && accessor_count > 0 {
        report.error(
            "ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE",
            &obj.at("count"),
            format!("sparse count {count} is more than the accessor's {accessor_count} elements"),
        );
    }
    let range = |o: &Obj<'_>, report: &mut Validation| SparseRange {
        buffer_view: o.req_reference("bufferView", "bufferViews", counts.buffer_views, report),
        byte_offset: o.uint("byteOffset", report).unwrap_or(0),
    };
    let indices = obj.req_object("indices", report);
    let index_type = indices
        .as_ref()
        .and_then(|o| component_type(o, true, report));
    if matches!(
        index_type,
        Some(ComponentType::I8 | ComponentType::I16 | ComponentType::F32)
    ) {
        report.error(
            "VALUE_NOT_IN_LIST",
            &obj.at("indices"),
            "sparse indices must be unsigned integers",
        );
    }
    let values = obj.req_object("values", report);
    Sparse {
        count,
        indices: indices.map(|o| range(&o, report)).unwrap_or_default(),
        index_type,
        values: values.map(|o| range(&o, report)).unwrap_or_default(),
    }
}

fn mesh(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Mesh {
    let Some(items) = obj.req_array("primitives", report) else {
        return Mesh::default();
    };
    let base = obj.at("primitives");
    let primitives = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Obj::new(v, item(&base, i), report)
                .map(|p| primitive(&p, counts, report))
                .unwrap_or_default()
        })
        .collect();
    Mesh { primitives }
}

fn attribute_map(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Vec<(String, usize)> {
    obj.map
        .iter()
        .filter_map(|(name, value)| {
            let index = reference(value, &obj.at(name), "accessors", counts.accessors, report)?;
            Some((name.clone(), index))
        })
        .collect()
}

fn is_known_semantic(name: &str) -> bool {
    if matches!(name, "POSITION" | "NORMAL" | "TANGENT") || name.starts_with('_') {
        return true;
    }
    ["TEXCOORD_", "COLOR_", "JOINTS_", "WEIGHTS_"]
        .iter()
        .any(|prefix| {
            name.strip_prefix(prefix).is_some_and(|n| {
                !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
                    && (n == "0" || !n.starts_with('0'))
            })
        })
}

fn primitive(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) -> Primitive {
    let attributes = match obj.req_object("attributes", report) {
        Some(attrs) => {
            for name in attrs.map.keys().filter(|n| !is_known_semantic(n)) {
                report.error(
                    "MESH_PRIMITIVE_INVALID_ATTRIBUTE",
                    &attrs.at(name),
                    format!("`{name}` is not a valid attribute semantic"),
                );
            }
            attribute_map(&attrs, counts, report)
        }
        None => Vec::new(),
    };
    let mode = obj.uint("mode", report).unwrap_or(4);
    if mode > 6 {
        report.warning(
            "VALUE_NOT_IN_LIST",
            &obj.at("mode"),
            format!("mode {mode} is not 0..=6"),
        );
    }
    let targets = obj
        .array("targets", true, report)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let target = Obj::new(v, item(&obj.at("targets"), i), report)?;
            Some(attribute_map(&target, counts, report))
        })
        .collect();
    obj.reference("material", "materials", counts.materials, report);
    check_variant_mappings(obj, counts, report);
    Primitive {
        attributes,
        indices: obj.reference("indices", "accessors", counts.accessors, report),
        mode,
        targets,
    }
}

/// `KHR_materials_variants` mappings: references resolve, and each variant is mapped once.
fn check_variant_mappings(obj: &Obj<'_>, counts: &Counts, report: &mut Validation) {
    let Some(ext) = obj
        .object("extensions", report)
        .and_then(|e| e.object("KHR_materials_variants", report))
    else {
        return;
    };
    let Some(items) = ext.req_array("mappings", report) else {
        return;
    };
    let base = ext.at("mappings");
    let mut seen = std::collections::HashSet::new();
    for (i, value) in items.iter().enumerate() {
        let Some(m) = Obj::new(value, item(&base, i), report) else {
            continue;
        };
        m.req_reference("material", "materials", counts.materials, report);
        if m.require("variants", report) {
            m.references("variants", "variants", counts.variants, report);
        }
        // A variant may select only one material per primitive.
        let raw = m
            .get("variants")
            .and_then(|v| v.as_array())
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (k, v) in raw.iter().enumerate() {
            if let Some(variant) = crate::gltf::json::as_uint(v) {
                if !seen.insert(variant) {
                    report.error(
                        "KHR_MATERIALS_VARIANTS_NON_UNIQUE_VARIANT",
                        &item(&m.at("variants"), k),
                        format!("variant {variant} is mapped more than once on this primitive"),
                    );
                }
            }
        }
    }
}
