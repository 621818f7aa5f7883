//! `KHR_draco_mesh_compression` input: [`expand`] decodes every Draco-compressed primitive with
//! the pure-Rust `draco-core` decoder and writes the document back as a plain GLB, so the
//! validator, the optimizer and the renderer downstream see ordinary accessors.
//!
//! The output has one buffer (the GLB's BIN chunk): every loaded buffer of the input, each
//! padded to 4 bytes, then the decoded indices and attributes as new bufferViews. Views (and
//! their `EXT_meshopt_compression` streams) are re-pointed into it; images keep their URIs, so
//! the input's resolver still reads them. The extension is removed from the primitives and
//! from `extensionsUsed`/`extensionsRequired`.
//!
//! Bounds: the decoder runs with [`DecodeLimits`] (points, faces and decoded bytes, each at most
//! proportional to the stream's length, checked against the stream's header before anything is
//! allocated), the decoded counts must equal
//! the glTF accessors' counts (as the extension requires), and all primitives together may
//! decode at most [`MAX_DECODED_BYTES`]. Anything that fails is an `Err` with a reason.

use draco_core::{DecodeLimits, DecoderBuffer, Mesh, MeshDecoder};
use serde_json::{json, Value};

use super::{analyze_parts, limits, Format, Resolver, Validation};
use crate::scene::MAX_DECODED_VERTICES;

pub const EXTENSION: &str = "KHR_draco_mesh_compression";

/// Most bytes all Draco primitives of one document may decode to, together.
pub const MAX_DECODED_BYTES: u64 = 512 << 20;

const FLOAT: u64 = 5126;
const UNSIGNED_INT: u64 = 5125;
const ARRAY_BUFFER: u64 = 34962;
const ELEMENT_ARRAY_BUFFER: u64 = 34963;

/// Whether the document (JSON, or GLB with its JSON chunk) mentions the extension at all: a
/// cheap test before anything is parsed.
pub fn mentions(bytes: &[u8]) -> bool {
    let needle = EXTENSION.as_bytes();
    let head = &bytes[..bytes.len().min(limits::MAX_JSON_BYTES + 20)];
    head.windows(needle.len()).any(|w| w == needle)
}

/// The document as a plain GLB with every Draco primitive decoded; `Ok(None)` when it has none.
pub fn expand(
    bytes: &[u8],
    format: Format,
    resolver: &dyn Resolver,
) -> Result<Option<Vec<u8>>, String> {
    if !mentions(bytes) {
        return Ok(None);
    }
    let mut validation = Validation::default();
    let parts = analyze_parts(bytes, format, resolver, &mut validation)
        .ok_or("the document is not readable")?;
    let mut json: Value =
        serde_json::from_slice(parts.json).map_err(|e| format!("the JSON is not readable: {e}"))?;
    let has_draco = json["meshes"].as_array().is_some_and(|meshes| {
        meshes.iter().any(|m| {
            m["primitives"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["extensions"][EXTENSION].is_object()))
        })
    });
    if !has_draco {
        return Ok(None);
    }
    // Decode first, from the input's views, before the document is rewritten.
    let mut decoded = Vec::new();
    let mut budget = MAX_DECODED_BYTES;
    let mesh_count = json["meshes"].as_array().map_or(0, Vec::len);
    for m in 0..mesh_count {
        let primitive_count = json["meshes"][m]["primitives"]
            .as_array()
            .map_or(0, Vec::len);
        for p in 0..primitive_count {
            let ext = &json["meshes"][m]["primitives"][p]["extensions"][EXTENSION];
            if !ext.is_object() {
                continue;
            }
            let at = format!("/meshes/{m}/primitives/{p}");
            let view = ext["bufferView"]
                .as_u64()
                .ok_or_else(|| format!("{at}: the Draco extension has no bufferView"))?;
            let stream = parts
                .binary
                .view(view as usize)
                .ok_or_else(|| format!("{at}: the Draco bufferView {view} is not readable"))?;
            let mesh = decode_stream(stream, budget).map_err(|e| format!("{at}: {e}"))?;
            let primitive = &json["meshes"][m]["primitives"][p];
            let out = extract(&json, primitive, &mesh).map_err(|e| format!("{at}: {e}"))?;
            budget = budget.checked_sub(out.bytes()).ok_or_else(|| {
                format!("the Draco meshes decode to more than {MAX_DECODED_BYTES} bytes")
            })?;
            decoded.push((m, p, out));
        }
    }
    let mut bin = merge_buffers(&mut json, &parts.binary.buffers)?;
    for (m, p, out) in decoded {
        write_primitive(&mut json, m, p, out, &mut bin);
    }
    drop_extension(&mut json);
    json["buffers"] = json!([{ "byteLength": bin.len() }]);
    crate::optimize::glb_container(&json, &bin)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Decodes one stream. Its header's counts are checked against ceilings proportional to the
