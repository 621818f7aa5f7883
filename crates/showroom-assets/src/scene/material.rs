//! Materials as the renderer needs them: metallic-roughness factors and the base-colour,
//! metallic-roughness, emissive, normal and occlusion textures (each with its
//! `KHR_texture_transform`), alpha
//! mode, double-sidedness, emission (times `KHR_materials_emissive_strength`), and the
//! sheen, clearcoat, transmission/volume and IOR layers of [`super::layers`].
//!
//! Values are read from the JSON the validator already type-checked, with the glTF defaults for
//! anything absent. Only images that a drawn texture slot uses are decoded, each once;
//! `EXT_texture_webp` sources are preferred when present, and a `KHR_texture_basisu`-only
//! texture is transcoded. An image that cannot be decoded (a corrupt or oversized file) leaves
//! the texture out: the material draws from its factors and a warning says why.

use std::collections::HashMap;

use serde_json::Value;

use super::layers::{
    self, number, numbers, Clearcoat, Sheen, TextureSlot, Transmission, UvTransform,
};
use super::texture;
use super::Scene;
use crate::gltf::{limits::MAX_RESOURCE_BYTES, Binary, Document, Resolver};

/// How alpha is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlphaMode {
    #[default]
    Opaque,
    /// Samples with alpha below the cutoff are not drawn.
    Mask,
    Blend,
}

/// A glTF PBR metallic-roughness material.
#[derive(Debug, Clone, PartialEq)]
pub struct Material {
    pub name: Option<String>,
    /// Linear RGBA.
    pub base_color: [f32; 4],
    /// Index into [`Scene::textures`] (sRGB RGBA).
    pub base_color_texture: Option<usize>,
    pub metallic: f32,
    pub roughness: f32,
    /// Index into [`Scene::textures`]: roughness in G, metallic in B (linear).
    pub metallic_roughness_texture: Option<usize>,
    /// Linear RGB.
    pub emissive: [f32; 3],
    /// Index into [`Scene::textures`] (sRGB).
    pub emissive_texture: Option<usize>,
    pub alpha_mode: AlphaMode,
    pub alpha_cutoff: f32,
    pub double_sided: bool,
    /// `KHR_texture_transform` of the three core texture slots above.
    pub transforms: CoreTransforms,
    /// The tangent-space normal map (linear; X right, Y up in the image) and its `scale`.
    pub normal_texture: Option<TextureSlot>,
    pub normal_scale: f32,
    /// The ambient occlusion map (R, linear) and its `strength`.
    pub occlusion_texture: Option<TextureSlot>,
    pub occlusion_strength: f32,
    pub sheen: Option<Sheen>,
    pub clearcoat: Option<Clearcoat>,
    pub transmission: Option<Transmission>,
    /// `KHR_materials_ior` (1.5 by default).
    pub ior: f32,
}

/// The `KHR_texture_transform` of the base-colour, metallic-roughness and emissive slots.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CoreTransforms {
    pub base_color: UvTransform,
    pub metallic_roughness: UvTransform,
    pub emissive: UvTransform,
}

impl Material {
    /// Drawn in the translucent pass: alpha-blended or transmissive.
    pub fn is_translucent(&self) -> bool {
        self.alpha_mode == AlphaMode::Blend || self.transmission.is_some()
    }
}

impl Default for Material {
    /// The glTF default material.
    fn default() -> Self {
        Self {
            name: None,
            base_color: [1.0; 4],
            base_color_texture: None,
            metallic: 1.0,
            roughness: 1.0,
            metallic_roughness_texture: None,
            emissive: [0.0; 3],
            emissive_texture: None,
            alpha_mode: AlphaMode::Opaque,
            alpha_cutoff: 0.5,
            double_sided: false,
            transforms: CoreTransforms::default(),
            normal_texture: None,
            normal_scale: 1.0,
            occlusion_texture: None,
            occlusion_strength: 1.0,
            sheen: None,
            clearcoat: None,
            transmission: None,
            ior: 1.5,
        }
    }
}

/// Decodes images on first use, keyed by image index.
struct Images<'a, 'b> {
    doc: &'a Document,
    json: &'a Value,
    binary: &'a Binary<'b>,
    resolver: &'a dyn Resolver,
    decoded: HashMap<usize, Option<usize>>,
    /// What remains of [`texture::MAX_SCENE_TEXTURE_PIXELS`].
    pixels_left: u64,
}

