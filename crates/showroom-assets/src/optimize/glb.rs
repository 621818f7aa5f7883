//! Buffer layout and the GLB container of an output.
//!
//! Accessor data is collected into *groups* of one kind (one attribute format and stride, or one
//! index size and topology), so each group becomes one bufferView: fewer, longer streams, which
//! compress better and cost less JSON. With compression, each group is encoded as one
//! `EXT_meshopt_compression` stream (`ATTRIBUTES` codec version 0, `TRIANGLES`, `INDICES`)
//! stored in the BIN chunk, and its bufferView points into a fallback buffer that has no bytes;
//! without, the group's bytes are the view. Images and other data (animation, skins) are plain
//! views in the BIN chunk. Every view starts 4-byte aligned, and both JSON and BIN chunks are
//! padded to 4 bytes (spaces and zeros), as the GLB format requires.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::encoding::Encoded;
use super::OptimizeError;
use crate::gltf::meshopt as codec;
use crate::gltf::{ComponentType, ElementType};

const ARRAY_BUFFER: u32 = 34962;
const ELEMENT_ARRAY_BUFFER: u32 = 34963;

/// What a group holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Vertex {
        stride: usize,
    },
    Triangles {
        size: usize,
    },
    Indices {
        size: usize,
    },
    /// Not vertex data: tightly packed, never compressed.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: Kind,
    /// Format of the data, so a view holds one kind of stream.
    format: String,
}

struct Group {
    kind: Kind,
    data: Vec<u8>,
    /// For octahedral-filtered streams: the filtered rows the codec compresses.
    filtered: Option<Vec<u8>>,
    /// The largest index + 1, for the index codec's bound.
    vertex_count: usize,
}

struct PendingAccessor {
    group: usize,
    byte_offset: usize,
    json: Map<String, Value>,
}

/// Collects data and produces `buffers`, `bufferViews`, `accessors` and the BIN chunk.
pub(crate) struct Writer {
    compress: bool,
    groups: Vec<Group>,
    keys: HashMap<Key, usize>,
    accessors: Vec<PendingAccessor>,
}

fn type_name(element: ElementType) -> &'static str {
    ElementType::NAMES[[
        ElementType::Scalar,
        ElementType::Vec2,
        ElementType::Vec3,
        ElementType::Vec4,
        ElementType::Mat2,
        ElementType::Mat3,
        ElementType::Mat4,
    ]
    .iter()
    .position(|&e| e == element)
    .unwrap_or(0)]
}

fn gl_code(component: ComponentType) -> u32 {
    match component {
        ComponentType::I8 => 5120,
        ComponentType::U8 => 5121,
        ComponentType::I16 => 5122,
        ComponentType::U16 => 5123,
        ComponentType::U32 => 5125,
        ComponentType::F32 => 5126,
    }
}

/// `f32`-exact JSON numbers: integers print without a fraction.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

impl Writer {
    pub fn new(compress: bool) -> Self {
        Self {
            compress,
            groups: Vec::new(),
            keys: HashMap::new(),
            accessors: Vec::new(),
        }
    }

    fn group(&mut self, key: Key) -> usize {
        if let Some(&g) = self.keys.get(&key) {
            return g;
        }
        self.groups.push(Group {
            kind: key.kind,
            data: Vec::new(),
            filtered: None,
            vertex_count: 0,
        });
        self.keys.insert(key, self.groups.len() - 1);
        self.groups.len() - 1
    }

    fn push(&mut self, group: usize, bytes: &[u8], json: Map<String, Value>) -> usize {
        // Index lists are concatenated without padding: a padding index would become part of
        // the compressed stream. Their offsets stay multiples of the index size.
        let align = match self.groups[group].kind {
            Kind::Triangles { size } | Kind::Indices { size } => size,
            Kind::Vertex { .. } | Kind::Other => 4,
        };
        let data = &mut self.groups[group].data;
        while !data.len().is_multiple_of(align) {
            data.push(0);
        }
        let byte_offset = data.len();
        data.extend_from_slice(bytes);
        self.accessors.push(PendingAccessor {
            group,
            byte_offset,
            json,
        });
        self.accessors.len() - 1
    }

