//! One mesh primitive, rebuilt: triangulated, welded, reordered for the vertex cache and for
//! vertex fetch, in the output's encodings.
//!
//! - Strips and fans become triangle lists with the same triangles (degenerate ones included,
//!   so triangle counts never change); points and lines keep their order.
//! - *Weld*: vertices whose encoded bytes are identical in every attribute and morph target are
//!   merged. Welding after encoding is what lets the quantized output merge vertices that
//!   differed only below the grid.
//! - *Vertex cache*: meshoptimizer's `optimizeVertexCache` reorders triangles.
//! - *Vertex fetch*: vertices are renumbered in first-use order (what
//!   `optimizeVertexFetchRemap` does), so the vertex stream is read front to back and every
//!   stored vertex is used.
//!
//! Index values at or past the vertex count (which the validator reports, but only within its
//! scan budget) drop their triangle or point rather than being trusted.

use std::collections::HashMap;

use super::encoding::{self, Context, Encoded, Encoding};
use super::OptimizeError;
use crate::gltf::elements::{self as streams, Stream};
use crate::gltf::{Binary, Document, Primitive};
use crate::scene::MAX_DECODED_VERTICES;

const TRIANGLES: u64 = 4;
const STRIP: u64 = 5;
const FAN: u64 = 6;

/// The streams of one source primitive, read once for both outputs.
pub(crate) struct Read {
    pub attributes: Vec<(String, Stream)>,
    pub targets: Vec<Vec<(String, Stream)>>,
    /// Index order (generated when the primitive has no indices), strips and fans unrolled.
    pub order: Vec<u32>,
    /// The output mode: triangle lists for every triangle topology.
    pub mode: u64,
}

/// A rebuilt primitive.
pub(crate) struct Built {
    pub attributes: Vec<(String, Encoded)>,
    pub targets: Vec<Vec<(String, Encoded)>>,
    pub indices: Vec<u32>,
    pub mode: u64,
    pub vertex_count: usize,
}

