//! How each attribute is stored in each output, and the bytes it is stored as.
//!
//! Delivery GLB (`KHR_mesh_quantization`, gltfpack's default precision): positions on a 14-bit
//! integer grid per mesh (the grid's offset and uniform step go into the node transform, see
//! [`nodes`](super::nodes); uniform, so normals stay correct), normals and tangents as 8-bit
//! normalized integers stored through meshopt's octahedral filter, texture coordinates in 0..1
//! (or whole repeats away from it, see [`Shift`]) on a 12-bit grid stored as 16-bit normalized
//! integers (bits replicated, so 0 and 1 stay exact), colours in 0..1 as 8-bit
//! normalized. Anything outside those ranges, morph targets, and attributes we do not know stay
//! as they were (or float).
//!
//! Plain GLB: core glTF formats only: float positions, normals and tangents; texture
//! coordinates, colours and weights as they were when core allows it, else float.
//!
//! Every element is padded to a multiple of 4 bytes (a glTF rule for vertex attributes and a
//! meshopt codec requirement), with zero padding so the padding compresses to nothing.

use crate::gltf::elements::Stream;
use crate::gltf::{ComponentType, ElementType};

/// How one stream is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    /// The raw values in their own component type.
    Keep,
    /// 32-bit float values (normalized integers dequantized).
    Float,
    /// Unit vectors as 32-bit floats: `xyz` normalized (a zero vector becomes +Z, as the
    /// octahedral encoding does) and a tangent's `w` made ±1, so an input the validator let
    /// through (a normal without data reads as zeros, an exporter's slightly long normal) comes
    /// out meeting its unit-length and sign rules.
    UnitFloat,
    /// Unit vectors as 8-bit signed normalized integers through meshopt's octahedral filter
    /// (two 8-bit octahedral coordinates compress far better than three components). The
    /// accessor holds what the filter decodes to; the stream holds the filtered form.
    OctSnorm8,
    /// `offset + 0..1` values on a grid of `bits`, as 16-bit unsigned normalized integers
    /// (`offset` is a whole number of texture repeats, see [`Shift`]).
    Unorm16 { bits: u32, offset: [f64; 2] },
    /// 0..1 values as 8-bit unsigned normalized integers.
    Unorm8,
    /// Positions on an unsigned integer grid: `offset + step × q`.
    Grid(Grid),
}

/// A per-mesh position grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Grid {
    pub offset: [f64; 3],
    pub step: f64,
    pub bits: u32,
}

impl Grid {
    /// The grid of `bits` over the box `lo..hi`, with one uniform step on every axis.
    pub fn fit(lo: [f64; 3], hi: [f64; 3], bits: u32) -> Self {
        let extent = (0..3).map(|a| hi[a] - lo[a]).fold(0.0, f64::max);
        let levels = f64::from((1u32 << bits) - 1);
        let step = if extent > 0.0 && extent.is_finite() {
            extent / levels
        } else {
            1.0
        };
        Self {
            offset: lo,
            step,
            bits,
        }
    }
}

/// How far the texture coordinates of one set may move by whole repeats without changing what
/// is drawn: every texture that reads the set (through any material the primitive can show,
/// variants included) must wrap with `REPEAT` (any whole number) or `MIRRORED_REPEAT` (even
/// numbers) on that axis and have no `KHR_texture_transform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Shift {
    No,
    Even,
    Any,
}

/// Values within this of 0..1 count as inside (float noise such as -1e-9).
const UNIT_SLACK: f64 = 1e-6;

/// What [`choose`] needs to know besides the stream.
pub(crate) struct Context<'a> {
    pub output: Output,
    pub grid: Option<Grid>,
    pub uv_bits: u32,
    /// Allowed shifts per texture coordinate set and axis (sets not listed: [`Shift::Any`],
    /// no texture reads them).
    pub uv_shifts: &'a [[Shift; 2]],
}

