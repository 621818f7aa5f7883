//! USDZ packages for iOS AR Quick Look, made from a decoded [`Scene`].
//!
//! [`from_scene`] writes one USDA layer (`model.usda`) and the textures it samples (PNG, at most
//! [`UsdzOptions::max_texture_px`] per side) into a zip laid out as the USDZ specification asks:
//! the layer first, every file stored uncompressed and unencrypted, its data 64-byte aligned.
//! So a product's USDZ is made once, next to its GLB, instead of by the shopper's browser.
//!
//! The tour, in the order [`from_scene`] runs it:
//! - [`looks`] decides which material each mesh wears in the default look and in each
//!   `KHR_materials_variants` variant;
//! - [`textures`] encodes the textures those materials sample, capped in size;
//! - [`layer`] writes the stage (`upAxis = "Y"`, `metersPerUnit = 1`, `defaultPrim = "Root"`),
//!   one `Mesh` per scene primitive and the `materialVariant` variant set, with
//!   [`shading`] writing the `UsdPreviewSurface` materials and [`names`] making every name one
//!   USD accepts;
//! - [`zip`] packs it all.
//!
//! Guarantees: any [`Scene`] — empty primitives, no UVs, no materials, missing or broken
//! textures, out-of-range indices — gives a package or an error, never a panic; memory is
//! proportional to what is written (the layer text, whose longest possible length is checked
//! against the zip limit before it is built, the encoded textures, and the archive); the same
//! scene and options always give the same bytes.

mod layer;
mod looks;
mod names;
mod shading;
mod text;
mod textures;
mod zip;

use crate::scene::Scene;

/// The name of the USD layer inside the package, always its first file.
pub const LAYER_FILE: &str = "model.usda";

/// What [`from_scene`] may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsdzOptions {
    /// The longest side a texture may keep; larger ones are resized, aspect kept. AR Quick Look
    /// and the 3D Commerce guidelines both ask for at most 2048 px.
    pub max_texture_px: u32,
}

impl Default for UsdzOptions {
    fn default() -> Self {
        Self {
            max_texture_px: 2048,
        }
    }
}

/// Why a package could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsdzError {
    #[error("texture {index} could not be encoded as PNG: {reason}")]
    Texture { index: usize, reason: String },
    /// The package (or its layer, counted at its longest possible text before it is written)
    /// would not fit a zip without ZIP64.
    #[error("the package would need ZIP64 (over 4 GiB or 65 535 files), which USDZ readers do not all support")]
    TooLarge,
}

/// Builds the USDZ package of `scene`.
pub fn from_scene(scene: &Scene, options: &UsdzOptions) -> Result<Vec<u8>, UsdzError> {
    let looks = looks::Looks::of(scene);
    if layer::max_len(scene, &looks) > zip::MAX_FILE_LEN {
        return Err(UsdzError::TooLarge);
    }
    let bindings = looks.bindings();
    let used = shading::textures_used(scene, &bindings);
    let textures = textures::encode(scene, &used, options.max_texture_px)?;
    let layer = layer::write(scene, &looks, |usda, scope| {
        shading::write_materials(usda, scene, &bindings, &textures, scope)
    });
    let mut entries = Vec::with_capacity(1 + textures.files.len());
    entries.push((LAYER_FILE.to_owned(), layer.into_bytes()));
    entries.extend(textures.files);
    zip::write(&entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, DemoKind};
    use crate::gltf::{Format, NoResources};

    #[test]
    fn the_layer_never_outgrows_its_estimate() {
        let colors = [("Sage green", [0.4, 0.5, 0.4, 1.0]), ("Coal", [0.1; 4])];
        for kind in DemoKind::ALL {
            let glb = demo::generate(kind, &colors);
            let mut scene = crate::scene::decode(&glb, Format::Glb, &NoResources).unwrap();
            // The longest numbers there are.
            for p in &mut scene.primitives {
                p.positions
                    .iter_mut()
                    .for_each(|v| *v = glam::Vec3::splat(-1.1754944e-38));
                p.normals
                    .iter_mut()
                    .for_each(|n| *n = glam::Vec3::splat(-0.000_123_456_79));
            }
            let looks = looks::Looks::of(&scene);
            let text = layer::write(&scene, &looks, |usda, scope| {
                shading::write_materials(
                    usda,
                    &scene,
                    &looks.bindings(),
                    &Default::default(),
                    scope,
                )
            });
            assert!(
                text.len() as u64 <= layer::max_len(&scene, &looks),
                "{kind:?}"
            );
        }
    }
}
