//! Reads accessor elements as `f32`s: any component type, normalized integers mapped to
//! -1..1 / 0..1 (`KHR_mesh_quantization`), plain integers as their value, interleaved strides,
//! and sparse substitution.
//!
//! Only accessors the validator located inside real bytes are read (through
//! [`Binary::accessor`], with bounds-checked slicing), so the element count is bounded by the
//! input. An accessor with no bufferView is all zeros before its sparse values; its declared
//! count is not backed by bytes, so it is refused above [`MAX_DECODED_VERTICES`].

use crate::gltf::{Accessor, Binary, ComponentType, Document, Sparse, SparseRange};

use super::MAX_DECODED_VERTICES;

/// The elements of accessor `index`, `components` floats each (`None` when unreadable).
pub(super) fn floats(doc: &Document, binary: &Binary<'_>, index: usize) -> Option<Vec<f32>> {
    let accessor = doc.accessors.get(index)?;
    let (component, element) = accessor.format()?;
    let n = element.components();
    let count = usize::try_from(accessor.count).ok()?;
    if count > MAX_DECODED_VERTICES {
        return None;
    }
    let convert = |raw: f64| {
        if accessor.normalized {
            component.dequantize(raw) as f32
        } else {
            raw as f32
        }
    };
    let mut out = match accessor.buffer_view {
        Some(_) => {
            let (bytes, stride) = binary.accessor(index)?;
            let size = component.size() as usize;
            let mut out = Vec::with_capacity(count * n);
            for e in 0..count {
                let base = e * stride;
                for c in 0..n {
                    let at = base + element.component_offset(component, c) as usize;
                    out.push(convert(component.read(bytes.get(at..at + size)?)));
                }
            }
            out
        }
        None => vec![0.0; count * n],
    };
    if let Some(sparse) = &accessor.sparse {
        apply_sparse(binary, accessor, sparse, n, &mut out, convert)?;
    }
    Some(out)
}

fn apply_sparse(
    binary: &Binary<'_>,
    accessor: &Accessor,
    sparse: &Sparse,
    n: usize,
    out: &mut [f32],
    convert: impl Fn(f64) -> f32,
) -> Option<()> {
    let (component, element) = accessor.format()?;
    let index_type = sparse.index_type?;
    let slice = |range: &SparseRange| -> Option<&[u8]> {
        let view = binary.view(range.buffer_view?)?;
        view.get(usize::try_from(range.byte_offset).ok()?..)
    };
    let (indices, values) = (slice(&sparse.indices)?, slice(&sparse.values)?);
    let element_size = element.element_size(component) as usize;
    let index_size = index_type.size() as usize;
    for k in 0..usize::try_from(sparse.count).ok()? {
        let at = k * index_size;
        let target = index_type.read(indices.get(at..at + index_size)?) as usize;
        for c in 0..n {
            let from = k * element_size + element.component_offset(component, c) as usize;
            let value = component.read(values.get(from..from + component.size() as usize)?);
            *out.get_mut(target * n + c)? = convert(value);
        }
    }
    Some(())
}

/// Index values of an index accessor (`None` when it is not an unsigned integer scalar).
/// Read as integers, not through `f32`, so indices above 2^24 stay exact.
pub(super) fn indices(doc: &Document, binary: &Binary<'_>, index: usize) -> Option<Vec<u32>> {
    let accessor = doc.accessors.get(index)?;
    let component = accessor.component?;
    if !matches!(
        component,
        ComponentType::U8 | ComponentType::U16 | ComponentType::U32
    ) {
        return None;
    }
    if accessor.sparse.is_some() || accessor.buffer_view.is_none() {
        let values = floats(doc, binary, index)?;
        return Some(values.into_iter().map(|v| v as u32).collect());
    }
    let (bytes, stride) = binary.accessor(index)?;
    let size = component.size() as usize;
    let count = usize::try_from(accessor.count).ok()?;
    let mut out = Vec::with_capacity(count);
    for e in 0..count {
        let at = e * stride;
        out.push(component.read(bytes.get(at..at + size)?) as u32);
    }
    Some(out)
}