pub(crate) fn read(
    doc: &Document,
    binary: &Binary<'_>,
    primitive: &Primitive,
    pointer: &str,
) -> Result<Read, OptimizeError> {
    let unreadable = || OptimizeError::TooLarge(format!("{pointer}: vertex data is not readable"));
    let read_all = |list: &[(String, usize)]| -> Result<Vec<(String, Stream)>, OptimizeError> {
        let mut out: Vec<(String, Stream)> = list
            .iter()
            .map(|(name, a)| {
                Ok((
                    name.clone(),
                    streams::read(doc, binary, *a).ok_or_else(unreadable)?,
                ))
            })
            .collect::<Result<_, OptimizeError>>()?;
        // Attribute maps are JSON objects: a fixed order keeps the output deterministic.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    };
    let attributes = read_all(&primitive.attributes)?;
    let targets = primitive
        .targets
        .iter()
        .map(|t| read_all(t))
        .collect::<Result<Vec<_>, _>>()?;
    let count = attributes.first().map_or(0, |(_, s)| s.count());
    if count > MAX_DECODED_VERTICES {
        return Err(OptimizeError::TooLarge(format!(
            "{pointer}: more than {MAX_DECODED_VERTICES} vertices"
        )));
    }
    let all_counts_equal = attributes
        .iter()
        .chain(targets.iter().flatten())
        .all(|(_, s)| s.count() == count);
    if !all_counts_equal {
        return Err(unreadable());
    }
    let listed = match primitive.indices {
        Some(i) => streams::indices(doc, binary, i).ok_or_else(unreadable)?,
        None => (0..count as u32).collect(),
    };
    let (order, mode) = match primitive.mode {
        TRIANGLES | STRIP | FAN => (triangulate(&listed, primitive.mode, count), TRIANGLES),
        mode => (
            listed
                .into_iter()
                .filter(|&i| (i as usize) < count)
                .collect(),
            mode,
        ),
    };
    Ok(Read {
        attributes,
        targets,
        order,
        mode,
    })
}

/// Triangle lists from lists, strips and fans, with the winding each defines.
fn triangulate(order: &[u32], mode: u64, count: usize) -> Vec<u32> {
    let n = order.len();
    let triangles = if mode == TRIANGLES {
        n / 3
    } else {
        n.saturating_sub(2)
    };
    let mut out = Vec::with_capacity(triangles * 3);
    for i in 0..triangles {
        let t = match mode {
            TRIANGLES => [order[3 * i], order[3 * i + 1], order[3 * i + 2]],
            STRIP if i % 2 == 1 => [order[i + 1], order[i], order[i + 2]],
            STRIP => [order[i], order[i + 1], order[i + 2]],
            _ => [order[0], order[i + 1], order[i + 2]],
        };
        if t.iter().all(|&v| (v as usize) < count) {
            out.extend_from_slice(&t);
        }
    }
    out
}

/// Encodes, welds and reorders one primitive for `output`.
pub(crate) fn build(read: &Read, ctx: &Context<'_>) -> Built {
    let encode_all = |list: &[(String, Stream)], target: bool| -> Vec<(String, Encoded)> {
        list.iter()
            .map(|(name, stream)| {
                let encoding = if target {
                    // Core glTF stores morph targets as floats; they stay so in both outputs.
                    Encoding::Float
                } else {
                    encoding::choose(name, stream, ctx)
                };
                (name.clone(), encoding::encode(stream, encoding, true))
            })
            .collect()
    };
    let attributes = encode_all(&read.attributes, false);
    let targets: Vec<Vec<(String, Encoded)>> =
        read.targets.iter().map(|t| encode_all(t, true)).collect();
    let every: Vec<&Encoded> = attributes
        .iter()
        .chain(targets.iter().flatten())
        .map(|(_, e)| e)
        .collect();
    let (welded, mut indices) = weld(&every, &read.order);
    if read.mode == TRIANGLES && !indices.is_empty() {
        indices = meshopt::optimize_vertex_cache(&indices, welded.len());
    }
    let fetch = fetch_order(&mut indices, welded.len());
    let order: Vec<u32> = fetch.iter().map(|&w| welded[w as usize]).collect();
    let gather = |list: Vec<(String, Encoded)>| -> Vec<(String, Encoded)> {
        list.into_iter()
            .map(|(name, e)| (name, e.gather(&order)))
            .collect()
    };
    Built {
        attributes: gather(attributes),
        targets: targets.into_iter().map(gather).collect(),
        indices,
        mode: read.mode,
        vertex_count: order.len(),
    }
}

/// Merges vertices with identical bytes in every stream: (source vertex of each welded vertex,
/// indices into the welded vertices). Welded vertices are numbered in first-use order.
fn weld(streams: &[&Encoded], order: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let count = streams.first().map_or(0, |s| s.count());
    let row = |v: usize| -> Vec<u8> {
        let mut key = Vec::with_capacity(streams.iter().map(|s| s.stride).sum());
        for s in streams {
            key.extend_from_slice(&s.bytes[v * s.stride..(v + 1) * s.stride]);
        }
        key
    };
    let mut known: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut of_source = vec![u32::MAX; count];
    let mut first = Vec::new();
    let mut indices = Vec::with_capacity(order.len());
    for &v in order {
        let v = v as usize;
        if of_source[v] == u32::MAX {
            let next = first.len() as u32;
            let id = *known.entry(row(v)).or_insert(next);
            if id == next {
                first.push(v as u32);
            }
            of_source[v] = id;
        }
        indices.push(of_source[v]);
    }
    (first, indices)
}

/// Renumbers vertices in first-use order; returns the old number of each new vertex.
fn fetch_order(indices: &mut [u32], vertex_count: usize) -> Vec<u32> {
    let mut new_of = vec![u32::MAX; vertex_count];
    let mut old_of = Vec::with_capacity(vertex_count);
    for i in indices.iter_mut() {
        let old = *i as usize;
        if new_of[old] == u32::MAX {
            new_of[old] = old_of.len() as u32;
            old_of.push(old as u32);
        }
        *i = new_of[old];
    }
    old_of
}
