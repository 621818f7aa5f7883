//! Decoded geometry and materials of a validated glTF document, ready to draw.
//!
//! [`decode`] runs the validator first and refuses a document with errors ([`SceneError`]),
//! with one repair: `SCENE_NON_ROOT_NODE` (a scene listing a node that is also some node's
//! child) is fixed by listing the node's root ancestor instead, and recorded in
//! [`Scene::warnings`]. Then every triangle primitive drawn by the default scene (or scene 0)
//! is read from the accessors by our own code (float and normalized or plain integer
//! components, interleaved strides, sparse substitution), its strips and fans turned into
//! triangle lists, and its positions and normals carried into world space through the node
//! hierarchy. Points and lines are skipped. `KHR_draco_mesh_compression` primitives are
//! decoded first ([`gltf::draco::expand`]).
//!
//! Guarantees: only accessor ranges the validator *located* inside real bytes are read, so
//! vertex counts are bounded by the input; accessors without data (zero-filled) are bounded by
//! [`MAX_DECODED_VERTICES`]; textures are decoded only after their header dimensions passed
//! [`texture::MAX_TEXTURE_SIDE`] and [`texture::MAX_TEXTURE_PIXELS`]. A texture that cannot be
//! decoded (a corrupt or oversized PNG, JPEG, WebP or KTX2) leaves its material on its factors,
//! with a warning.

mod accessor;
pub mod ktx2;
pub mod layers;
mod material;
mod primitive;
pub mod texture;

use glam::Vec3;

use crate::gltf::{self, Format, Resolver, Validation};

pub use material::{AlphaMode, CoreTransforms, Material};
pub use texture::Texture;

/// The most vertices (over all primitives) and indices a scene may decode.
pub const MAX_DECODED_VERTICES: usize = 32 * 1024 * 1024;

/// One drawn primitive as a world-space triangle list.
#[derive(Debug, Clone, Default)]
pub struct Primitive {
    pub positions: Vec<Vec3>,
    /// Unit normals, one per position (computed smooth when the file has none).
    pub normals: Vec<Vec3>,
    /// TEXCOORD_0, one per position, when present.
    pub uvs: Option<Vec<[f32; 2]>>,
    /// Counter-clockwise triangles as indices into the vertex arrays.
    pub triangles: Vec<[u32; 3]>,
    /// Index into [`Scene::materials`]; `None` is the glTF default material.
    pub material: Option<usize>,
    /// `KHR_materials_variants`: (variant index, material index) pairs.
    pub variant_materials: Vec<(usize, usize)>,
}

/// Everything a renderer needs.
#[derive(Debug, Clone, Default)]
pub struct Scene {
    pub primitives: Vec<Primitive>,
    pub materials: Vec<Material>,
    pub textures: Vec<Texture>,
    /// `KHR_materials_variants` names, in document order.
    pub variants: Vec<String>,
    /// What was repaired or left out (undecodable textures, skipped primitives).
    pub warnings: Vec<String>,
}

impl Scene {
    pub fn triangle_count(&self) -> usize {
        self.primitives.iter().map(|p| p.triangles.len()).sum()
    }

    /// World-space bounding box of the drawn vertices; `None` for an empty scene.
    pub fn bounds(&self) -> Option<(Vec3, Vec3)> {
        let mut lo = Vec3::splat(f32::INFINITY);
        let mut hi = Vec3::splat(f32::NEG_INFINITY);
        for p in self.primitives.iter().filter(|p| !p.triangles.is_empty()) {
            for &v in &p.positions {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo.x <= hi.x).then_some((lo, hi))
    }

    /// The index of a variant by name.
    pub fn variant(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v == name)
    }
}

/// Why a document cannot be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SceneError {
    #[error("not a readable glTF document")]
    Unreadable(Validation),
    #[error("the document has {} validation error(s), first: {first}", .validation.errors)]
    Invalid {
        validation: Validation,
        first: String,
    },
    #[error("the model has no triangles to draw")]
    Empty,
    #[error("the model has more than {MAX_DECODED_VERTICES} vertices or indices")]
    TooLarge,
}

/// Validates, then decodes the default scene.
pub fn decode(bytes: &[u8], format: Format, resolver: &dyn Resolver) -> Result<Scene, SceneError> {
    // `KHR_draco_mesh_compression` meshes are decoded into plain accessors first.
    let expanded = gltf::draco::expand(bytes, format, resolver).map_err(|reason| {
        let mut validation = Validation::default();
        validation.error("KHR_DRACO_UNDECODABLE", "/meshes", reason.clone());
        SceneError::Invalid {
            validation,
            first: reason,
        }
    })?;
    let (bytes, format) = match &expanded {
        Some(glb) => (glb.as_slice(), Format::Glb),
        None => (bytes, format),
    };
    let mut validation = Validation::default();
    let Some(parts) = gltf::analyze_parts(bytes, format, resolver, &mut validation) else {
        return Err(SceneError::Unreadable(validation));
    };
    let mut scene = Scene::default();
    if let Some(first) = validation.blocking_error() {
        let first = format!("{} {}: {}", first.code, first.pointer, first.message);
        return Err(SceneError::Invalid { validation, first });
    }
    for problem in validation.repairable() {
        scene.warnings.push(format!(
            "repaired {problem}; it is drawn once, under its root ancestor"
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(parts.json)
        .map_err(|_| SceneError::Unreadable(Validation::default()))?;
    let doc = &parts.analysis.doc;
    material::decode_all(doc, &json, &parts.binary, resolver, &mut scene);
    primitive::decode_all(doc, &json, &parts.binary, &mut scene)?;
    if scene.triangle_count() == 0 {
        return Err(SceneError::Empty);
    }
    Ok(scene)
}

/// Decodes a file opened from disk.
pub fn decode_file(file: &gltf::AssetFile) -> Result<Scene, SceneError> {
    decode(&file.bytes, file.format, file.resolver())
}
