//! Hand-made scenes that no decoder would produce but that the public `Scene` type allows:
//! each must still give a conforming package, never a panic.

use glam::Vec3;
use showroom_assets::scene::{AlphaMode, Material, Primitive, Scene, Texture};
use showroom_assets::usdz::{self, UsdzOptions};

use crate::support::{check_package, read_package, Layer, Summary};

fn triangle() -> Primitive {
    Primitive {
        positions: vec![Vec3::ZERO, Vec3::X, Vec3::Y],
        normals: vec![Vec3::Z; 3],
        uvs: Some(vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
        triangles: vec![[0, 1, 2]],
        material: Some(0),
        variant_materials: Vec::new(),
    }
}

fn textured_material(name: &str) -> Material {
    Material {
        name: Some(name.to_owned()),
        base_color_texture: Some(0),
        metallic_roughness_texture: Some(0),
        emissive_texture: Some(0),
        emissive: [1.0, 0.5, 0.0],
        alpha_mode: AlphaMode::Mask,
        double_sided: true,
        ..Material::default()
    }
}

fn texture(width: u32, height: u32) -> Texture {
    Texture {
        width,
        height,
        rgba: vec![128; (width * height * 4) as usize],
    }
}

fn layer_of(name: &str, bytes: &[u8]) -> String {
    let entries = read_package(name, bytes);
    String::from_utf8(entries[0].data.clone()).unwrap()
}

#[test]
fn an_empty_scene_still_gives_a_valid_package() {
    let scene = Scene::default();
    let bytes = usdz::from_scene(&scene, &UsdzOptions::default()).unwrap();
    let layer = check_package("empty", &Summary::of(&scene), &bytes);
    assert_eq!(layer.meshes, 0);
}

#[test]
fn empty_primitives_and_missing_materials_and_textures_are_tolerated() {
    let mut no_uvs = triangle();
    no_uvs.uvs = None;
    let mut wrong_uv_count = triangle();
    wrong_uv_count.uvs = Some(vec![[0.0, 0.0]]);
    wrong_uv_count.normals.clear();
    let mut unknown_material = triangle();
    unknown_material.material = Some(99);
    let mut default_material = triangle();
    default_material.material = None;
    let scene = Scene {
        primitives: vec![
            Primitive::default(),
            no_uvs,
            wrong_uv_count,
            unknown_material,
            default_material,
            triangle(),
        ],
        // Texture 0 does not exist.
        materials: vec![textured_material("Looks like (it has) textures")],
        ..Scene::default()
    };
    let bytes = usdz::from_scene(&scene, &UsdzOptions::default()).unwrap();
    let layer = check_package("tolerated", &Summary::of(&scene), &bytes);
    assert!(layer.textures.is_empty());
    assert_eq!(layer.meshes, 6);
}

#[test]
fn out_of_range_indices_and_non_finite_numbers_are_not_written() {
    let mut broken = triangle();
    broken.triangles.push([0, 1, 7]);
    broken.positions[0] = Vec3::NAN;
    let scene = Scene {
        primitives: vec![broken],
        materials: vec![Material {
            roughness: f32::INFINITY,
            ..Material::default()
        }],
        ..Scene::default()
    };
    let bytes = usdz::from_scene(&scene, &UsdzOptions::default()).unwrap();
    let text = layer_of("broken", &bytes);
    assert_eq!(Layer::parse(&text).faces, 1);
    for bad in ["NaN", "inf,", "inf)", "inf\n"] {
        assert!(!text.contains(bad), "{bad} in {text}");
    }
}

#[test]
fn meshes_without_uvs_get_the_material_without_its_textures() {
    let mut no_uvs = triangle();
    no_uvs.uvs = None;
    let scene = Scene {
        primitives: vec![triangle(), no_uvs],
        materials: vec![textured_material("Leather")],
        textures: vec![
            texture(4, 2),
            Texture {
                width: 3,
                height: 3,
                rgba: vec![0; 5],
            },
        ],
        ..Scene::default()
    };
    let bytes = usdz::from_scene(&scene, &UsdzOptions::default()).unwrap();
    let layer = check_package("no-uvs", &Summary::of(&scene), &bytes);
    assert_eq!(layer.materials, 2);
    assert_eq!(
        layer.textures.len(),
        3,
        "base colour, metallic-roughness, emissive"
    );
    let text = layer_of("no-uvs", &bytes);
    assert!(text.contains("def Material \"Leather\""), "{text}");
    assert!(
        text.contains("def Material \"Leather_untextured\""),
        "{text}"
    );
    assert!(
        text.contains("float inputs:opacityThreshold = 0.5"),
        "{text}"
    );
    assert!(text.contains("uniform bool doubleSided = 1"), "{text}");
    assert!(
        text.contains("token inputs:sourceColorSpace = \"raw\""),
        "{text}"
    );
}

#[test]
fn odd_variant_names_become_unique_valid_variants_and_the_default_look_is_added() {
    let mut shoe = triangle();
    shoe.variant_materials = vec![(0, 1), (1, 2), (2, 1), (7, 0)];
    let plain = |name: &str| Material {
        name: Some(name.to_owned()),
        ..Material::default()
    };
    let scene = Scene {
        primitives: vec![shoe],
        materials: vec![plain("base"), plain("red"), plain("red")],
        variants: vec!["Red leather".into(), "Red leather".into(), "default".into()],
        ..Scene::default()
    };
    let bytes = usdz::from_scene(&scene, &UsdzOptions::default()).unwrap();
    let layer = check_package("variants", &Summary::of(&scene), &bytes);
    assert_eq!(
        layer.variants,
        ["default_2", "Red_leather", "Red_leather_2", "default"],
        "no glTF variant is the default look, so one is added first"
    );
    assert_eq!(layer.selection.as_deref(), Some("default_2"));
    let text = layer_of("variants", &bytes);
    assert!(text.contains("def Material \"red_2\""), "{text}");
}

#[test]
fn a_scene_whose_layer_could_pass_4_gib_is_refused_before_it_is_written() {
    // 3000 meshes rebound in 3000 variants: 9 million bindings, too many for one zip entry.
    let scene = Scene {
        primitives: vec![Primitive::default(); 3000],
        variants: (0..3000).map(|i| format!("v{i}")).collect(),
        ..Scene::default()
    };
    let started = std::time::Instant::now();
    assert_eq!(
        usdz::from_scene(&scene, &UsdzOptions::default()),
        Err(usdz::UsdzError::TooLarge)
    );
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

/// Everything awkward at once, for Pixar's USD to open (`pxr`): an empty primitive, a mesh
/// without UVs wearing a textured material, tiny and huge numbers, masked, blended and
/// double-sided materials, and variant names with spaces, twice.
pub fn awkward_scene() -> Scene {
    let mut no_uvs = triangle();
    no_uvs.uvs = None;
    no_uvs.variant_materials = vec![(0, 1), (1, 0)];
    let mut extreme = triangle();
    extreme.positions = vec![Vec3::splat(1e-30), Vec3::new(3e38, 0.0, 0.0), Vec3::Y];
    extreme.material = Some(1);
    let blend = Material {
        name: Some("Glass (frosted)".to_owned()),
        base_color: [0.8, 0.9, 1.0, 0.25],
        alpha_mode: AlphaMode::Blend,
        ..Material::default()
    };
    Scene {
        primitives: vec![Primitive::default(), triangle(), no_uvs, extreme],
        materials: vec![textured_material("Leather"), blend],
        textures: vec![texture(8, 4)],
        variants: vec!["Red leather".into(), "Red leather".into()],
        ..Scene::default()
    }
}