/// The 16-bit grid for a texture coordinate stream, when it fits 0..1 after whole repeats.
fn uv_grid(stream: &Stream, shifts: [Shift; 2], bits: u32) -> Option<Encoding> {
    let mut offset = [0.0; 2];
    for (axis, shift) in shifts.iter().enumerate() {
        let values = (0..stream.count()).map(|e| stream.value(e, axis));
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if lo >= -UNIT_SLACK && hi <= 1.0 + UNIT_SLACK {
            continue;
        }
        let k = (lo + UNIT_SLACK).floor();
        let allowed = match shift {
            Shift::Any => true,
            Shift::Even => k.rem_euclid(2.0) == 0.0,
            Shift::No => false,
        };
        if !allowed || !k.is_finite() || hi - k > 1.0 + UNIT_SLACK {
            return None;
        }
        offset[axis] = k;
    }
    Some(Encoding::Unorm16 { bits, offset })
}

/// Which output a stream is encoded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    Delivery,
    Plain,
}

/// Whether every value of `stream` lies in 0..1 (within [`UNIT_SLACK`]).
pub(crate) fn in_unit(stream: &Stream) -> bool {
    (0..stream.count()).all(|e| {
        (0..stream.width()).all(|c| (-UNIT_SLACK..=1.0 + UNIT_SLACK).contains(&stream.value(e, c)))
    })
}

/// The encoding for attribute `semantic` of `stream`.
pub(crate) fn choose(semantic: &str, stream: &Stream, ctx: &Context<'_>) -> Encoding {
    let family = semantic.split('_').next().unwrap_or(semantic);
    let core = stream.component == ComponentType::F32
        || (stream.normalized
            && matches!(stream.component, ComponentType::U8 | ComponentType::U16));
    match (ctx.output, family) {
        (Output::Delivery, "POSITION") => ctx.grid.map_or(Encoding::Float, Encoding::Grid),
        (Output::Delivery, "NORMAL" | "TANGENT") => Encoding::OctSnorm8,
        (Output::Delivery, "TEXCOORD") if stream.width() == 2 => {
            let set: usize = semantic["TEXCOORD_".len().min(semantic.len())..]
                .parse()
                .unwrap_or(usize::MAX);
            let shifts = ctx.uv_shifts.get(set).copied().unwrap_or([Shift::Any; 2]);
            uv_grid(stream, shifts, ctx.uv_bits).unwrap_or(Encoding::Float)
        }
        (Output::Delivery, "TEXCOORD") => Encoding::Float,
        (Output::Delivery, "COLOR") if in_unit(stream) => Encoding::Unorm8,
        (Output::Delivery, "COLOR") => Encoding::Float,
        (Output::Plain, "POSITION") => Encoding::Float,
        (Output::Plain, "NORMAL" | "TANGENT") => Encoding::UnitFloat,
        (Output::Plain, "TEXCOORD" | "COLOR" | "WEIGHTS") if !core => Encoding::Float,
        _ => Encoding::Keep,
    }
}

/// A stream in its output form: `count` rows of `stride` bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Encoded {
    pub component: ComponentType,
    pub normalized: bool,
    pub element: ElementType,
    pub stride: usize,
    pub bytes: Vec<u8>,
    /// The octahedral-filtered rows behind `bytes`, for the compressed stream.
    pub filtered: Option<Vec<u8>>,
    /// Whether the format needs `KHR_mesh_quantization` for this semantic.
    pub quantized: bool,
}

impl Encoded {
    pub fn count(&self) -> usize {
        self.bytes.len().checked_div(self.stride).unwrap_or(0)
    }

    /// The rows at `order`, in that order.
    pub fn gather(&self, order: &[u32]) -> Encoded {
        let rows = |from: &[u8]| {
            let mut bytes = Vec::with_capacity(order.len() * self.stride);
            for &i in order {
                let at = i as usize * self.stride;
                bytes.extend_from_slice(&from[at..at + self.stride]);
            }
            bytes
        };
        Encoded {
            component: self.component,
            normalized: self.normalized,
            element: self.element,
            stride: self.stride,
            bytes: rows(&self.bytes),
            filtered: self.filtered.as_deref().map(rows),
            quantized: self.quantized,
        }
    }

    /// Per-component minimum and maximum of the stored values.
    pub fn bounds(&self) -> (Vec<f64>, Vec<f64>) {
        let n = self.element.components();
        let mut lo = vec![f64::INFINITY; n];
        let mut hi = vec![f64::NEG_INFINITY; n];
        let size = self.component.size() as usize;
        for row in self.bytes.chunks_exact(self.stride.max(1)) {
            for c in 0..n {
                let at = self.element.component_offset(self.component, c) as usize;
                let v = self.component.read(&row[at..at + size]);
                lo[c] = lo[c].min(v);
                hi[c] = hi[c].max(v);
            }
        }
        (lo, hi)
    }
}

