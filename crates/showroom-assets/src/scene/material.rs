//! Materials as the renderer needs them: metallic-roughness factors and the base-colour,
//! metallic-roughness and emissive textures, alpha mode, double-sidedness, emission.
//!
//! Values are read from the JSON the validator already type-checked, with the glTF defaults for
//! anything absent. Only images that a base-colour, metallic-roughness or emissive texture uses are
//! decoded, each once; `EXT_texture_webp` sources are preferred when present. An image that
//! cannot be decoded (a KTX2 without `KHR_texture_basisu` support, a corrupt or oversized file)
//! leaves the texture out: the material draws from its factors and a warning says why.

use std::collections::HashMap;

use serde_json::Value;

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
}

impl Images<'_, '_> {
    /// The scene texture for glTF texture `index`, decoding its image once.
    fn texture(&mut self, index: usize, scene: &mut Scene) -> Option<usize> {
        let texture = &self.json["textures"][index];
        let webp = texture["extensions"]["EXT_texture_webp"]["source"].as_u64();
        let image = webp.or_else(|| texture["source"].as_u64())? as usize;
        if let Some(&known) = self.decoded.get(&image) {
            return known;
        }
        let decoded = match self.bytes(image).and_then(|b| texture::decode(&b)) {
            Ok(texture) => {
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

fn number(value: &Value, default: f32) -> f32 {
    value.as_f64().map_or(default, |v| v as f32)
}

fn numbers<const N: usize>(value: &Value, default: [f32; N]) -> [f32; N] {
    let mut out = default;
    if let Some(items) = value.as_array().filter(|a| a.len() == N) {
        for (o, v) in out.iter_mut().zip(items) {
            *o = number(v, *o);
        }
    }
    out
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
    };
    let materials = json["materials"].as_array().map_or(&[][..], Vec::as_slice);
    for m in materials {
        let pbr = &m["pbrMetallicRoughness"];
        let mut texture = |info: &Value, scene: &mut Scene| {
            let index = info["index"].as_u64()? as usize;
            if info["texCoord"].as_u64().unwrap_or(0) != 0 {
                scene
                    .warnings
                    .push("a texture on TEXCOORD_1 or later is not drawn".to_owned());
                return None;
            }
            images.texture(index, scene)
        };
        let base_color_texture = texture(&pbr["baseColorTexture"], scene);
        let metallic_roughness_texture = texture(&pbr["metallicRoughnessTexture"], scene);
        let emissive_texture = texture(&m["emissiveTexture"], scene);
        let mut emissive = numbers(&m["emissiveFactor"], [0.0; 3]);
        // An emissive map that could not be decoded would glow at its full factor: drop it.
        if m["emissiveTexture"].is_object() && emissive_texture.is_none() {
            emissive = [0.0; 3];
        }
        let material = Material {
            name: m["name"].as_str().map(str::to_owned),
            base_color: numbers(&pbr["baseColorFactor"], [1.0; 4]),
            base_color_texture,
            metallic: number(&pbr["metallicFactor"], 1.0),
            roughness: number(&pbr["roughnessFactor"], 1.0),
            metallic_roughness_texture,
            emissive,
            emissive_texture,
            alpha_mode: match m["alphaMode"].as_str() {
                Some("MASK") => AlphaMode::Mask,
                Some("BLEND") => AlphaMode::Blend,
                _ => AlphaMode::Opaque,
            },
            alpha_cutoff: number(&m["alphaCutoff"], 0.5),
            double_sided: m["doubleSided"].as_bool().unwrap_or(false),
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