    /// The accessor of `encoded`, with its `min`/`max` when `bounds`.
    fn accessor_json(encoded: &Encoded, bounds: bool) -> Map<String, Value> {
        let mut json = Map::new();
        json.insert("componentType".into(), json!(gl_code(encoded.component)));
        if encoded.normalized {
            json.insert("normalized".into(), json!(true));
        }
        json.insert("count".into(), json!(encoded.count()));
        json.insert("type".into(), json!(type_name(encoded.element)));
        if bounds {
            let (lo, hi) = encoded.bounds();
            json.insert(
                "min".into(),
                Value::Array(lo.into_iter().map(number).collect()),
            );
            json.insert(
                "max".into(),
                Value::Array(hi.into_iter().map(number).collect()),
            );
        }
        json
    }

    /// A vertex attribute; `with_bounds` adds `min`/`max` (POSITION needs them).
    pub fn vertex(&mut self, encoded: &Encoded, family: &str, with_bounds: bool) -> usize {
        let key = Key {
            kind: Kind::Vertex {
                stride: encoded.stride,
            },
            format: format!(
                "{family}/{:?}/{}/{:?}/{}",
                encoded.component,
                encoded.normalized,
                encoded.element,
                encoded.filtered.is_some()
            ),
        };
        let group = self.group(key);
        if let Some(filtered) = &encoded.filtered {
            // Rows are whole multiples of 4 bytes, so both copies stay aligned alike.
            self.groups[group]
                .filtered
                .get_or_insert_with(Vec::new)
                .extend_from_slice(filtered);
        }
        let json = Self::accessor_json(encoded, with_bounds);
        self.push(group, &encoded.bytes, json)
    }

    /// An index list for `vertex_count` vertices, u16 when they fit below the restart value.
    pub fn indices(&mut self, indices: &[u32], vertex_count: usize, triangles: bool) -> usize {
        let size = if vertex_count <= 65_535 { 2 } else { 4 };
        let kind = if triangles {
            Kind::Triangles { size }
        } else {
            Kind::Indices { size }
        };
        let group = self.group(Key {
            kind,
            format: String::new(),
        });
        let g = &mut self.groups[group];
        g.vertex_count = g.vertex_count.max(vertex_count);
        let bytes: Vec<u8> = if size == 2 {
            indices
                .iter()
                .flat_map(|&i| (i as u16).to_le_bytes())
                .collect()
        } else {
            indices.iter().flat_map(|&i| i.to_le_bytes()).collect()
        };
        let mut json = Map::new();
        json.insert(
            "componentType".into(),
            json!(if size == 2 { 5123 } else { 5125 }),
        );
        json.insert("count".into(), json!(indices.len()));
        json.insert("type".into(), json!("SCALAR"));
        self.push(group, &bytes, json)
    }

    /// Non-vertex data (animation, skins), tightly packed, with its own `min`/`max` if given.
    pub fn other(&mut self, encoded: &Encoded, bounds: bool) -> usize {
        let group = self.group(Key {
            kind: Kind::Other,
            format: String::new(),
        });
        let json = Self::accessor_json(encoded, bounds);
        self.push(group, &encoded.bytes, json)
    }

    /// An image's bytes as a bufferView of its own; returns the view's index.
    pub fn blob(&mut self, bytes: &[u8]) -> usize {
        // Groups become views one to one, in order.
        self.groups.push(Group {
            kind: Kind::Other,
            data: bytes.to_vec(),
            filtered: None,
            vertex_count: 0,
        });
        self.groups.len() - 1
    }

