//! Assembles one output GLB from the validated input: the input's JSON is kept (materials,
//! variants, nodes and their names, cameras, lights, animations, extras) and only what holds or
//! points at data is rewritten: `buffers`, `bufferViews`, `accessors`, `images`, the primitives'
//! attributes and indices, texture sources, the nodes that carry dequantization transforms, and
//! the extension lists.
//!
//! Identical primitives (the same accessors, drawn the same way, on the same position grid) are
//! rebuilt once and share their output accessors. Accessors used outside meshes (animation
//! samplers, inverse bind matrices, instancing attributes) are copied densely (sparse data
//! applied) in their own format, with `min`/`max` when the input had them.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::encoding::{self, Context, Encoding, Grid, Output};
use super::glb::{self, Writer};
use super::mesh::{self, Read};
use super::report::OptimizeReport;
use super::source::Source;
use super::textures::Prepared;
use super::{extensions, ktx2, materials, nodes, sources, webp, OptimizeError, OptimizeOptions};
use crate::gltf::elements as streams;
use crate::scene::MAX_DECODED_VERTICES;

/// Which GLB to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Delivery,
    Plain,
}

pub(crate) fn build(
    input: &Source<'_>,
    images: &Prepared,
    options: &OptimizeOptions,
    target: Target,
    report: &mut OptimizeReport,
) -> Result<Vec<u8>, OptimizeError> {
    let output = match target {
        Target::Delivery => Output::Delivery,
        Target::Plain => Output::Plain,
    };
    let mut json = input.json.clone();
    let mut writer = Writer::new(target == Target::Delivery);
    let (grids, mut quantized) = write_meshes(input, &mut json, &mut writer, output, options)?;
    write_other_accessors(input, &mut json, &mut writer, target)?;
    // The plain GLB is core glTF: a KTX2 image goes in as its PNG or JPEG transcode, under the
    // texture's core `source`, or is left out when it could not be transcoded.
    let carried: Vec<bool> = images
        .images
        .iter()
        .map(|i| target == Target::Delivery || i.mime != ktx2::MIME || i.plain.is_some())
        .collect();
    if target == Target::Plain {
        sources::move_to_core(&mut json, ktx2::EXTENSION);
    }
    let mut renumbered = Vec::with_capacity(carried.len());
    let mut next = 0;
    for &c in &carried {
        renumbered.push(c.then_some(next));
        next += usize::from(c);
    }
    let image_map: Vec<Option<usize>> = images
        .map
        .iter()
        .map(|m| m.and_then(|i| renumbered[i]))
        .collect();
    // (bytes, MIME type, name) of each image written; the delivery GLB takes the WebP.
    let kept: Vec<(&[u8], &str, Option<&String>)> = images
        .images
        .iter()
        .enumerate()
        .zip(&carried)
        .filter(|(_, &c)| c)
        .map(|((i, image), _)| {
            let webp = images.webp.get(i).and_then(Option::as_deref);
            let plain = image.plain.as_ref().filter(|_| target == Target::Plain);
            match (webp.filter(|_| target == Target::Delivery), plain) {
                (Some(webp_bytes), _) => (webp_bytes, webp::MIME, image.name.as_ref()),
                (None, Some((bytes, mime))) => (bytes.as_slice(), *mime, image.name.as_ref()),
                (None, None) => (image.bytes.as_slice(), image.mime, image.name.as_ref()),
            }
        })
        .collect();
    let image_views: Vec<usize> = kept.iter().map(|i| writer.blob(i.0)).collect();
    json["images"] = Value::Array(
        kept.iter()
            .zip(&image_views)
            .map(|(&(_, mime, name), &view)| {
                let mut object = Map::new();
                if let Some(name) = name {
                    object.insert("name".into(), json!(name));
                }
                object.insert("bufferView".into(), json!(view));
                object.insert("mimeType".into(), json!(mime));
                Value::Object(object)
            })
            .collect(),
    );
    let dropped = materials::remap_textures(&mut json, &image_map);
    if target == Target::Delivery {
        report.warnings.extend(dropped);
        nodes::apply_grids(&mut json, &grids);
    }
    nodes::repair_scenes(&mut json);
    let laid = writer.finish()?;
    json["buffers"] = Value::Array(laid.buffers);
    json["bufferViews"] = Value::Array(laid.views);
    json["accessors"] = Value::Array(laid.accessors);
    if target == Target::Plain {
        extensions::strip_ext(&mut json);
        quantized = false;
    }
    let mime_of = |i: u64| kept.get(i as usize).map(|image| image.1);
    if target == Target::Delivery {
        sources::move_under(&mut json, ktx2::EXTENSION, |i| {
            mime_of(i) == Some(ktx2::MIME)
        });
        sources::move_under(&mut json, webp::EXTENSION, |i| {
            mime_of(i) == Some(webp::MIME)
        });
    }
    extensions::declare(&mut json, &input.json, quantized, laid.compressed);
    if target == Target::Delivery {
        sources::require_without_fallback(&mut json, ktx2::EXTENSION);
        sources::require_without_fallback(&mut json, webp::EXTENSION);
    } else if kept.len() < images.images.len() {
        report.warnings.push(
            "the plain GLB leaves out the KTX2 images it could not transcode (core glTF has no KTX2); its materials use their factors there"
                .to_owned(),
        );
    }
    json["asset"]["generator"] = json!("Showroom optimizer");
    for key in ["images", "textures", "bufferViews", "accessors"] {
        if json[key].as_array().is_some_and(Vec::is_empty) {
            if let Some(root) = json.as_object_mut() {
                root.remove(key);
            }
        }
    }
    glb::container(&json, &laid.bin)
}