impl Images<'_, '_> {
    /// The scene texture for glTF texture `index`, decoding its image once.
    fn texture(&mut self, index: usize, scene: &mut Scene) -> Option<usize> {
        let texture = &self.json["textures"][index];
        let webp = texture["extensions"]["EXT_texture_webp"]["source"].as_u64();
        // A KHR_texture_basisu-only texture is transcoded ([`super::ktx2`]).
        let basisu = texture["extensions"]["KHR_texture_basisu"]["source"].as_u64();
        let image = webp.or_else(|| texture["source"].as_u64()).or(basisu)? as usize;
        if let Some(&known) = self.decoded.get(&image) {
            return known;
        }
        let decoded = match self
            .bytes(image)
            .and_then(|b| texture::decode(&b, self.pixels_left))
        {
            Ok(texture) => {
                self.pixels_left = self
                    .pixels_left
                    .saturating_sub(u64::from(texture.width) * u64::from(texture.height));
                scene.textures.push(texture);
                Some(scene.textures.len() - 1)
            }
            Err(reason) => {
                scene.warnings.push(format!(
                    "/images/{image}: {reason}; the material's factors are used instead"
                ));
                None
            }
        };
        self.decoded.insert(image, decoded);
        decoded
    }

    fn bytes(&self, image: usize) -> Result<Vec<u8>, String> {
        let source = self.doc.images.get(image).ok_or("no such image")?;
        match (&source.uri, source.buffer_view) {
            (Some(uri), _) => texture::read_uri(uri, self.resolver, MAX_RESOURCE_BYTES),
            (None, Some(view)) => self
                .binary
                .view(view)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| "the image's bufferView is not readable".to_owned()),
            (None, None) => Err("the image has no data".to_owned()),
        }
    }
}

pub(super) fn decode_all(
    doc: &Document,
    json: &Value,
    binary: &Binary<'_>,
    resolver: &dyn Resolver,
    scene: &mut Scene,
) {
    let mut images = Images {
        doc,
        json,
        binary,
        resolver,
        decoded: HashMap::new(),
        pixels_left: texture::MAX_SCENE_TEXTURE_PIXELS,
    };
    let materials = json["materials"].as_array().map_or(&[][..], Vec::as_slice);
    for m in materials {
        let pbr = &m["pbrMetallicRoughness"];
        let mut texture = |info: &Value, scene: &mut Scene| -> Option<TextureSlot> {
            let index = info["index"].as_u64()? as usize;
            let transform = &info["extensions"]["KHR_texture_transform"];
            let tex_coord = transform["texCoord"]
                .as_u64()
                .or_else(|| info["texCoord"].as_u64())
                .unwrap_or(0);
            if tex_coord != 0 {
                scene
                    .warnings
                    .push("a texture on TEXCOORD_1 or later is not drawn".to_owned());
                return None;
            }
            Some(TextureSlot {
                texture: images.texture(index, scene)?,
                transform: UvTransform::of(info),
            })
        };
        let base_color_slot = texture(&pbr["baseColorTexture"], scene);
        let metallic_roughness_slot = texture(&pbr["metallicRoughnessTexture"], scene);
        let emissive_slot = texture(&m["emissiveTexture"], scene);
        let normal_texture = texture(&m["normalTexture"], scene);
        let occlusion_texture = texture(&m["occlusionTexture"], scene);
        let extra = layers::read(m, &mut |info| texture(info, scene));
        let mut emissive =
            numbers(&m["emissiveFactor"], [0.0; 3]).map(|e| e * extra.emissive_strength);
        // An emissive map that could not be decoded would glow at its full factor: drop it.
        if m["emissiveTexture"].is_object() && emissive_slot.is_none() {
            emissive = [0.0; 3];
        }
        let transform = |slot: Option<TextureSlot>| slot.map(|s| s.transform).unwrap_or_default();
        let material = Material {
            name: m["name"].as_str().map(str::to_owned),
            base_color: numbers(&pbr["baseColorFactor"], [1.0; 4]),
            base_color_texture: base_color_slot.map(|s| s.texture),
            metallic: number(&pbr["metallicFactor"], 1.0),
            roughness: number(&pbr["roughnessFactor"], 1.0),
            metallic_roughness_texture: metallic_roughness_slot.map(|s| s.texture),
            emissive,
            emissive_texture: emissive_slot.map(|s| s.texture),
            alpha_mode: match m["alphaMode"].as_str() {
                Some("MASK") => AlphaMode::Mask,
                Some("BLEND") => AlphaMode::Blend,
                _ => AlphaMode::Opaque,
            },
            alpha_cutoff: number(&m["alphaCutoff"], 0.5),
            double_sided: m["doubleSided"].as_bool().unwrap_or(false),
            transforms: CoreTransforms {
                base_color: transform(base_color_slot),
                metallic_roughness: transform(metallic_roughness_slot),
                emissive: transform(emissive_slot),
            },
            normal_texture,
            normal_scale: number(&m["normalTexture"]["scale"], 1.0),
            occlusion_texture,
            occlusion_strength: number(&m["occlusionTexture"]["strength"], 1.0),
            sheen: extra.sheen,
            clearcoat: extra.clearcoat,
            transmission: extra.transmission,
            ior: extra.ior,
        };
        scene.materials.push(material);
    }
    scene.variants = json["extensions"]["KHR_materials_variants"]["variants"]
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v["name"]
                .as_str()
                .map_or_else(|| format!("variant-{i}"), str::to_owned)
        })
        .collect();
}
