//! The delivery optimizer: from a validated upload to the two GLBs a shop serves.
//!
//! The tour: `source` accepts the input, `mesh` rebuilds each
//! primitive (weld, vertex cache, fetch order) in the `encoding` of each output, `nodes`
//! places the dequantization transforms and repairs scenes, `textures` and `materials`
//! handle images, `glb` lays out buffers and compresses them, `extensions` declares what the
//! output uses, `document` puts one output together, and `report` says what happened.
//!
//! [`optimize`] reads a document our validator accepts (see `source`), and writes:
//!
//! - [`Optimized::glb`], for the web viewer: every primitive welded (bit-identical vertices
//!   merged), its triangles reordered for the vertex cache and its vertices for fetch order,
//!   attributes quantized with `KHR_mesh_quantization` (`encoding`: gltfpack's default bits,
//!   normals through meshopt's octahedral filter), and every vertex and index stream compressed
//!   with `EXT_meshopt_compression` (codec version 0), both required (`glb`);
//! - [`Optimized::plain_glb`], for Android Scene Viewer: the same welded and reordered geometry
//!   with core glTF formats only and no `EXT_*` extension anywhere;
//! - [`Optimized::report`], what was done.
//!
//! In both, images are embedded, sides over [`OptimizeOptions::max_texture_px`] are resized and
//! re-encoded in their own format (a PNG or JPEG already small enough is kept byte for byte),
//! undecodable images are dropped with a warning, and materials, `KHR_materials_variants`
//! mappings, UVs, normals, node names, cameras, lights, skins and animations are kept. Nothing
//! is simplified: triangle counts are unchanged. A `SCENE_NON_ROOT_NODE` error is repaired and
//! recorded; any other validation error refuses the input.
//!
//! Guarantees: no panic on any input; memory bounded by the validator's limits (only ranges it
//! located are read; external images are read under the same resource budget, decoded only
//! within the scene decoder's pixel limits); the same input and options always give the same bytes; and both outputs
//! are validated by our own validator before they are returned, so a file we could not read back
//! without errors is never handed out ([`OptimizeError::Output`]).

mod document;
mod encoding;
mod extensions;
mod glb;
pub(crate) use glb::container as glb_container;
mod ktx2;
mod materials;
mod mesh;
mod nodes;
mod report;
mod source;
mod sources;
mod textures;
mod webp;

use std::time::Instant;

use crate::gltf::{self, Format, Resolver, Validation};

pub use report::{OptimizeReport, TextureAction, TextureReport};

/// What to produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptimizeOptions {
    /// Longest side of any texture in the outputs, in pixels.
    pub max_texture_px: u32,
    /// Bits of the integer grid for positions (delivery GLB), 1..=16.
    pub position_bits: u32,
    /// Bits for texture coordinates in 0..1 (delivery GLB), 1..=16.
    pub uv_bits: u32,
    /// JPEG quality (1..=100) for textures that must be re-encoded as JPEG.
    pub jpeg_quality: u8,
}

impl Default for OptimizeOptions {
    /// gltfpack's defaults for geometry (14-bit positions, 12-bit UVs, 8-bit normals), and the
    /// 2048 px texture limit of the Khronos 3D Commerce guidelines.
    fn default() -> Self {
        Self {
            max_texture_px: 2048,
            position_bits: 14,
            uv_bits: 12,
            jpeg_quality: 90,
        }
    }
}

/// The outputs of [`optimize`].
#[derive(Debug, Clone)]
pub struct Optimized {
    /// Delivery GLB: `KHR_mesh_quantization` + `EXT_meshopt_compression`, both required.
    pub glb: Vec<u8>,
    /// GLB for viewers without extensions support (Android Scene Viewer): no `EXT_*` at all.
    pub plain_glb: Vec<u8>,
    pub report: OptimizeReport,
}

