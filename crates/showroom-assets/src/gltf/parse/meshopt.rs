//! `EXT_meshopt_compression` on buffers and bufferViews: the typed properties and every rule
//! that must hold before a stream may be handed to meshoptimizer's decoder.
//!
//! The decoder itself (in [`binary`](crate::gltf::binary)) trusts the parameters it gets (its
//! C++ asserts or reads out of bounds otherwise), so every combination it cannot take is refused
//! here: `ATTRIBUTES` strides are multiples of 4 up to 256, `TRIANGLES` counts are multiples of
//! 3, index strides are 2 or 4, filters only on `ATTRIBUTES` with the strides they are defined
//! for, and the decoded size `count × byteStride` equals the bufferView's `byteLength`. A view
//! that breaks any rule has no [`MeshoptView`] and so is never decoded.

use crate::gltf::document::{MeshoptFilter, MeshoptMode, MeshoptView};
use crate::gltf::json::Obj;
use crate::gltf::problem::Validation;

use super::Counts;

use crate::gltf::meshopt::EXTENSION;

/// `extensions.EXT_meshopt_compression.fallback` of a buffer.
pub(super) fn is_fallback(buffer: &Obj<'_>, report: &mut Validation) -> bool {
    buffer
        .object("extensions", report)
        .and_then(|e| e.object(EXTENSION, report))
        .and_then(|m| m.boolean("fallback", report))
        .unwrap_or(false)
}

/// The compressed-stream description of a bufferView, when it has one and it is consistent.
pub(super) fn view(
    view: &Obj<'_>,
    view_length: u64,
    view_stride: Option<u64>,
    counts: &Counts,
    report: &mut Validation,
) -> Option<MeshoptView> {
    let ext = view
        .object("extensions", report)?
        .object(EXTENSION, report)?;
    let buffer = ext.req_reference("buffer", "buffers", counts.buffers, report);
    let byte_offset = ext.uint("byteOffset", report).unwrap_or(0);
    let byte_length = ext.req_uint("byteLength", report);
    let byte_stride = ext.req_uint("byteStride", report);
    let count = ext.req_uint("count", report);
    let mode = ext.req_string("mode", report);
    let filter = ext.string("filter", report).unwrap_or("NONE");
    let mode = match mode? {
        "ATTRIBUTES" => MeshoptMode::Attributes,
        "TRIANGLES" => MeshoptMode::Triangles,
        "INDICES" => MeshoptMode::Indices,
        other => {
            report.error(
                "VALUE_NOT_IN_LIST",
                &ext.at("mode"),
                format!("`{other}` is not ATTRIBUTES, TRIANGLES or INDICES"),
            );
            return None;
        }
    };
    let filter = match filter {
        "NONE" => MeshoptFilter::None,
        "OCTAHEDRAL" => MeshoptFilter::Octahedral,
        "QUATERNION" => MeshoptFilter::Quaternion,
        "EXPONENTIAL" => MeshoptFilter::Exponential,
        other => {
            report.error(
                "VALUE_NOT_IN_LIST",
                &ext.at("filter"),
                format!("`{other}` is not NONE, OCTAHEDRAL, QUATERNION or EXPONENTIAL"),
            );
            return None;
        }
    };
    let (buffer, byte_length, stride, count) = (buffer?, byte_length?, byte_stride?, count?);
    let fail = |report: &mut Validation, key: &str, message: String| {
        report.error("MESHOPT_INVALID_STREAM", &ext.at(key), message);
        None
    };
    if byte_length == 0 || count == 0 {
        return fail(
            report,
            "count",
            "count and byteLength must be at least 1".into(),
        );
    }
    let stride_ok = match mode {
        MeshoptMode::Attributes => stride % 4 == 0 && (4..=256).contains(&stride),
        MeshoptMode::Triangles | MeshoptMode::Indices => stride == 2 || stride == 4,
    };
    if !stride_ok {
        return fail(
            report,
            "byteStride",
            format!("byteStride {stride} is not allowed in mode {mode:?}"),
        );
    }
    if mode == MeshoptMode::Triangles && count % 3 != 0 {
        return fail(
            report,
            "count",
            format!("{count} indices are not whole triangles"),
        );
    }
    let filter_ok = match filter {
        MeshoptFilter::None => true,
        _ if mode != MeshoptMode::Attributes => false,
        MeshoptFilter::Octahedral => stride == 4 || stride == 8,
        MeshoptFilter::Quaternion => stride == 8,
        MeshoptFilter::Exponential => stride % 4 == 0,
    };
    if !filter_ok {
        return fail(
            report,
            "filter",
            format!("filter {filter:?} cannot be used in mode {mode:?} with byteStride {stride}"),
        );
    }
    let decoded = u128::from(stride) * u128::from(count);
    if decoded != u128::from(view_length) {
        return fail(
            report,
            "count",
            format!(
                "{count} × {stride} bytes do not match the bufferView's byteLength {view_length}"
            ),
        );
    }
    if mode == MeshoptMode::Attributes && view_stride.is_some_and(|s| s != stride) {
        return fail(
            report,
            "byteStride",
            format!(
                "byteStride {stride} differs from the bufferView's {}",
                view_stride.unwrap_or(0)
            ),
        );
    }
    Some(MeshoptView {
        buffer,
        byte_offset,
        byte_length,
        byte_stride: stride,
        count,
        mode,
        filter,
    })
}
