//! Writes a [`Model`] as a glTF 2.0 binary (GLB) with one material variant per colour option.
//!
//! The file has a 12-byte header (`glTF`, version 2, total length), a JSON chunk padded with
//! spaces and a BIN chunk padded with zeros, both to 4 bytes. Every buffer view starts on a
//! 4-byte boundary; positions carry accessor `min`/`max`; indices are `u16` when they fit and
//! `u32` otherwise. Colour-option primitives map each variant of `KHR_materials_variants` to
//! that colour's material; material `0` (the first colour) is their default.
//!
//! Output is a pure function of the model and the colours: same input, same bytes.

use glam::Vec3;
use serde_json::{json, Value};

use super::mesh::Mesh;
use super::model::{Model, Slot};

const GLB_MAGIC: &[u8; 4] = b"glTF";
const GLB_VERSION: u32 = 2;
const CHUNK_JSON: u32 = 0x4E4F_534A;
const CHUNK_BIN: u32 = 0x004E_4942;
const ARRAY_BUFFER: u32 = 34962;
const ELEMENT_ARRAY_BUFFER: u32 = 34963;
const FLOAT: u32 = 5126;
const UNSIGNED_SHORT: u32 = 5123;
const UNSIGNED_INT: u32 = 5125;
const TRIANGLES: u32 = 4;

/// The `asset.generator` of every demo model.
pub(crate) const GENERATOR: &str =
    concat!("showroom-assets demo models ", env!("CARGO_PKG_VERSION"));

/// Serializes `model` with one variant per entry of `colors` (which must not be empty).
pub(crate) fn write(model: Model, colors: &[(String, [f32; 4])]) -> Vec<u8> {
    let primary_look = (model.primary_metallic, model.primary_roughness);
    let name = model.name;
    let primitives = model.into_grounded_primitives();

    let mut materials: Vec<Value> = colors
        .iter()
        .map(|(color_name, rgba)| material(color_name, *rgba, primary_look.0, primary_look.1))
        .collect();
    let mut bin = BinWriter::default();
    let mut json_primitives = Vec::new();
    for (slot, mesh) in &primitives {
        let (material_index, extensions) = match slot {
            Slot::Primary => (0, Some(variant_mappings(colors.len()))),
            Slot::Fixed(finish) => {
                materials.push(material(
                    finish.name,
                    finish.color,
                    finish.metallic,
                    finish.roughness,
                ));
                (materials.len() - 1, None)
            }
        };
        let mut primitive = json!({
            "attributes": {
                "POSITION": bin.positions(&mesh.positions),
                "NORMAL": bin.attribute(&mesh.normals),
                "TEXCOORD_0": bin.attribute(&mesh.uvs),
            },
            "indices": bin.indices(mesh),
            "material": material_index,
            "mode": TRIANGLES,
        });
        if let Some(extensions) = extensions {
            primitive["extensions"] = extensions;
        }
        json_primitives.push(primitive);
    }

    let variants: Vec<Value> = colors
        .iter()
        .map(|(color_name, _)| json!({ "name": color_name }))
        .collect();
    let document = json!({
        "asset": { "version": "2.0", "generator": GENERATOR },
        "extensionsUsed": ["KHR_materials_variants"],
        "extensions": { "KHR_materials_variants": { "variants": variants } },
        "scene": 0,
        "scenes": [{ "name": name, "nodes": [0] }],
        "nodes": [{ "name": name, "mesh": 0 }],
        "meshes": [{ "name": name, "primitives": json_primitives }],
        "materials": materials,
        "buffers": [{ "byteLength": bin.data.len() }],
        "bufferViews": bin.views,
        "accessors": bin.accessors,
    });
    // Serializing a `Value` cannot fail: every key is a string and non-finite floats were
    // already turned into `null` by `json!`.
    let json_bytes = serde_json::to_vec(&document).unwrap_or_default();
    assemble(json_bytes, bin.data)
}

fn material(name: &str, rgba: [f32; 4], metallic: f32, roughness: f32) -> Value {
    json!({
        "name": name,
        "pbrMetallicRoughness": {
            "baseColorFactor": rgba,
            "metallicFactor": metallic,
            "roughnessFactor": roughness,
        },
    })
}

