//! `UsdPreviewSurface` materials made from the scene's glTF metallic-roughness materials.
//!
//! The mapping, input by input:
//! - base colour: `diffuseColor` from the factor, or from a `UsdUVTexture` (`sRGB`) whose
//!   `inputs:scale` is the factor, since glTF multiplies the two (in linear space, which is
//!   where `UsdUVTexture` applies its scale);
//! - metallic and roughness: the factors, or the packed texture (`raw`) with roughness from
//!   channel G and metallic from channel B, scaled by the factors;
//! - emission: `emissiveColor` from the factor, or from the emissive texture (`sRGB`) scaled by
//!   it;
//! - alpha: `BLEND` reads `opacity` from the base colour alpha; `MASK` also sets
//!   `opacityThreshold` to the cutoff; `OPAQUE` leaves opacity at 1, as glTF ignores alpha there.
//!
//! Guarantees: every shader is one of `UsdPreviewSurface`, `UsdUVTexture` and
//! `UsdPrimvarReader_float2` (the set AR Quick Look draws), every input has the type of the
//! UsdPreviewSurface specification, every connection targets a shader of the same material, and
//! a texture is referenced only when the package holds its file. Texture coordinates are read
//! from the primvar `st`.

use std::collections::{BTreeMap, BTreeSet};

use super::looks::{self, Binding};
use super::names::Names;
use super::text::{Num, Tuple, Usda};
use super::textures::TextureFiles;
use crate::scene::{AlphaMode, Material, Scene};

/// The scene textures that the textured `bindings` sample.
pub fn textures_used(scene: &Scene, bindings: &BTreeSet<Binding>) -> BTreeSet<usize> {
    bindings
        .iter()
        .filter(|b| b.textured)
        .filter_map(|b| scene.materials.get(b.material?))
        .flat_map(sampled)
        .flatten()
        .collect()
}

/// The textures a material samples: base colour, metallic-roughness and emissive. An emissive
/// texture under a zero factor glows with nothing, so it is not sampled.
pub fn sampled(m: &Material) -> [Option<usize>; 3] {
    let glows = m.emissive != [0.0; 3];
    [
        m.base_color_texture,
        m.metallic_roughness_texture,
        m.emissive_texture.filter(|_| glows),
    ]
}

/// Writes one `Material` prim per binding under the scope at `scope` (its children are
/// written at the current depth) and returns each binding's material path.
pub fn write_materials(
    usda: &mut Usda,
    scene: &Scene,
    bindings: &BTreeSet<Binding>,
    textures: &TextureFiles,
    scope: &str,
) -> BTreeMap<Binding, String> {
    let default_material = Material::default();
    let mut names = Names::default();
    let mut paths = BTreeMap::new();
    for &binding in bindings {
        let material = binding
            .material
            .and_then(|m| scene.materials.get(m))
            .unwrap_or(&default_material);
        let fallback = binding
            .material
            .map_or_else(|| "DefaultMaterial".to_owned(), |m| format!("Material_{m}"));
        let mut wanted = material.name.clone().unwrap_or_else(|| fallback.clone());
        if !binding.textured && looks::has_usable_texture(scene, binding.material) {
            // The same material for meshes without UVs: its factors only.
            wanted.push_str("_untextured");
        }
        let name = names.prim(Some(&wanted), &fallback);
        if !paths.is_empty() {
            usda.blank();
        }
        let path = format!("{scope}/{name}");
        let textures = if binding.textured {
            Sampled::of(material, textures)
        } else {
            Sampled::default()
        };
        write_material(usda, &name, &path, material, &textures);
        paths.insert(binding, path);
    }
    paths
}

/// The package paths of the textures one material samples.
#[derive(Debug, Default)]
struct Sampled<'a> {
    base_color: Option<&'a str>,
    metallic_roughness: Option<&'a str>,
    emissive: Option<&'a str>,
}

impl<'a> Sampled<'a> {
    fn of(material: &Material, files: &'a TextureFiles) -> Self {
        let [base_color, metallic_roughness, emissive] = sampled(material).map(|t| files.path(t));
        Self {
            base_color,
            metallic_roughness,
            emissive,
        }
    }

    fn any(&self) -> bool {
        self.base_color.is_some() || self.metallic_roughness.is_some() || self.emissive.is_some()
    }
}

