//! Decoding (and, for the optimizer, encoding) of `EXT_meshopt_compression` streams through the
//! `meshopt` crate, meshoptimizer's own codecs.
//!
//! Guarantees: the decoder is only called with parameters the parser proved valid (see
//! [`parse::meshopt`](super::parse::meshopt)), because meshoptimizer's C++ asserts (debug) or
//! misbehaves (release) on others; the output is allocated only after the declared size passed
//! [`MAX_DECOMPRESSED_BYTES`](super::limits::MAX_DECOMPRESSED_BYTES) (for the whole asset) and
//! [`MAX_DECOMPRESSION_RATIO`](super::limits::MAX_DECOMPRESSION_RATIO) (per stream). Vertex
//! streams must carry codec version 0, the only one `EXT_meshopt_compression` allows (version 1
//! belongs to `KHR_meshopt_compression`). Filters (octahedral, quaternion, exponential) are
//! undone after decoding, so callers always see plain attribute bytes.

use super::document::{MeshoptFilter, MeshoptMode, MeshoptView};

pub(crate) const EXTENSION: &str = "EXT_meshopt_compression";

/// One vertex of `N` bytes: the codec's element type is sized by its generic parameter.
#[derive(Clone, Copy)]
struct Row<const N: usize>([u8; N]);

impl<const N: usize> Default for Row<N> {
    fn default() -> Self {
        Self([0; N])
    }
}

fn decode_rows<const N: usize>(encoded: &[u8], count: usize) -> Option<Vec<u8>> {
    let rows: Vec<Row<N>> = meshopt::decode_vertex_buffer(encoded, count).ok()?;
    Some(rows.iter().flat_map(|r| r.0).collect())
}

fn encode_rows<const N: usize>(bytes: &[u8]) -> Option<Vec<u8>> {
    let rows: Vec<Row<N>> = bytes
        .chunks_exact(N)
        .map(|c| {
            let mut row = [0; N];
            row.copy_from_slice(c);
            Row(row)
        })
        .collect();
    // Version 0: the bitstream `EXT_meshopt_compression` specifies.
    meshopt::encode_vertex_buffer_level(&rows, 2, Some(0)).ok()
}

/// Calls `$f::<stride>(args)` for every stride the vertex codec takes (multiples of 4 to 256).
macro_rules! by_stride {
    ($stride:expr, $f:ident $args:tt) => {
        by_stride!(@arms $stride, $f, $args;
            4 8 12 16 20 24 28 32 36 40 44 48 52 56 60 64 68 72 76 80 84 88 92 96 100 104 108 112
            116 120 124 128 132 136 140 144 148 152 156 160 164 168 172 176 180 184 188 192 196
            200 204 208 212 216 220 224 228 232 236 240 244 248 252 256)
    };
    (@arms $stride:expr, $f:ident, $args:tt; $($n:literal)*) => {
        match $stride {
            $($n => $f::<$n> $args,)*
            _ => None,
        }
    };
}

/// Why a stream could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The header names a codec version this extension does not allow.
    Version(String),
    /// The bytes are not a valid stream of the declared size.
    Corrupt,
}

/// Decodes one stream described by `view` from its compressed bytes `encoded`.
pub(crate) fn decode(view: &MeshoptView, encoded: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let count = usize::try_from(view.count).map_err(|_| DecodeError::Corrupt)?;
    let stride = usize::try_from(view.byte_stride).map_err(|_| DecodeError::Corrupt)?;
    match view.mode {
        MeshoptMode::Attributes => {
            match meshopt::decode_vertex_version(encoded) {
                Some(0) => {}
                Some(v) => {
                    return Err(DecodeError::Version(format!(
                        "vertex codec version {v}; EXT_meshopt_compression allows only version 0"
                    )))
                }
                None => return Err(DecodeError::Corrupt),
            }
            let mut bytes =
                by_stride!(stride, decode_rows(encoded, count)).ok_or(DecodeError::Corrupt)?;
            unfilter(view.filter, stride, &mut bytes);
            Ok(bytes)
        }
        MeshoptMode::Triangles => {
            if meshopt::decode_index_version(encoded).is_none() {
                return Err(DecodeError::Corrupt);
            }
            index_bytes(
                stride,
                || meshopt::decode_index_buffer(encoded, count).ok(),
                || meshopt::decode_index_buffer(encoded, count).ok(),
            )
        }
        MeshoptMode::Indices => index_bytes(
            stride,
            || meshopt::decode_index_sequence(encoded, count).ok(),
            || meshopt::decode_index_sequence(encoded, count).ok(),
        ),
    }
}