/// Variant `i` shows material `i` (the colour materials come first).
fn variant_mappings(count: usize) -> Value {
    let mappings: Vec<Value> = (0..count)
        .map(|i| json!({ "material": i, "variants": [i] }))
        .collect();
    json!({ "KHR_materials_variants": { "mappings": mappings } })
}

/// Header + JSON chunk + BIN chunk.
fn assemble(mut json_bytes: Vec<u8>, mut bin: Vec<u8>) -> Vec<u8> {
    pad(&mut json_bytes, b' ');
    pad(&mut bin, 0);
    let total = 12 + 8 + json_bytes.len() + 8 + bin.len();
    let mut glb = Vec::with_capacity(total);
    glb.extend_from_slice(GLB_MAGIC);
    glb.extend_from_slice(&GLB_VERSION.to_le_bytes());
    glb.extend_from_slice(&len_u32(total).to_le_bytes());
    for (kind, chunk) in [(CHUNK_JSON, &json_bytes), (CHUNK_BIN, &bin)] {
        glb.extend_from_slice(&len_u32(chunk.len()).to_le_bytes());
        glb.extend_from_slice(&kind.to_le_bytes());
        glb.extend_from_slice(chunk);
    }
    glb
}

fn pad(bytes: &mut Vec<u8>, with: u8) {
    // Written without `is_multiple_of` to keep the workspace's MSRV (1.85).
    let padded = bytes.len().next_multiple_of(4);
    bytes.resize(padded, with);
}

/// Demo models are a few hundred kilobytes; saturating keeps this total without a panic path.
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The BIN chunk under construction, with the views and accessors describing it.
#[derive(Default)]
struct BinWriter {
    data: Vec<u8>,
    views: Vec<Value>,
    accessors: Vec<Value>,
}

impl BinWriter {
    fn view(&mut self, bytes: &[u8], target: u32) -> usize {
        pad(&mut self.data, 0);
        self.views.push(json!({
            "buffer": 0,
            "byteOffset": self.data.len(),
            "byteLength": bytes.len(),
            "target": target,
        }));
        self.data.extend_from_slice(bytes);
        self.views.len() - 1
    }

    fn accessor(&mut self, accessor: Value) -> usize {
        self.accessors.push(accessor);
        self.accessors.len() - 1
    }

    /// A float accessor of `values`, `N` floats each (glTF type `VEC<N>`).
    fn vectors<const N: usize, V: Copy + Into<[f32; N]>>(&mut self, values: &[V]) -> Value {
        let bytes: Vec<u8> = values
            .iter()
            .flat_map(|&v| v.into())
            .flat_map(f32::to_le_bytes)
            .collect();
        let view = self.view(&bytes, ARRAY_BUFFER);
        let kind = format!("VEC{N}");
        json!({ "bufferView": view, "componentType": FLOAT, "count": values.len(), "type": kind })
    }

    fn positions(&mut self, positions: &[Vec3]) -> usize {
        let mut accessor = self.vectors(positions);
        let min = positions
            .iter()
            .copied()
            .fold(Vec3::splat(f32::MAX), Vec3::min);
        let max = positions
            .iter()
            .copied()
            .fold(Vec3::splat(f32::MIN), Vec3::max);
        accessor["min"] = json!(min.to_array());
        accessor["max"] = json!(max.to_array());
        self.accessor(accessor)
    }

    /// An accessor of a vertex attribute such as normals (`VEC3`) or texture coordinates (`VEC2`).
    fn attribute<const N: usize, V: Copy + Into<[f32; N]>>(&mut self, values: &[V]) -> usize {
        let accessor = self.vectors(values);
        self.accessor(accessor)
    }

    fn indices(&mut self, mesh: &Mesh) -> usize {
        let fits_u16 = mesh.positions.len() <= usize::from(u16::MAX);
        let (bytes, component): (Vec<u8>, u32) = if fits_u16 {
            let bytes = mesh
                .indices
                .iter()
                .flat_map(|&i| u16::try_from(i).unwrap_or(u16::MAX).to_le_bytes())
                .collect();
            (bytes, UNSIGNED_SHORT)
        } else {
            let bytes = mesh.indices.iter().flat_map(|&i| i.to_le_bytes()).collect();
            (bytes, UNSIGNED_INT)
        };
        let view = self.view(&bytes, ELEMENT_ARRAY_BUFFER);
        self.accessor(json!({
            "bufferView": view,
            "componentType": component,
            "count": mesh.indices.len(),
            "type": "SCALAR",
        }))
    }
}