/// Writes `stream` with `encoding`; `vertex` pads rows to 4 bytes (vertex attributes).
pub(crate) fn encode(stream: &Stream, encoding: Encoding, vertex: bool) -> Encoded {
    if encoding == Encoding::OctSnorm8 && stream.width() >= 3 {
        return octahedral(stream);
    }
    let (component, normalized) = match encoding {
        Encoding::Keep => (stream.component, stream.normalized),
        Encoding::Float | Encoding::UnitFloat => (ComponentType::F32, false),
        Encoding::OctSnorm8 => (ComponentType::I8, true),
        Encoding::Unorm16 { .. } => (ComponentType::U16, true),
        Encoding::Unorm8 => (ComponentType::U8, true),
        Encoding::Grid(_) => (ComponentType::U16, false),
    };
    let element = stream.element;
    let element_size = element.element_size(component) as usize;
    let stride = if vertex {
        element_size.next_multiple_of(4)
    } else {
        element_size
    };
    let n = stream.width();
    let count = stream.count();
    let mut bytes = vec![0u8; count * stride];
    let mut values = vec![0.0f64; n];
    for (e, row) in bytes.chunks_exact_mut(stride.max(1)).enumerate() {
        for (c, v) in values.iter_mut().enumerate() {
            *v = match encoding {
                Encoding::Keep => stream.raw[e * n + c],
                _ => stream.value(e, c),
            };
        }
        convert(encoding, &mut values);
        for (c, &v) in values.iter().enumerate() {
            let at = element.component_offset(component, c) as usize;
            write(component, v, &mut row[at..]);
        }
    }
    Encoded {
        component,
        normalized,
        element,
        stride,
        bytes,
        filtered: None,
        quantized: !matches!(
            encoding,
            Encoding::Keep | Encoding::Float | Encoding::UnitFloat
        ),
    }
}

/// Normals (w = 0) or tangents (w = ±1) through the 8-bit octahedral filter.
fn octahedral(stream: &Stream) -> Encoded {
    let n = stream.width();
    let unit: Vec<[f32; 4]> = (0..stream.count())
        .map(|e| {
            let v = [0, 1, 2].map(|c| stream.value(e, c));
            let length = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let [x, y, z] = if length > 0.0 {
                v.map(|x| (x / length) as f32)
            } else {
                [0.0, 0.0, 1.0]
            };
            let w = if n == 4 {
                stream.value(e, 3).signum() as f32
            } else {
                0.0
            };
            [x, y, z, w]
        })
        .collect();
    let filtered: Vec<[i8; 4]> = meshopt::encode_filter_oct(&unit, 8);
    let mut decoded = filtered.clone();
    meshopt::decode_filter_oct(&mut decoded);
    let bytes_of = |rows: &[[i8; 4]]| rows.iter().flat_map(|r| r.map(|b| b as u8)).collect();
    Encoded {
        component: ComponentType::I8,
        normalized: true,
        element: stream.element,
        stride: 4,
        bytes: bytes_of(&decoded),
        filtered: Some(bytes_of(&filtered)),
        quantized: true,
    }
}