/// The grid for a mesh's positions: the box over all its primitives.
fn position_grid(reads: &[Read], bits: u32) -> Option<Grid> {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for read in reads {
        let (_, stream) = read.attributes.iter().find(|(n, _)| n == "POSITION")?;
        for e in 0..stream.count() {
            for c in 0..3 {
                let v = stream.value(e, c);
                lo[c] = lo[c].min(v);
                hi[c] = hi[c].max(v);
            }
        }
    }
    (lo[0] <= hi[0]).then(|| Grid::fit(lo, hi, bits))
}

/// How much coarser than its own grid a mesh's positions may be stored, to share the step
/// of the largest mesh: 4 = at least `position_bits - 2` bits across the mesh itself.
const MAX_STEP_SHARING: f64 = 4.0;

/// Gives meshes one common step where it costs little precision: positions of every mesh
/// then sit on the same world grid (as gltfpack's single quantization grid does), and small
/// meshes store small integers, which compress better. A mesh much smaller than the largest
/// one keeps a finer step, at most [`MAX_STEP_SHARING`] times its own.
fn share_steps(grids: &mut [Option<Grid>]) {
    let common = grids.iter().flatten().map(|g| g.step).fold(0.0, f64::max);
    for grid in grids.iter_mut().flatten() {
        grid.step = common.min(grid.step * MAX_STEP_SHARING);
    }
}

