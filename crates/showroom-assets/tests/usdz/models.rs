//! The real product models of the shared fixtures.

use showroom_assets::usdz::{self, UsdzOptions};

use crate::support::{check_package, decode_file, fixture_models, fixtures, package, read_package};

#[test]
fn every_fixture_model_becomes_a_conforming_package() {
    let Some(models) = fixture_models() else {
        return;
    };
    assert!(models.len() >= 15, "only {} models", models.len());
    for path in &models {
        let name = crate::support::stem(path);
        let scene = decode_file(path);
        let bytes = package(&name, &scene);
        let layer = check_package(&name, &scene, &bytes);
        println!(
            "{name}: {} meshes, {} materials, {} textures, {} KiB",
            layer.meshes,
            layer.materials,
            layer.textures.len(),
            bytes.len() / 1024
        );
        assert!(layer.materials >= 1, "{name}: no material");
    }
}

#[test]
fn materials_variants_shoe_keeps_every_variant_and_selects_the_default_look() {
    let Some(root) = fixtures("gltf/models") else {
        return;
    };
    let scene = decode_file(&root.join("MaterialsVariantsShoe/MaterialsVariantsShoe.gltf"));
    assert!(scene.variants.len() >= 2, "{:?}", scene.variants);
    let layer = check_package("MaterialsVariantsShoe", &scene, &package("shoe", &scene));
    for variant in &scene.variants {
        assert!(
            layer.variants.contains(variant),
            "{variant} missing from {:?}",
            layer.variants
        );
    }
    // The shoe's default materials are those of one of its variants: no extra "default".
    assert_eq!(
        layer.variants.len(),
        scene.variants.len(),
        "{:?}",
        layer.variants
    );
    println!(
        "variants {:?}, selected {:?}",
        layer.variants, layer.selection
    );
}

#[test]
fn textures_over_the_cap_are_resized_with_their_aspect_kept() {
    let Some(root) = fixtures("gltf/models") else {
        return;
    };
    let scene = decode_file(&root.join("DamagedHelmet/DamagedHelmet.glb"));
    let options = UsdzOptions {
        max_texture_px: 300,
    };
    let bytes = usdz::from_scene(&scene, &options).unwrap();
    let entries = read_package("DamagedHelmet@300", &bytes);
    let textures: Vec<_> = entries
        .iter()
        .filter(|e| e.name.ends_with(".png"))
        .collect();
    assert!(!textures.is_empty());
    for entry in textures {
        let index: usize = entry.name["textures/texture_".len()..entry.name.len() - 4]
            .parse()
            .unwrap();
        let source = &scene.textures[index];
        let image = image::load_from_memory(&entry.data).unwrap();
        assert_eq!(
            image.width().max(image.height()),
            300.min(source.width.max(source.height))
        );
        let aspect = |w: u32, h: u32| f64::from(w) / f64::from(h);
        let difference =
            aspect(image.width(), image.height()) - aspect(source.width, source.height);
        assert!(difference.abs() < 0.01, "{}: aspect changed", entry.name);
    }
}

#[test]
fn a_model_whose_textures_cannot_be_decoded_still_packages_on_factors() {
    let Some(root) = fixtures("gltf/models") else {
        return;
    };
    let scene = decode_file(&root.join("AnisotropyBarnLamp/AnisotropyBarnLamp.gltf"));
    let layer = check_package("AnisotropyBarnLamp", &scene, &package("barn-lamp", &scene));
    assert!(layer.textures.is_empty(), "{:?}", layer.textures);
}