    /// Lays out every group: the JSON arrays and the BIN chunk.
    pub fn finish(self) -> Result<Laid, OptimizeError> {
        let mut bin: Vec<u8> = Vec::new();
        let mut fallback_len = 0usize;
        let mut views = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let mut view = Map::new();
            let compressed = self.compress && group.kind != Kind::Other;
            let (stride, target, mode) = match group.kind {
                Kind::Vertex { stride } => (Some(stride), Some(ARRAY_BUFFER), "ATTRIBUTES"),
                Kind::Triangles { size } => (Some(size), Some(ELEMENT_ARRAY_BUFFER), "TRIANGLES"),
                Kind::Indices { size } => (Some(size), Some(ELEMENT_ARRAY_BUFFER), "INDICES"),
                Kind::Other => (None, None, ""),
            };
            let align = |data: &mut Vec<u8>| {
                while !data.len().is_multiple_of(4) {
                    data.push(0);
                }
            };
            align(&mut bin);
            if compressed {
                let stride = stride.unwrap_or(4);
                let encoded = encode_group(group, stride).ok_or_else(|| OptimizeError::Output {
                    which: "delivery",
                    first: format!("the meshopt encoder refused a {mode} stream"),
                })?;
                fallback_len = fallback_len.next_multiple_of(4);
                view.insert("buffer".into(), json!(1));
                view.insert("byteOffset".into(), json!(fallback_len));
                view.insert("byteLength".into(), json!(group.data.len()));
                if matches!(group.kind, Kind::Vertex { .. }) {
                    view.insert("byteStride".into(), json!(stride));
                }
                view.insert("target".into(), json!(target));
                let mut ext = json!({
                    "buffer": 0,
                    "byteOffset": bin.len(),
                    "byteLength": encoded.len(),
                    "byteStride": stride,
                    "count": group.data.len() / stride,
                    "mode": mode,
                });
                if group.filtered.is_some() {
                    ext["filter"] = json!("OCTAHEDRAL");
                }
                view.insert("extensions".into(), json!({ codec::EXTENSION: ext }));
                fallback_len += group.data.len();
                bin.extend_from_slice(&encoded);
            } else {
                view.insert("buffer".into(), json!(0));
                view.insert("byteOffset".into(), json!(bin.len()));
                view.insert("byteLength".into(), json!(group.data.len()));
                if let Kind::Vertex { stride } = group.kind {
                    view.insert("byteStride".into(), json!(stride));
                }
                if let Some(target) = target {
                    view.insert("target".into(), json!(target));
                }
                bin.extend_from_slice(&group.data);
            }
            views.push(Value::Object(view));
        }
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        let mut buffers = vec![json!({ "byteLength": bin.len().max(4) })];
        if bin.is_empty() {
            bin.extend_from_slice(&[0; 4]);
        }
        if fallback_len > 0 {
            buffers.push(json!({
                "byteLength": fallback_len,
                "extensions": { codec::EXTENSION: { "fallback": true } },
            }));
        }
        let accessors = self
            .accessors
            .into_iter()
            .map(|a| {
                let mut json = a.json;
                json.insert("bufferView".into(), json!(a.group));
                if a.byte_offset > 0 {
                    json.insert("byteOffset".into(), json!(a.byte_offset));
                }
                Value::Object(json)
            })
            .collect();
        Ok(Laid {
            buffers,
            views,
            accessors,
            bin,
            compressed: fallback_len > 0,
        })
    }
}

/// A group encoded for `EXT_meshopt_compression`.
fn encode_group(group: &Group, stride: usize) -> Option<Vec<u8>> {
    let indices = |size: usize| -> Vec<u32> {
        if size == 2 {
            group
                .data
                .chunks_exact(2)
                .map(|c| u32::from(u16::from_le_bytes([c[0], c[1]])))
                .collect()
        } else {
            group
                .data
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        }
    };
    match group.kind {
        Kind::Vertex { .. } => {
            codec::encode_attributes(group.filtered.as_deref().unwrap_or(&group.data), stride)
        }
        Kind::Triangles { size } => codec::encode_triangles(&indices(size), group.vertex_count),
        Kind::Indices { size } => codec::encode_indices(&indices(size), group.vertex_count),
        Kind::Other => None,
    }
}

/// The laid-out buffers of an output.
pub(crate) struct Laid {
    pub buffers: Vec<Value>,
    pub views: Vec<Value>,
    pub accessors: Vec<Value>,
    pub bin: Vec<u8>,
    /// Whether any view is meshopt-compressed.
    pub compressed: bool,
}

/// A GLB with `json` (space-padded) and `bin` (zero-padded).
pub(crate) fn container(json: &Value, bin: &[u8]) -> Result<Vec<u8>, OptimizeError> {
    let mut json_bytes = serde_json::to_vec(json).map_err(|e| OptimizeError::Output {
        which: "any",
        first: e.to_string(),
    })?;
    while !json_bytes.len().is_multiple_of(4) {
        json_bytes.push(b' ');
    }
    let total = 12 + 8 + json_bytes.len() + 8 + bin.len();
    let too_large = || OptimizeError::TooLarge(format!("a {total}-byte GLB is over 4 GiB"));
    let total_u32 = u32::try_from(total).map_err(|_| too_large())?;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&total_u32.to_le_bytes());
    out.extend_from_slice(&(json_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&json_bytes);
    out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
    out.extend_from_slice(b"BIN\0");
    out.extend_from_slice(bin);
    Ok(out)
}
