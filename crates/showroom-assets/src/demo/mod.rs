//! Procedural demo models: every demo product gets a GLB built by our own code, no download.
//!
//! [`generate`] turns a [`DemoKind`] and the product's colour options into a glTF 2.0 binary
//! assembled from parametric primitives (boxes, rounded boxes, lathes, spheres, capsules,
//! tori). Every model guarantees:
//!
//! - real-world size in metres, +Y up, front towards +Z (shoes point towards +X);
//! - origin at the bottom centre of its bounding box (min y = 0, x and z centred);
//! - one `KHR_materials_variants` variant per colour, named like it, mapped on every
//!   colour-option primitive to a PBR metallic-roughness material of that colour;
//! - the same bytes for the same input.
//!
//! [`demo_catalog`] lists 24 ready-made demo products (furniture, gadgets, fashion) with titles,
//! prices and colours, one per kind.

mod catalog;
mod fashion;
mod furniture;
mod gadgets;
mod glb;
mod kind;
mod mesh;
mod model;
mod primitives;

pub use catalog::{demo_catalog, DemoProduct};
pub use kind::{DemoCategory, DemoKind};

/// The `asset.generator` string written into every demo GLB.
pub const GENERATOR: &str = glb::GENERATOR;

/// Builds the GLB of `kind` with one material variant per entry of `colors` (name, linear RGBA
/// in 0..=1; out-of-range or non-finite components are clamped). With no colours, the kind's
/// [`DemoKind::default_colors`] are used, so a model always has at least one variant.
pub fn generate(kind: DemoKind, colors: &[(&str, [f32; 4])]) -> Vec<u8> {
    let colors = if colors.is_empty() {
        kind.default_colors()
    } else {
        colors
    };
    let colors: Vec<(String, [f32; 4])> = colors
        .iter()
        .map(|(name, rgba)| ((*name).to_owned(), rgba.map(sanitize_channel)))
        .collect();
    glb::write(kind.build(), &colors)
}

fn sanitize_channel(value: f32) -> f32 {
    if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    }
}