/// Why a model could not be optimized.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimizeError {
    /// Not a readable glTF document at all.
    #[error("not a readable glTF document")]
    Unreadable(Validation),
    /// The validator found an error we do not repair.
    #[error("the document has {} validation error(s), first: {first}", .validation.errors)]
    Invalid {
        validation: Validation,
        first: String,
    },
    /// Invalid options (a bit count out of range, a zero texture size).
    #[error("invalid options: {0}")]
    Options(String),
    /// The model is too large to rewrite within our limits.
    #[error("{0}")]
    TooLarge(String),
    /// Valid, but something we cannot rewrite (e.g. a primitive with nothing left to draw).
    #[error("{0}")]
    Unsupported(String),
    /// Our own output failed our own validator: a bug, never shipped.
    #[error("the optimized {which} GLB does not validate: {first}")]
    Output { which: &'static str, first: String },
}

impl OptimizeError {
    /// True when the input (or the options) is at fault: the HTTP edge answers 4xx.
    pub fn is_client_error(&self) -> bool {
        !matches!(self, OptimizeError::Output { .. })
    }
}

/// Optimizes one model (a `.glb`, or a `.gltf` whose resources `resolver` reads).
pub fn optimize(
    bytes: &[u8],
    format: Format,
    resolver: &dyn Resolver,
    options: &OptimizeOptions,
) -> Result<Optimized, OptimizeError> {
    let started = Instant::now();
    check_options(options)?;
    // Draco input is decoded into a plain document first; everything below reads that.
    let expanded = crate::gltf::draco::expand(bytes, format, resolver)
        .map_err(|e| OptimizeError::Unsupported(format!("KHR_draco_mesh_compression: {e}")))?;
    let (bytes, format) = match &expanded {
        Some(glb) => (glb.as_slice(), Format::Glb),
        None => (bytes, format),
    };
    let input = source::Source::read(bytes, format, resolver)?;
    let mut report = OptimizeReport::start(&input);
    if expanded.is_some() {
        report
            .warnings
            .push("KHR_draco_mesh_compression meshes were decoded and re-encoded".to_owned());
    }
    let mut images = textures::prepare(&input, resolver, options, &mut report);
    images.webp = webp::encode_all(&images, &webp::input_roles(&input.json));
    let mut build = |target| document::build(&input, &images, options, target, &mut report);
    let glb = build(document::Target::Delivery)?;
    let plain_glb = build(document::Target::Plain)?;
    let after = verify(&glb, "delivery")?;
    verify(&plain_glb, "plain")?;
    report.finish(&after, glb.len(), plain_glb.len(), started.elapsed());
    Ok(Optimized {
        glb,
        plain_glb,
        report,
    })
}

fn check_options(options: &OptimizeOptions) -> Result<(), OptimizeError> {
    let bad = |what: &str| Err(OptimizeError::Options(what.to_owned()));
    if options.max_texture_px == 0 {
        return bad("max_texture_px must be at least 1");
    }
    if !(1..=16).contains(&options.position_bits) || !(1..=16).contains(&options.uv_bits) {
        return bad("position_bits and uv_bits must be in 1..=16");
    }
    if !(1..=100).contains(&options.jpeg_quality) {
        return bad("jpeg_quality must be in 1..=100");
    }
    Ok(())
}

/// Validates an output with our own validator; its inspection feeds the report.
fn verify(glb: &[u8], which: &'static str) -> Result<gltf::Inspection, OptimizeError> {
    let checked = gltf::check(glb, Format::Glb, &gltf::NoResources);
    let first = checked
        .validation
        .problems
        .iter()
        .find(|p| p.severity == gltf::Severity::Error)
        .map(|p| format!("{} {}: {}", p.code, p.pointer, p.message));
    match (checked.inspection, first) {
        (Some(inspection), None) if !checked.validation.has_errors() => Ok(inspection),
        (_, first) => Err(OptimizeError::Output {
            which,
            first: first.unwrap_or_else(|| "unreadable".to_owned()),
        }),
    }
}