/// Rebuilds every mesh primitive; returns the position grid of each mesh, and whether any
/// attribute was written in a format that needs `KHR_mesh_quantization`.
fn write_meshes(
    input: &Source<'_>,
    json: &mut Value,
    writer: &mut Writer,
    output: Output,
    options: &OptimizeOptions,
) -> Result<(Vec<Option<Grid>>, bool), OptimizeError> {
    let doc = input.doc();
    let binary = &input.parts.binary;
    let quantizable = nodes::quantizable(json, doc.meshes.len());
    let mut grids = vec![None; doc.meshes.len()];
    let mut built_before: HashMap<String, Value> = HashMap::new();
    let mut quantized = false;
    let mut all_reads = Vec::with_capacity(doc.meshes.len());
    // Every primitive is held decoded at once (as `f64`s), so the total is bounded, as the
    // scene decoder bounds its own.
    let mut budget = MAX_DECODED_VERTICES;
    for (m, mesh) in doc.meshes.iter().enumerate() {
        let reads = mesh
            .primitives
            .iter()
            .enumerate()
            .map(|(p, primitive)| {
                mesh::read(
                    doc,
                    binary,
                    primitive,
                    &format!("/meshes/{m}/primitives/{p}"),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let morphed = reads.iter().any(|r| !r.targets.is_empty());
        if output == Output::Delivery && quantizable[m] && !morphed {
            grids[m] = position_grid(&reads, options.position_bits);
        }
        for read in &reads {
            let vertices = read.attributes.first().map_or(0, |(_, s)| s.count());
            budget = budget.checked_sub(vertices).ok_or_else(|| {
                OptimizeError::TooLarge(format!(
                    "the meshes have more than {MAX_DECODED_VERTICES} vertices in all"
                ))
            })?;
        }
        all_reads.push(reads);
    }
    share_steps(&mut grids);
    for ((m, mesh), reads) in doc.meshes.iter().enumerate().zip(&all_reads) {
        let grid = grids[m];
        for (p, (read, source)) in reads.iter().zip(&mesh.primitives).enumerate() {
            let uv_shifts = materials::uv_shifts(json, &json["meshes"][m]["primitives"][p]);
            // Shifts matter only for coordinates outside 0..1 in the delivery GLB; leaving them
            // out of the key otherwise lets primitives that differ only in material share data.
            let shifted = output == Output::Delivery
                && read
                    .attributes
                    .iter()
                    .any(|(name, s)| name.starts_with("TEXCOORD_") && !encoding::in_unit(s));
            let uv_shifts = if shifted { uv_shifts } else { Vec::new() };
            let key = format!(
                "{:?}|{:?}|{:?}|{}|{:?}|{:?}",
                source.attributes, source.targets, source.indices, source.mode, grid, uv_shifts
            );
            let written = match built_before.get(&key) {
                Some(written) => written.clone(),
                None => {
                    let ctx = Context {
                        output,
                        grid,
                        uv_bits: options.uv_bits,
                        uv_shifts: &uv_shifts,
                    };
                    let built = mesh::build(read, &ctx);
                    if built.indices.is_empty() {
                        return Err(OptimizeError::Unsupported(format!(
                            "/meshes/{m}/primitives/{p} has nothing left to draw"
                        )));
                    }
                    quantized |= built.attributes.iter().any(|(_, e)| e.quantized);
                    let written = write_primitive(writer, &built);
                    built_before.insert(key, written.clone());
                    written
                }
            };
            let target = &mut json["meshes"][m]["primitives"][p];
            if let (Some(object), Value::Object(parts)) = (target.as_object_mut(), written) {
                object.remove("mode");
                object.remove("targets");
                object.extend(parts);
            }
        }
    }
    Ok((grids, quantized))
}

/// Writes a rebuilt primitive's data; returns its `attributes`, `indices`, `mode`, `targets`.
fn write_primitive(writer: &mut Writer, built: &mesh::Built) -> Value {
    let family = |name: &str| name.split('_').next().unwrap_or(name).to_owned();
    let attributes: Map<String, Value> = built
        .attributes
        .iter()
        .map(|(name, e)| {
            let index = writer.vertex(e, &family(name), name == "POSITION");
            (name.clone(), json!(index))
        })
        .collect();
    let targets: Vec<Value> = built
        .targets
        .iter()
        .map(|target| {
            let object: Map<String, Value> = target
                .iter()
                .map(|(name, e)| {
                    let family = format!("target/{}", family(name));
                    (
                        name.clone(),
                        json!(writer.vertex(e, &family, name == "POSITION")),
                    )
                })
                .collect();
            Value::Object(object)
        })
        .collect();
    let indices = writer.indices(&built.indices, built.vertex_count, built.mode == 4);
    let mut parts = Map::new();
    parts.insert("attributes".into(), Value::Object(attributes));
    parts.insert("indices".into(), json!(indices));
    if built.mode != 4 {
        parts.insert("mode".into(), json!(built.mode));
    }
    if !targets.is_empty() {
        parts.insert("targets".into(), Value::Array(targets));
    }
    Value::Object(parts)
}

/// Copies the accessors used outside meshes and points their users at the copies.
fn write_other_accessors(
    input: &Source<'_>,
    json: &mut Value,
    writer: &mut Writer,
    target: Target,
) -> Result<(), OptimizeError> {
    let doc = input.doc();
    let mut copied: HashMap<usize, usize> = HashMap::new();
    let mut copy = |value: &mut Value| -> Result<(), OptimizeError> {
        let Some(index) = value.as_u64().map(|v| v as usize) else {
            return Ok(());
        };
        let out = match copied.get(&index) {
            Some(&out) => out,
            None => {
                let stream = streams::read(doc, &input.parts.binary, index).ok_or_else(|| {
                    OptimizeError::Unsupported(format!("/accessors/{index} is not readable"))
                })?;
                let accessor = &doc.accessors[index];
                let bounds = accessor.min.is_some() || accessor.max.is_some();
                let encoded = encoding::encode(&stream, Encoding::Keep, false);
                let out = writer.other(&encoded, bounds);
                copied.insert(index, out);
                out
            }
        };
        *value = json!(out);
        Ok(())
    };
    if let Some(animations) = json.get_mut("animations").and_then(Value::as_array_mut) {
        for animation in animations {
            if let Some(samplers) = animation.get_mut("samplers").and_then(Value::as_array_mut) {
                for sampler in samplers {
                    copy(&mut sampler["input"])?;
                    copy(&mut sampler["output"])?;
                }
            }
        }
    }
    if let Some(skins) = json.get_mut("skins").and_then(Value::as_array_mut) {
        for skin in skins {
            if skin.get("inverseBindMatrices").is_some() {
                copy(&mut skin["inverseBindMatrices"])?;
            }
        }
    }
    if target == Target::Delivery {
        if let Some(nodes) = json.get_mut("nodes").and_then(Value::as_array_mut) {
            for node in nodes {
                let attributes = node
                    .pointer_mut("/extensions/EXT_mesh_gpu_instancing/attributes")
                    .and_then(Value::as_object_mut);
                for value in attributes.into_iter().flat_map(|a| a.values_mut()) {
                    copy(value)?;
                }
            }
        }
    }
    Ok(())
}