/// The indices that `narrow` (2-byte, when `stride` is 2) or `wide` (4-byte) decoded, as the
/// little-endian bytes of the buffer view.
fn index_bytes(
    stride: usize,
    narrow: impl FnOnce() -> Option<Vec<u16>>,
    wide: impl FnOnce() -> Option<Vec<u32>>,
) -> Result<Vec<u8>, DecodeError> {
    let bytes = if stride == 2 {
        let indices = narrow().ok_or(DecodeError::Corrupt)?;
        indices.iter().flat_map(|i| i.to_le_bytes()).collect()
    } else {
        let indices = wide().ok_or(DecodeError::Corrupt)?;
        indices.iter().flat_map(|i| i.to_le_bytes()).collect()
    };
    Ok(bytes)
}

/// Undoes a filter in place; the parser allowed only the strides each filter is defined for.
fn unfilter(filter: MeshoptFilter, stride: usize, bytes: &mut [u8]) {
    match (filter, stride) {
        (MeshoptFilter::None, _) => {}
        (MeshoptFilter::Octahedral, 4) => {
            let mut data: Vec<[i8; 4]> = bytes
                .chunks_exact(4)
                .map(|c| [c[0] as i8, c[1] as i8, c[2] as i8, c[3] as i8])
                .collect();
            meshopt::decode_filter_oct(&mut data);
            for (out, v) in bytes.chunks_exact_mut(4).zip(&data) {
                out.copy_from_slice(&v.map(|x| x as u8));
            }
        }
        (MeshoptFilter::Octahedral | MeshoptFilter::Quaternion, 8) => {
            let mut data: Vec<[i16; 4]> = bytes
                .chunks_exact(8)
                .map(|c| std::array::from_fn(|i| i16::from_le_bytes([c[2 * i], c[2 * i + 1]])))
                .collect();
            if filter == MeshoptFilter::Octahedral {
                meshopt::decode_filter_oct(&mut data);
            } else {
                meshopt::decode_filter_quat(&mut data);
            }
            for (out, v) in bytes.chunks_exact_mut(8).zip(&data) {
                for (i, x) in v.iter().enumerate() {
                    out[2 * i..2 * i + 2].copy_from_slice(&x.to_le_bytes());
                }
            }
        }
        (MeshoptFilter::Exponential, _) => {
            // Each 32-bit value is decoded on its own, so one-component rows cover every stride.
            let mut data: Vec<[u32; 1]> = bytes
                .chunks_exact(4)
                .map(|c| [u32::from_le_bytes([c[0], c[1], c[2], c[3]])])
                .collect();
            meshopt::decode_filter_exp(&mut data);
            for (out, v) in bytes.chunks_exact_mut(4).zip(&data) {
                out.copy_from_slice(&v[0].to_le_bytes());
            }
        }
        _ => {}
    }
}

/// Encodes `bytes` (rows of `stride` bytes, a multiple of 4 up to 256) as an `ATTRIBUTES`
/// stream, codec version 0.
pub(crate) fn encode_attributes(bytes: &[u8], stride: usize) -> Option<Vec<u8>> {
    if stride == 0 || !bytes.len().is_multiple_of(stride) {
        return None;
    }
    by_stride!(stride, encode_rows(bytes))
}

/// Encodes a triangle list as a `TRIANGLES` stream.
pub(crate) fn encode_triangles(indices: &[u32], vertex_count: usize) -> Option<Vec<u8>> {
    if !indices.len().is_multiple_of(3) {
        return None;
    }
    meshopt::encode_index_buffer(indices, vertex_count).ok()
}

/// Encodes any index list (points, lines) as an `INDICES` stream.
pub(crate) fn encode_indices(indices: &[u32], vertex_count: usize) -> Option<Vec<u8>> {
    meshopt::encode_index_sequence(indices, vertex_count).ok()
}
