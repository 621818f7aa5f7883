//! Accessor elements as raw component values (`f64` holds every glTF component type exactly),
//! with interleaved strides, matrix column padding, missing bufferViews (zeros) and sparse
//! substitution resolved, for the decoders that read what the validator checked (the scene
//! decoder, the optimizer).
//!
//! Only accessors the validator located are read, through bounds-checked slices, so a
//! [`Stream`] never has more elements than the input's real bytes allow (or, for an accessor
//! without a bufferView, than [`MAX_UNBACKED_ELEMENTS`]).

use super::limits::MAX_UNBACKED_ELEMENTS;
use super::{Binary, ComponentType, Document, ElementType};

/// The elements of one accessor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stream {
    pub component: ComponentType,
    pub normalized: bool,
    pub element: ElementType,
    /// `components()` raw values per element.
    pub raw: Vec<f64>,
}

impl Stream {
    pub fn width(&self) -> usize {
        self.element.components()
    }

    pub fn count(&self) -> usize {
        self.raw.len() / self.width()
    }

    /// What component `c` of element `e` stands for (normalized integers mapped to -1..1/0..1).
    pub fn value(&self, e: usize, c: usize) -> f64 {
        let raw = self.raw[e * self.width() + c];
        if self.normalized {
            self.component.dequantize(raw)
        } else {
            raw
        }
    }
}

/// Reads accessor `index`; `None` when its data is not readable.
pub(crate) fn read(doc: &Document, binary: &Binary<'_>, index: usize) -> Option<Stream> {
    let accessor = doc.accessors.get(index)?;
    let (component, element) = accessor.format()?;
    let n = element.components();
    let count = usize::try_from(accessor.count).ok()?;
    let size = component.size() as usize;
    let mut raw = match accessor.buffer_view {
        Some(_) => {
            let (bytes, stride) = binary.accessor(index)?;
            let mut raw = Vec::with_capacity(count.checked_mul(n)?);
            for e in 0..count {
                for c in 0..n {
                    let at = e * stride + element.component_offset(component, c) as usize;
                    raw.push(component.read(bytes.get(at..at + size)?));
                }
            }
            raw
        }
        None if count <= MAX_UNBACKED_ELEMENTS => vec![0.0; count * n],
        None => return None,
    };
    if let Some(sparse) = &accessor.sparse {
        let index_type = sparse.index_type?;
        let slice = |view: Option<usize>, offset: u64| -> Option<&[u8]> {
            binary.view(view?)?.get(usize::try_from(offset).ok()?..)
        };
        let indices = slice(sparse.indices.buffer_view, sparse.indices.byte_offset)?;
        let values = slice(sparse.values.buffer_view, sparse.values.byte_offset)?;
        let element_size = element.element_size(component) as usize;
        let index_size = index_type.size() as usize;
        for k in 0..usize::try_from(sparse.count).ok()? {
            let at = k * index_size;
            let target = index_type.read(indices.get(at..at + index_size)?) as usize;
            for c in 0..n {
                let from = k * element_size + element.component_offset(component, c) as usize;
                *raw.get_mut(target * n + c)? = component.read(values.get(from..from + size)?);
            }
        }
    }
    Some(Stream {
        component,
        normalized: accessor.normalized,
        element,
        raw,
    })
}

/// Index values of an index accessor, exact (not through `f32`).
pub(crate) fn indices(doc: &Document, binary: &Binary<'_>, index: usize) -> Option<Vec<u32>> {
    let stream = read(doc, binary, index)?;
    if stream.element != ElementType::Scalar
        || !matches!(
            stream.component,
            ComponentType::U8 | ComponentType::U16 | ComponentType::U32
        )
    {
        return None;
    }
    Some(stream.raw.iter().map(|&v| v as u32).collect())
}