fn write_material(usda: &mut Usda, name: &str, path: &str, m: &Material, tex: &Sampled<'_>) {
    usda.line(format_args!("def Material \"{name}\""));
    usda.open();
    usda.line(format_args!(
        "token outputs:surface.connect = <{path}/Surface.outputs:surface>"
    ));
    usda.blank();
    write_surface(usda, path, m, tex);
    if tex.any() {
        usda.blank();
        usda.line(format_args!("def Shader \"TexCoord\""));
        usda.open();
        usda.line(format_args!(
            "uniform token info:id = \"UsdPrimvarReader_float2\""
        ));
        usda.line(format_args!("string inputs:varname = \"st\""));
        usda.line(format_args!("float2 outputs:result"));
        usda.close();
    }
    let [r, g, b, a] = m.base_color;
    let [er, eg, eb] = m.emissive;
    let textures = [
        ("BaseColor", tex.base_color, "sRGB", [r, g, b, a]),
        (
            "MetallicRoughness",
            tex.metallic_roughness,
            "raw",
            [1.0, m.roughness, m.metallic, 1.0],
        ),
        ("Emissive", tex.emissive, "sRGB", [er, eg, eb, 1.0]),
    ];
    for (shader, file, color_space, scale) in textures {
        if let Some(file) = file {
            usda.blank();
            write_texture(usda, path, shader, file, color_space, scale);
        }
    }
    usda.close();
}

fn write_surface(usda: &mut Usda, path: &str, m: &Material, tex: &Sampled<'_>) {
    usda.line(format_args!("def Shader \"Surface\""));
    usda.open();
    usda.line(format_args!(
        "uniform token info:id = \"UsdPreviewSurface\""
    ));
    let [r, g, b, alpha] = m.base_color;
    match tex.base_color {
        Some(_) => usda.line(format_args!(
            "color3f inputs:diffuseColor.connect = <{path}/BaseColor.outputs:rgb>"
        )),
        None => usda.line(format_args!(
            "color3f inputs:diffuseColor = {}",
            Tuple(&[r, g, b])
        )),
    }
    match tex.metallic_roughness {
        Some(_) => {
            usda.line(format_args!(
                "float inputs:metallic.connect = <{path}/MetallicRoughness.outputs:b>"
            ));
            usda.line(format_args!(
                "float inputs:roughness.connect = <{path}/MetallicRoughness.outputs:g>"
            ));
        }
        None => {
            usda.line(format_args!("float inputs:metallic = {}", Num(m.metallic)));
            usda.line(format_args!(
                "float inputs:roughness = {}",
                Num(m.roughness)
            ));
        }
    }
    if tex.emissive.is_some() {
        usda.line(format_args!(
            "color3f inputs:emissiveColor.connect = <{path}/Emissive.outputs:rgb>"
        ));
    } else if m.emissive != [0.0; 3] {
        usda.line(format_args!(
            "color3f inputs:emissiveColor = {}",
            Tuple(&m.emissive)
        ));
    }
    if m.alpha_mode != AlphaMode::Opaque {
        match tex.base_color {
            Some(_) => usda.line(format_args!(
                "float inputs:opacity.connect = <{path}/BaseColor.outputs:a>"
            )),
            None => usda.line(format_args!("float inputs:opacity = {}", Num(alpha))),
        }
    }
    if m.alpha_mode == AlphaMode::Mask {
        usda.line(format_args!(
            "float inputs:opacityThreshold = {}",
            Num(m.alpha_cutoff)
        ));
    }
    usda.line(format_args!("int inputs:useSpecularWorkflow = 0"));
    usda.line(format_args!("token outputs:surface"));
    usda.close();
}

fn write_texture(
    usda: &mut Usda,
    path: &str,
    shader: &str,
    file: &str,
    color_space: &str,
    scale: [f32; 4],
) {
    usda.line(format_args!("def Shader \"{shader}\""));
    usda.open();
    usda.line(format_args!("uniform token info:id = \"UsdUVTexture\""));
    usda.line(format_args!("asset inputs:file = @{file}@"));
    usda.line(format_args!(
        "float2 inputs:st.connect = <{path}/TexCoord.outputs:result>"
    ));
    usda.line(format_args!(
        "token inputs:sourceColorSpace = \"{color_space}\""
    ));
    usda.line(format_args!("float4 inputs:scale = {}", Tuple(&scale)));
    usda.line(format_args!("token inputs:wrapS = \"repeat\""));
    usda.line(format_args!("token inputs:wrapT = \"repeat\""));
    for output in [
        "float outputs:r",
        "float outputs:g",
        "float outputs:b",
        "float outputs:a",
    ] {
        usda.line(format_args!("{output}"));
    }
    usda.line(format_args!("float3 outputs:rgb"));
    usda.close();
}
