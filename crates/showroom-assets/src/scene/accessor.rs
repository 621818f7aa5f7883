//! Reads accessor elements as `f32`s: any component type, normalized integers mapped to
//! -1..1 / 0..1 (`KHR_mesh_quantization`), plain integers as their value, interleaved strides,
//! and sparse substitution, through [`elements`], which the optimizer shares.
//!
//! Only accessors the validator located inside real bytes are read, so the element count is
//! bounded by the input; any accessor declaring more than [`MAX_DECODED_VERTICES`] elements is
//! refused before it is read.

use crate::gltf::{elements, Binary, Document};

use super::MAX_DECODED_VERTICES;

/// The elements of accessor `index`, `components` floats each (`None` when unreadable).
pub(super) fn floats(doc: &Document, binary: &Binary<'_>, index: usize) -> Option<Vec<f32>> {
    let count = usize::try_from(doc.accessors.get(index)?.count).ok()?;
    if count > MAX_DECODED_VERTICES {
        return None;
    }
    let stream = elements::read(doc, binary, index)?;
    let n = stream.width();
    Some(
        (0..stream.count())
            .flat_map(|e| (0..n).map(move |c| e * n + c))
            .map(|i| stream.value(i / n, i % n) as f32)
            .collect(),
    )
}

/// Index values of an index accessor (`None` when it is not an unsigned integer scalar).
/// Read as integers, not through `f32`, so indices above 2^24 stay exact.
pub(super) fn indices(doc: &Document, binary: &Binary<'_>, index: usize) -> Option<Vec<u32>> {
    elements::indices(doc, binary, index)
}
