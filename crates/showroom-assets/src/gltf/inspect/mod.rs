//! What a merchant and the storefront want to know about a model: how heavy it is to draw, what
//! it is made of, and how big the real product is.
//!
//! Counts follow what a viewer draws: every node of the default scene that holds a mesh is one
//! instance, so a mesh used by three nodes counts its triangles, vertices and draw calls three
//! times. Triangles come from index (or vertex) counts by primitive mode: `n/3` for triangles,
//! `n-2` for strips and fans, none for points and lines. Dimensions come from the world-space
//! bounding box (see [`bounds`]). Warnings apply the Khronos 3D Commerce asset guidelines
//! (see [`guidelines`]). `EXT_mesh_gpu_instancing` is not expanded.

mod bounds;
mod guidelines;

use serde::{Deserialize, Serialize};

use super::analyze::{Analysis, Format};
use super::image_header::ImageFormat;
use super::nodes::world_matrices;
use super::problem::Problem;

const METRES_PER_INCH: f64 = 0.0254;

/// The inspection report of one asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub format: Format,
    /// The main file plus every external resource it names.
    pub file_bytes: u64,
    pub triangles: u64,
    pub vertices: u64,
    pub draw_calls: u64,
    pub nodes: usize,
    pub meshes: usize,
    pub materials: usize,
    /// One entry per image.
    pub textures: Vec<TextureInfo>,
    pub extensions_used: Vec<String>,
    pub extensions_required: Vec<String>,
    /// `KHR_materials_variants` names, in order.
    pub variants: Vec<String>,
    /// World-space bounding box, `None` when nothing with bounds is drawn.
    pub bounds_m: Option<Bounds>,
    /// Size along x, y, z in metres (glTF's unit), zero when there is no geometry.
    pub dimensions_m: [f64; 3],
    pub dimensions_cm: [f64; 3],
    pub dimensions_in: [f64; 3],
    /// 3D Commerce guideline warnings.
    pub warnings: Vec<Problem>,
    /// Errors found by validation (the problems themselves are in the validation report).
    pub errors: usize,
}

/// One image used as a texture source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextureInfo {
    pub image: usize,
    pub uri: Option<String>,
    /// From the magic bytes, else from the declared `mimeType`.
    pub format: Option<ImageFormat>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: u64,
}

/// An axis-aligned box in metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub min: [f64; 3],
    pub max: [f64; 3],
}

fn format_from_mime(mime: Option<&str>) -> Option<ImageFormat> {
    Some(match mime? {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/webp" => ImageFormat::Webp,
        "image/ktx2" => ImageFormat::Ktx2,
        _ => return None,
    })
}

pub(crate) fn build(analysis: &Analysis, format: Format, errors: usize) -> Inspection {
    let doc = &analysis.doc;
    let draws = world_matrices(doc);
    let (mut triangles, mut vertices, mut draw_calls) = (0u64, 0u64, 0u64);
    for (node, _) in &draws {
        let Some(mesh) = doc.nodes[*node].mesh else {
            continue;
        };
        for primitive in &doc.meshes[mesh].primitives {
            let vertex_count = primitive
                .attribute("POSITION")
                .or(primitive.attributes.first().map(|a| a.1))
                .map_or(0, |a| doc.accessors[a].count);
            let drawn = primitive
                .indices
                .map_or(vertex_count, |i| doc.accessors[i].count);
            // Saturating: declared counts are untrusted and can sum past u64.
            triangles = triangles.saturating_add(match primitive.mode {
                4 => drawn / 3,
                5 | 6 => drawn.saturating_sub(2),
                _ => 0,
            });
            vertices = vertices.saturating_add(vertex_count);
            draw_calls += 1;
        }
    }
    let textures: Vec<TextureInfo> = doc
        .images
        .iter()
        .zip(&analysis.images)
        .enumerate()
        .map(|(i, (image, facts))| TextureInfo {
            image: i,
            uri: image
                .uri
                .as_ref()
                .filter(|u| !u.starts_with("data:"))
                .cloned(),
            format: facts
                .format
                .or_else(|| format_from_mime(image.mime_type.as_deref())),
            width: facts.size.map(|s| s.0),
            height: facts.size.map(|s| s.1),
            bytes: facts.bytes,
        })
        .collect();
    let bounds_m = bounds::world_bounds(doc, &draws);
    let dimensions_m = bounds_m.map_or([0.0; 3], |b| {
        [
            b.max[0] - b.min[0],
            b.max[1] - b.min[1],
            b.max[2] - b.min[2],
        ]
    });
    let mut inspection = Inspection {
        format,
        file_bytes: analysis.total_bytes,
        triangles,
        vertices,
        draw_calls,
        nodes: doc.nodes.len(),
        meshes: doc.meshes.len(),
        materials: doc.materials,
        textures,
        extensions_used: doc.extensions_used.clone(),
        extensions_required: doc.extensions_required.clone(),
        variants: doc
            .variants
            .iter()
            .map(|v| v.clone().unwrap_or_default())
            .collect(),
        bounds_m,
        dimensions_m,
        dimensions_cm: dimensions_m.map(|d| d * 100.0),
        dimensions_in: dimensions_m.map(|d| d / METRES_PER_INCH),
        warnings: Vec::new(),
        errors,
    };
    inspection.warnings = guidelines::warnings(&inspection);
    inspection
}