/// stream's real length (at most [`limits::MAX_DECOMPRESSION_RATIO`] decoded bytes per byte, as
/// for meshopt) before the decoder allocates anything.
fn decode_stream(stream: &[u8], budget: u64) -> Result<Mesh, String> {
    let ratio = limits::MAX_DECOMPRESSION_RATIO;
    let by_length = stream.len() as u64 * ratio;
    let counts = by_length.min(MAX_DECODED_VERTICES as u64);
    let limits = DecodeLimits::default()
        .with_max_points(counts)
        .with_max_faces(counts)
        .with_max_decoded_bytes(by_length.min(budget));
    let mut buffer = DecoderBuffer::new(stream).with_limits(limits);
    let mut mesh = Mesh::new();
    MeshDecoder::new()
        .decode(&mut buffer, &mut mesh)
        .map_err(|e| format!("the Draco stream does not decode: {e}"))?;
    Ok(mesh)
}

/// One decoded primitive: its triangle indices and, per glTF accessor, the values to write.
struct Decoded {
    indices: Option<(u64, Vec<u32>)>,
    /// (accessor index, component type, values widened to f32).
    attributes: Vec<(u64, u64, Vec<f32>)>,
}

impl Decoded {
    fn bytes(&self) -> u64 {
        let index_bytes = self.indices.as_ref().map_or(0, |(_, i)| i.len() * 4);
        let attribute_bytes: usize = self.attributes.iter().map(|(_, _, v)| v.len() * 4).sum();
        (index_bytes + attribute_bytes) as u64
    }
}

fn components(kind: &str) -> Option<usize> {
    Some(match kind {
        "SCALAR" => 1,
        "VEC2" => 2,
        "VEC3" => 3,
        "VEC4" | "MAT2" => 4,
        _ => return None,
    })
}

fn extract(json: &Value, primitive: &Value, mesh: &Mesh) -> Result<Decoded, String> {
    let points = mesh.num_points();
    let faces = mesh.faces();
    let indices = match primitive["indices"].as_u64() {
        Some(accessor) => {
            let declared = json["accessors"][accessor as usize]["count"].as_u64();
            if declared != Some(faces.len() as u64 * 3) {
                return Err(format!(
                    "the stream has {} indices, the accessor declares {declared:?}",
                    faces.len() * 3
                ));
            }
            let flat: Vec<u32> = faces.iter().flat_map(|f| f.map(|p| p.0)).collect();
            if flat.iter().any(|&i| i as usize >= points) {
                return Err("an index is past the decoded points".to_owned());
            }
            Some((accessor, flat))
        }
        None => None,
    };
    let mut attributes = Vec::new();
    let ids = primitive["extensions"][EXTENSION]["attributes"]
        .as_object()
        .ok_or("the Draco extension has no attributes")?;
    for (name, id) in ids {
        let accessor = primitive["attributes"][name]
            .as_u64()
            .ok_or_else(|| format!("`{name}` is compressed but not an attribute"))?;
        let described = &json["accessors"][accessor as usize];
        let n = described["type"]
            .as_str()
            .and_then(components)
            .ok_or_else(|| format!("`{name}`'s accessor has no usable type"))?;
        if described["count"].as_u64() != Some(points as u64) {
            return Err(format!(
                "`{name}`: {points} points decoded, the accessor declares {}",
                described["count"]
            ));
        }
        let attribute = id
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .and_then(|id| mesh.attribute_by_unique_id(id))
            .ok_or_else(|| format!("`{name}`: no Draco attribute {id}"))?;
        let component_type = described["componentType"].as_u64().unwrap_or(FLOAT);
        attributes.push((accessor, component_type, attribute.read_f32s(points, n)));
    }
    Ok(Decoded {
        indices,
        attributes,
    })
}

