//! Which material each mesh wears, in the default look and in every `KHR_materials_variants`
//! variant.
//!
//! A [`Binding`] is a scene material as one mesh can show it: a mesh without usable UVs gets the
//! material's factors only (`textured: false`), because a texture sampled at a constant
//! coordinate would paint the mesh one arbitrary texel's colour. Material indices out of range
//! fall back to the glTF default material (`material: None`), so every binding can be written.
//!
//! USD composes local opinions over variant opinions, so when a scene has variants every binding
//! is written inside a variant and none on the mesh itself. The variant set's default selection
//! is the default look: the glTF variant that binds exactly the default materials when there is
//! one, otherwise an extra variant named `default` (made unique against the others).

use std::collections::BTreeSet;

use super::names::Names;
use super::{shading, textures};
use crate::scene::{Primitive, Scene};

/// A scene material as one mesh shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Binding {
    /// Index into `Scene::materials`; `None` is the glTF default material.
    pub material: Option<usize>,
    /// Whether the material's textures are sampled (the mesh has UVs and a texture exists).
    pub textured: bool,
}

/// One named set of bindings, one per scene primitive.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// A valid, unique USD variant name.
    pub name: String,
    pub bindings: Vec<Binding>,
}

/// Every look of the scene.
#[derive(Debug, Clone)]
pub struct Looks {
    /// The default look, one binding per primitive.
    pub default: Vec<Binding>,
    /// The variants of `materialVariant`; empty when the scene has no variants.
    pub variants: Vec<Look>,
    /// The name of the variant selected by default (one of `variants`), when there are any.
    pub selection: Option<String>,
}

impl Looks {
    pub fn of(scene: &Scene) -> Self {
        let binding = |p: &Primitive, material: Option<usize>| bind(scene, p, material);
        let default: Vec<Binding> = scene
            .primitives
            .iter()
            .map(|p| binding(p, p.material))
            .collect();
        if scene.variants.is_empty() {
            return Self {
                default,
                variants: Vec::new(),
                selection: None,
            };
        }
        let mut names = Names::default();
        let mut variants: Vec<Look> = (0..scene.variants.len())
            .map(|v| Look {
                name: names.variant(&scene.variants[v]),
                bindings: scene
                    .primitives
                    .iter()
                    .map(|p| binding(p, variant_material(p, v)))
                    .collect(),
            })
            .collect();
        let selection = match variants.iter().find(|look| look.bindings == default) {
            Some(same) => same.name.clone(),
            None => {
                let name = names.variant("default");
                variants.insert(
                    0,
                    Look {
                        name: name.clone(),
                        bindings: default.clone(),
                    },
                );
                name
            }
        };
        Self {
            default,
            variants,
            selection: Some(selection),
        }
    }

    /// Every distinct binding of any look, in a stable order.
    pub fn bindings(&self) -> BTreeSet<Binding> {
        let variants = self.variants.iter().flat_map(|look| &look.bindings);
        self.default.iter().chain(variants).copied().collect()
    }
}

/// The material primitive `p` wears in variant `v`: its mapping, else its default material.
fn variant_material(p: &Primitive, v: usize) -> Option<usize> {
    p.variant_materials
        .iter()
        .find(|&&(variant, _)| variant == v)
        .map_or(p.material, |&(_, material)| Some(material))
}

fn bind(scene: &Scene, p: &Primitive, material: Option<usize>) -> Binding {
    let material = material.filter(|&m| m < scene.materials.len());
    let has_uvs = p
        .uvs
        .as_ref()
        .is_some_and(|uvs| uvs.len() == p.positions.len());
    Binding {
        material,
        textured: has_uvs && has_usable_texture(scene, material),
    }
}

/// Whether the material samples any texture that the scene really holds.
pub fn has_usable_texture(scene: &Scene, material: Option<usize>) -> bool {
    material
        .and_then(|m| scene.materials.get(m))
        .is_some_and(|m| {
            shading::sampled(m)
                .into_iter()
                .any(|t| textures::usable(scene, t))
        })
}
