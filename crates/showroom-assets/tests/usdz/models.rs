//! The real product models of the shared fixtures.

use showroom_assets::usdz::{self, UsdzOptions};

use crate::support::read_package;
use crate::support::{check_package, decode_file, fixture_package, fixture_packages, fixtures};

#[test]
fn every_fixture_model_becomes_a_conforming_package() {
    let Some(packages) = fixture_packages() else {
        return;
    };
    assert!(packages.len() >= 15, "only {} models", packages.len());
    for packaged in packages {
        let name = &packaged.name;
        let layer = check_package(name, &packaged.summary, &packaged.bytes);
        println!(
            "{name}: {} meshes, {} materials, {} textures, {} KiB",
            layer.meshes,
            layer.materials,
            layer.textures.len(),
            packaged.bytes.len() / 1024
        );
        assert!(layer.materials >= 1, "{name}: no material");
    }
}

#[test]
fn materials_variants_shoe_keeps_every_variant_and_selects_the_default_look() {
    let Some(shoe) = fixture_package("MaterialsVariantsShoe") else {
        return;
    };
    let variants = &shoe.summary.variants;
    assert!(variants.len() >= 2, "{variants:?}");
    let layer = check_package(&shoe.name, &shoe.summary, &shoe.bytes);
    for variant in variants {
        assert!(
            layer.variants.contains(variant),
            "{variant} missing from {:?}",
            layer.variants
        );
    }
    // The shoe's default materials are those of one of its variants: no extra "default".
    assert_eq!(layer.variants.len(), variants.len(), "{:?}", layer.variants);
    println!(
        "variants {:?}, selected {:?}",
        layer.variants, layer.selection
    );
}

#[test]
fn textures_over_the_cap_are_resized_with_their_aspect_kept_and_opaque_colour_is_jpeg() {
    let Some(root) = fixtures("gltf/models") else {
        return;
    };
    let scene = decode_file(&root.join("BoxTextured/BoxTextured.glb"));
    let options = UsdzOptions {
        max_texture_px: 100,
    };
    let bytes = usdz::from_scene(&scene, &options).unwrap();
    let entries = read_package("BoxTextured@100", &bytes);
    let textures: Vec<_> = entries
        .iter()
        .filter(|e| e.name.ends_with(".png") || e.name.ends_with(".jpg"))
        .collect();
    assert!(!textures.is_empty());
    // The box's opaque base colour is a JPEG, as every opaque colour texture is.
    let jpeg = textures
        .iter()
        .find(|e| e.name.ends_with(".jpg"))
        .expect("a JPEG colour texture");
    assert!(jpeg.data.starts_with(&[0xFF, 0xD8]), "{}", jpeg.name);
    for entry in textures {
        let index: usize = entry.name["textures/texture_".len()..entry.name.len() - 4]
            .parse()
            .unwrap();
        let source = &scene.textures[index];
        assert!(
            source.width.max(source.height) > 100,
            "the fixture is too small"
        );
        let image = image::load_from_memory(&entry.data).unwrap();
        assert_eq!(image.width().max(image.height()), 100);
        let aspect = |w: u32, h: u32| f64::from(w) / f64::from(h);
        let difference =
            aspect(image.width(), image.height()) - aspect(source.width, source.height);
        assert!(difference.abs() < 0.02, "{}: aspect changed", entry.name);
    }
}

#[test]
fn a_model_with_ktx2_textures_packages_their_transcodes() {
    let Some(lamp) = fixture_package("AnisotropyBarnLamp") else {
        return;
    };
    let layer = check_package(&lamp.name, &lamp.summary, &lamp.bytes);
    assert!(!layer.textures.is_empty(), "{:?}", layer.textures);
}
