//! Rules for mesh primitives that link several objects: attribute accessor formats (with what
//! `KHR_mesh_quantization` adds, and the rule that a file using quantized attributes must
//! *require* that extension), equal vertex counts, bounds on POSITION, index accessor format,
//! index count against the drawing mode, and morph target counts.

use super::document::{Accessor, ComponentType as C, Document, ElementType as E, Primitive};
use super::json::{child, item};
use super::problem::Validation;

const QUANTIZATION: &str = "KHR_mesh_quantization";

/// Whether a format is allowed for a semantic in core glTF, only with quantization, or never.
#[derive(PartialEq, Eq)]
enum Allowed {
    Core,
    Quantized,
    No,
}

fn allowed(semantic: &str, accessor: &Accessor) -> Allowed {
    let Some((component, element)) = accessor.format() else {
        return Allowed::No;
    };
    let norm = accessor.normalized;
    let family = semantic.split('_').next().unwrap_or(semantic);
    let element_ok = match family {
        "POSITION" | "NORMAL" => element == E::Vec3,
        "TANGENT" | "JOINTS" | "WEIGHTS" => element == E::Vec4,
        "TEXCOORD" => element == E::Vec2,
        "COLOR" => matches!(element, E::Vec3 | E::Vec4),
        _ => return Allowed::Core,
    };
    if !element_ok {
        return Allowed::No;
    }
    let core = match family {
        "POSITION" | "NORMAL" | "TANGENT" => component == C::F32,
        "JOINTS" => matches!(component, C::U8 | C::U16) && !norm,
        _ => component == C::F32 || (matches!(component, C::U8 | C::U16) && norm),
    };
    if core {
        return Allowed::Core;
    }
    let quantized = match family {
        "POSITION" => component != C::F32 && component != C::U32,
        "NORMAL" | "TANGENT" => matches!(component, C::I8 | C::I16) && norm,
        "TEXCOORD" => component != C::U32 && component != C::F32,
        _ => false,
    };
    if quantized {
        Allowed::Quantized
    } else {
        Allowed::No
    }
}

pub(crate) fn check(doc: &Document, report: &mut Validation) {
    let mut needs_quantization = None;
    for (m, mesh) in doc.meshes.iter().enumerate() {
        for (p, primitive) in mesh.primitives.iter().enumerate() {
            let ptr = item(&child(&item("/meshes", m), "primitives"), p);
            check_primitive(doc, primitive, &ptr, &mut needs_quantization, report);
        }
    }
    let Some(first_use) = needs_quantization else {
        return;
    };
    if doc.extensions_required.iter().any(|e| e == QUANTIZATION) {
        return;
    }
    match doc.extensions_used.iter().position(|e| e == QUANTIZATION) {
        Some(i) => report.error(
            "NON_REQUIRED_EXTENSION",
            &item("/extensionsUsed", i),
            "quantized attributes need KHR_mesh_quantization in extensionsRequired",
        ),
        None => report.error(
            "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT",
            &first_use,
            "a quantized attribute format without KHR_mesh_quantization",
        ),
    }
}

fn check_primitive(
    doc: &Document,
    primitive: &Primitive,
    ptr: &str,
    needs_quantization: &mut Option<String>,
    report: &mut Validation,
) {
    let attributes_ptr = child(ptr, "attributes");
    let mut vertex_count = None;
    for (name, index) in &primitive.attributes {
        let accessor = &doc.accessors[*index];
        let at = child(&attributes_ptr, name);
        match allowed(name, accessor) {
            Allowed::Core => {}
            Allowed::Quantized => {
                needs_quantization.get_or_insert_with(|| at.clone());
            }
            Allowed::No if accessor.format().is_none() => report.error(
                "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT",
                &at,
                "the accessor's format is unknown",
            ),
            Allowed::No => report.error(
                "MESH_PRIMITIVE_ATTRIBUTES_ACCESSOR_INVALID_FORMAT",
                &at,
                format!("this accessor format is not allowed for {name}"),
            ),
        }
        match vertex_count {
            None => vertex_count = Some(accessor.count),
            Some(count) if count != accessor.count => report.error(
                "MESH_PRIMITIVE_UNEQUAL_ACCESSOR_COUNT",
                &at,
                format!("{} elements, other attributes have {count}", accessor.count),
            ),
            Some(_) => {}
        }
        if name == "POSITION" && (accessor.min.is_none() || accessor.max.is_none()) {
            report.error(
                "MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS",
                &at,
                "the POSITION accessor needs min and max",
            );
        }
    }
    if primitive.attribute("POSITION").is_none() && !primitive.attributes.is_empty() {
        report.warning(
            "MESH_PRIMITIVE_NO_POSITION",
            &attributes_ptr,
            "no POSITION attribute",
        );
    }
    let drawn = match primitive.indices {
        Some(index) => {
            let accessor = &doc.accessors[index];
            let valid = matches!(
                accessor.format(),
                Some((C::U8 | C::U16 | C::U32, E::Scalar))
            ) && !accessor.normalized;
            if !valid && accessor.format().is_some() {
                report.error(
                    "MESH_PRIMITIVE_INDICES_ACCESSOR_INVALID_FORMAT",
                    &child(ptr, "indices"),
                    "indices must be SCALAR UNSIGNED_BYTE, UNSIGNED_SHORT or UNSIGNED_INT",
                );
            }
            Some(accessor.count)
        }
        None => vertex_count,
    };
    if let Some(n) = drawn {
        let compatible = match primitive.mode {
            1 => n % 2 == 0,
            2 | 3 => n >= 2,
            4 => n % 3 == 0,
            5 | 6 => n >= 3,
            _ => true,
        };
        if !compatible {
            report.warning(
                "MESH_PRIMITIVE_INCOMPATIBLE_MODE",
                ptr,
                format!(
                    "{n} vertices or indices do not fit drawing mode {}",
                    primitive.mode
                ),
            );
        }
    }
    for (t, target) in primitive.targets.iter().enumerate() {
        for (name, index) in target {
            if vertex_count.is_some_and(|count| count != doc.accessors[*index].count) {
                report.error(
                    "MESH_PRIMITIVE_MORPH_TARGET_INVALID_ATTRIBUTE_COUNT",
                    &child(&item(&child(ptr, "targets"), t), name),
                    "a morph target attribute has a different count than the base",
                );
            }
        }
    }
}