/// Concatenates the input's buffers into one BIN and re-points every bufferView into it.
fn merge_buffers(
    json: &mut Value,
    buffers: &[Option<std::borrow::Cow<'_, [u8]>>],
) -> Result<Vec<u8>, String> {
    let mut bin = Vec::new();
    let mut starts = Vec::with_capacity(buffers.len());
    for (i, buffer) in buffers.iter().enumerate() {
        let bytes = buffer
            .as_deref()
            .ok_or_else(|| format!("buffer {i} is not readable"))?;
        starts.push(bin.len() as u64);
        bin.extend_from_slice(bytes);
        pad(&mut bin);
    }
    let repoint = |target: &mut Value, starts: &[u64]| {
        let (Some(buffer), offset) = (target["buffer"].as_u64(), target["byteOffset"].as_u64())
        else {
            return;
        };
        if let Some(&start) = starts.get(buffer as usize) {
            target["buffer"] = json!(0);
            target["byteOffset"] = json!(start + offset.unwrap_or(0));
        }
    };
    if let Some(views) = json["bufferViews"].as_array_mut() {
        for view in views {
            repoint(view, &starts);
            if let Some(meshopt) = view
                .get_mut("extensions")
                .and_then(|e| e.get_mut("EXT_meshopt_compression"))
            {
                repoint(meshopt, &starts);
            }
        }
    }
    Ok(bin)
}

fn pad(bin: &mut Vec<u8>) {
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
}

fn new_view(json: &mut Value, bin: &mut Vec<u8>, bytes: &[u8], target: u64) -> usize {
    let offset = bin.len();
    bin.extend_from_slice(bytes);
    pad(bin);
    let views = json["bufferViews"].as_array_mut();
    let view =
        json!({"buffer": 0, "byteOffset": offset, "byteLength": bytes.len(), "target": target});
    match views {
        Some(views) => {
            views.push(view);
            views.len() - 1
        }
        None => {
            json["bufferViews"] = json!([view]);
            0
        }
    }
}

fn write_primitive(json: &mut Value, m: usize, p: usize, out: Decoded, bin: &mut Vec<u8>) {
    if let Some((accessor, indices)) = out.indices {
        let bytes: Vec<u8> = indices.iter().flat_map(|i| i.to_le_bytes()).collect();
        let view = new_view(json, bin, &bytes, ELEMENT_ARRAY_BUFFER);
        let a = &mut json["accessors"][accessor as usize];
        a["bufferView"] = json!(view);
        a["componentType"] = json!(UNSIGNED_INT);
        strip_offset(a);
        let values: Vec<f32> = indices.iter().map(|&i| i as f32).collect();
        set_bounds(a, &values, 1);
    }
    for (accessor, component_type, values) in out.attributes {
        let n = json["accessors"][accessor as usize]["type"]
            .as_str()
            .and_then(components)
            .unwrap_or(1);
        let bytes: Vec<u8> = match component_type {
            5121 | 5120 => values.iter().map(|&v| v as i64 as u8).collect(),
            5123 | 5122 => values
                .iter()
                .flat_map(|&v| (v as i64 as u16).to_le_bytes())
                .collect(),
            5125 => values
                .iter()
                .flat_map(|&v| (v as u32).to_le_bytes())
                .collect(),
            _ => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        };
        let view = new_view(json, bin, &bytes, ARRAY_BUFFER);
        let a = &mut json["accessors"][accessor as usize];
        a["bufferView"] = json!(view);
        if !matches!(component_type, 5120..=5123 | 5125) {
            a["componentType"] = json!(FLOAT);
            if let Some(map) = a.as_object_mut() {
                map.remove("normalized");
            }
        }
        strip_offset(a);
        set_bounds(a, &values, n);
    }
    let primitive = &mut json["meshes"][m]["primitives"][p];
    if let Some(extensions) = primitive
        .get_mut("extensions")
        .and_then(Value::as_object_mut)
    {
        extensions.remove(EXTENSION);
        if extensions.is_empty() {
            if let Some(map) = primitive.as_object_mut() {
                map.remove("extensions");
            }
        }
    }
}

/// Draco quantizes: the declared `min`/`max` describe the values before compression, so an
/// accessor that has them gets the decoded values' own (as the validator checks them).
fn set_bounds(accessor: &mut Value, values: &[f32], n: usize) {
    if accessor.get("min").is_none() && accessor.get("max").is_none() {
        return;
    }
    let mut lo = vec![f32::INFINITY; n];
    let mut hi = vec![f32::NEG_INFINITY; n];
    for value in values.chunks_exact(n) {
        for (k, &v) in value.iter().enumerate() {
            lo[k] = lo[k].min(v);
            hi[k] = hi[k].max(v);
        }
    }
    if lo.iter().all(|v| v.is_finite()) && hi.iter().all(|v| v.is_finite()) {
        accessor["min"] = json!(lo);
        accessor["max"] = json!(hi);
    }
}

fn strip_offset(accessor: &mut Value) {
    if let Some(map) = accessor.as_object_mut() {
        map.remove("byteOffset");
        map.remove("sparse");
    }
}

fn drop_extension(json: &mut Value) {
    for key in ["extensionsUsed", "extensionsRequired"] {
        if let Some(list) = json.get_mut(key).and_then(Value::as_array_mut) {
            list.retain(|name| name.as_str() != Some(EXTENSION));
            if list.is_empty() {
                if let Some(map) = json.as_object_mut() {
                    map.remove(key);
                }
            }
        }
    }
}
