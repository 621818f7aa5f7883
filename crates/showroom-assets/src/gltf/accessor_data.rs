//! Element-level checks over real accessor bytes: every float finite, declared `min`/`max`
//! equal to the real extremes, every index below its primitive's vertex count and not a
//! primitive-restart value. The rules for what vertex attributes mean (unit normals, tangent
//! signs, skin weights) are in [`attribute_values`], on the same budget.
//!
//! Only *located* accessors (whose whole range exists, see [`binary`](super::binary)) are read,
//! with bounds-checked slicing, so malformed data cannot cause a panic. The total bytes scanned
//! are capped by [`MAX_SCANNED_ACCESSOR_BYTES`]: the checks are linear in real data, and a file
//! that points a million accessors at the same megabyte stops after the budget with a warning.

use super::attribute_values;
use super::binary::Binary;
use super::document::{Accessor, ComponentType, Document};
use super::json::{child, item};
use super::limits::MAX_SCANNED_ACCESSOR_BYTES;
use super::problem::Validation;

pub(super) struct Scan {
    remaining: u64,
    exhausted: bool,
}

impl Scan {
    pub(super) fn allow(&mut self, bytes: u64, report: &mut Validation) -> bool {
        if bytes <= self.remaining {
            self.remaining -= bytes;
            return true;
        }
        if !self.exhausted {
            self.exhausted = true;
            report.warning(
                "DATA_CHECKS_SKIPPED",
                "",
                format!("more than {MAX_SCANNED_ACCESSOR_BYTES} bytes of accessor data: the remaining element checks were skipped"),
            );
        }
        false
    }
}

pub(crate) fn check(doc: &Document, binary: &Binary<'_>, report: &mut Validation) {
    let mut scan = Scan {
        remaining: MAX_SCANNED_ACCESSOR_BYTES,
        exhausted: false,
    };
    for (i, accessor) in doc.accessors.iter().enumerate() {
        if accessor.sparse.is_none() {
            check_values(i, accessor, binary, &mut scan, report);
        }
    }
    for (m, mesh) in doc.meshes.iter().enumerate() {
        for (p, primitive) in mesh.primitives.iter().enumerate() {
            let (Some(indices), Some(first)) = (primitive.indices, primitive.attributes.first())
            else {
                continue;
            };
            let vertices = primitive
                .attribute("POSITION")
                .map_or(doc.accessors[first.1].count, |a| doc.accessors[a].count);
            let ptr = format!("/meshes/{m}/primitives/{p}/indices");
            check_indices(
                indices,
                &doc.accessors[indices],
                vertices,
                binary,
                &mut scan,
                &ptr,
                report,
            );
        }
    }
    attribute_values::check(doc, binary, &mut scan, report);
}

/// Reads component `c` of element `e`.
pub(super) fn component(
    bytes: &[u8],
    stride: usize,
    offset: u64,
    component: ComponentType,
    e: u64,
) -> Option<f64> {
    let at = (e as usize)
        .checked_mul(stride)?
        .checked_add(offset as usize)?;
    let end = at.checked_add(component.size() as usize)?;
    Some(component.read(bytes.get(at..end)?))
}

fn check_values(
    i: usize,
    accessor: &Accessor,
    binary: &Binary<'_>,
    scan: &mut Scan,
    report: &mut Validation,
) {
    let (Some((component_type, element)), Some((bytes, stride))) =
        (accessor.format(), binary.accessor(i))
    else {
        return;
    };
    if !scan.allow(
        accessor.count * element.element_size(component_type),
        report,
    ) {
        return;
    }
    let ptr = item("/accessors", i);
    let n = element.components();
    let mut lowest = vec![f64::INFINITY; n];
    let mut highest = vec![f64::NEG_INFINITY; n];
    let mut invalid = 0u64;
    for e in 0..accessor.count {
        for c in 0..n {
            let offset = element.component_offset(component_type, c);
            let Some(value) = component(bytes, stride, offset, component_type, e) else {
                return;
            };
            if !value.is_finite() {
                if invalid == 0 {
                    report.error(
                        "ACCESSOR_INVALID_FLOAT",
                        &ptr,
                        format!("element {e} component {c} is {value}"),
                    );
                }
                invalid += 1;
                continue;
            }
            lowest[c] = lowest[c].min(value);
            highest[c] = highest[c].max(value);
        }
    }
    let as_stored = |declared: f64| {
        if component_type == ComponentType::F32 {
            f64::from(declared as f32)
        } else {
            declared
        }
    };
    if let Some(min) = &accessor.min {
        for (c, (&declared, &actual)) in min.iter().zip(&lowest).enumerate() {
            let declared = as_stored(declared);
            let at = item(&child(&ptr, "min"), c);
            if actual < declared {
                report.error(
                    "ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND",
                    &at,
                    format!("an element is {actual}, below the declared minimum {declared}"),
                );
            } else if actual.is_finite() && actual != declared {
                report.error(
                    "ACCESSOR_MIN_MISMATCH",
                    &at,
                    format!("declared minimum {declared} is not the actual minimum {actual}"),
                );
            }
        }
    }
    if let Some(max) = &accessor.max {
        for (c, (&declared, &actual)) in max.iter().zip(&highest).enumerate() {
            let declared = as_stored(declared);
            let at = item(&child(&ptr, "max"), c);
            if actual > declared {
                report.error(
                    "ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND",
                    &at,
                    format!("an element is {actual}, above the declared maximum {declared}"),
                );
            } else if actual.is_finite() && actual != declared {
                report.error(
                    "ACCESSOR_MAX_MISMATCH",
                    &at,
                    format!("declared maximum {declared} is not the actual maximum {actual}"),
                );
            }
        }
    }
}

fn check_indices(
    index: usize,
    accessor: &Accessor,
    vertices: u64,
    binary: &Binary<'_>,
    scan: &mut Scan,
    ptr: &str,
    report: &mut Validation,
) {
    let Some((bytes, stride)) = binary.accessor(index) else {
        return;
    };
    let restart = match accessor.component {
        Some(ComponentType::U8) => 255.0,
        Some(ComponentType::U16) => 65_535.0,
        Some(ComponentType::U32) => 4_294_967_295.0,
        _ => return,
    };
    let component_type = accessor.component.unwrap_or(ComponentType::U32);
    if !scan.allow(accessor.count * component_type.size(), report) {
        return;
    }
    let (mut out_of_range, mut restarts) = (0u64, 0u64);
    let mut first_bad = None;
    for e in 0..accessor.count {
        let Some(value) = component(bytes, stride, 0, component_type, e) else {
            return;
        };
        if value == restart {
            restarts += 1;
        } else if value >= vertices as f64 {
            out_of_range += 1;
            first_bad.get_or_insert((e, value));
        }
    }
    if let Some((e, value)) = first_bad {
        report.error(
            "ACCESSOR_INDEX_OOB",
            ptr,
            format!("{out_of_range} indices are not below the vertex count {vertices} (first: element {e} = {value})"),
        );
    }
    if restarts > 0 {
        report.error(
            "ACCESSOR_INDEX_PRIMITIVE_RESTART",
            ptr,
            format!("{restarts} indices are the primitive restart value {restart}"),
        );
    }
}