/// Float meanings to stored values, in place.
fn convert(encoding: Encoding, values: &mut [f64]) {
    match encoding {
        Encoding::Keep | Encoding::Float => {}
        Encoding::UnitFloat => {
            let xyz = values.len().min(3);
            let length = values[..xyz].iter().map(|v| v * v).sum::<f64>().sqrt();
            for (c, v) in values.iter_mut().enumerate() {
                *v = match c {
                    0..=2 if length > 0.0 => *v / length,
                    0 | 1 => 0.0,
                    2 => 1.0,
                    _ => v.signum(),
                };
            }
        }
        Encoding::OctSnorm8 => {
            let xyz = values.len().min(3);
            let length = values[..xyz].iter().map(|v| v * v).sum::<f64>().sqrt();
            for (c, v) in values.iter_mut().enumerate() {
                let unit = if c < 3 && length > 0.0 {
                    *v / length
                } else {
                    *v
                };
                *v = (unit.clamp(-1.0, 1.0) * 127.0).round();
            }
        }
        Encoding::Unorm16 { bits, offset } => {
            let levels = f64::from((1u32 << bits) - 1);
            for (c, v) in values.iter_mut().enumerate() {
                let shifted = *v - offset.get(c).copied().unwrap_or(0.0);
                let q = (shifted.clamp(0.0, 1.0) * levels).round() as u32;
                // Replicate the top bits into the low ones, so 0 and the top level map to
                // exactly 0 and 65535.
                let mut wide = q << (16 - bits);
                let mut shift = bits;
                while shift < 16 {
                    wide |= q << (16 - bits) >> shift;
                    shift += bits;
                }
                *v = f64::from(wide.min(65_535));
            }
        }
        Encoding::Unorm8 => {
            for v in values.iter_mut() {
                *v = (v.clamp(0.0, 1.0) * 255.0).round();
            }
        }
        Encoding::Grid(grid) => {
            let top = f64::from((1u32 << grid.bits) - 1);
            for (c, v) in values.iter_mut().enumerate().take(3) {
                *v = ((*v - grid.offset[c]) / grid.step).round().clamp(0.0, top);
            }
        }
    }
}

fn write(component: ComponentType, value: f64, out: &mut [u8]) {
    match component {
        ComponentType::I8 => out[0] = (value as i8) as u8,
        ComponentType::U8 => out[0] = value as u8,
        ComponentType::I16 => out[..2].copy_from_slice(&(value as i16).to_le_bytes()),
        ComponentType::U16 => out[..2].copy_from_slice(&(value as u16).to_le_bytes()),
        ComponentType::U32 => out[..4].copy_from_slice(&(value as u32).to_le_bytes()),
        ComponentType::F32 => out[..4].copy_from_slice(&(value as f32).to_le_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_bit_uvs_keep_both_ends_exact() {
        let mut values = [0.0, 1.0, 0.5];
        convert(
            Encoding::Unorm16 {
                bits: 12,
                offset: [0.0; 2],
            },
            &mut values,
        );
        assert_eq!(values[0], 0.0);
        assert_eq!(values[1], 65_535.0);
        assert!((values[2] / 65_535.0 - 0.5).abs() < 1.0 / 4095.0);
    }

    fn uvs(values: &[f64]) -> Stream {
        Stream {
            component: ComponentType::F32,
            normalized: false,
            element: ElementType::Vec2,
            raw: values.to_vec(),
        }
    }

    #[test]
    fn coordinates_one_repeat_away_are_shifted_only_where_the_samplers_repeat() {
        let stream = uvs(&[0.25, 1.0, 0.75, 1.5, 0.5, 2.0]);
        let any = uv_grid(&stream, [Shift::Any; 2], 12);
        assert_eq!(
            any,
            Some(Encoding::Unorm16 {
                bits: 12,
                offset: [0.0, 1.0]
            })
        );
        assert_eq!(uv_grid(&stream, [Shift::Any, Shift::No], 12), None);
        assert_eq!(uv_grid(&stream, [Shift::Any, Shift::Even], 12), None);
        let wide = uvs(&[0.0, 0.0, 2.5, 0.0]);
        assert_eq!(
            uv_grid(&wide, [Shift::Any; 2], 12),
            None,
            "more than one repeat wide"
        );
        let noisy = uvs(&[-1e-9, 0.0, 1.0, 1.0]);
        assert_eq!(
            uv_grid(&noisy, [Shift::No; 2], 12),
            Some(Encoding::Unorm16 {
                bits: 12,
                offset: [0.0; 2]
            })
        );
    }

    #[test]
    fn a_grid_reproduces_positions_within_half_a_step() {
        let grid = Grid::fit([-1.0, 0.0, 0.0], [1.0, 0.5, 0.25], 14);
        let mut values = [0.3, 0.2, 0.1];
        convert(Encoding::Grid(grid), &mut values);
        for (c, (&q, p)) in values.iter().zip([0.3, 0.2, 0.1]).enumerate() {
            let back = grid.offset[c] + q * grid.step;
            assert!((back - p).abs() <= grid.step / 2.0 + 1e-12);
        }
    }
}
