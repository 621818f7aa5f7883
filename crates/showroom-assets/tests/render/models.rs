//! The real product models of the shared fixtures, rendered at 256 px.

use showroom_assets::render::{self, Background, RenderOptions};
use showroom_assets::scene::Scene;

use crate::support::{
    assert_framed, decode, fixture_scene, keep, manifest_models, mean_color_difference,
};

fn name(path: &std::path::Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn poster(scene: &Scene, variant: Option<usize>) -> image::RgbaImage {
    render::render(
        scene,
        &RenderOptions {
            size: 256,
            background: Background::Transparent,
            variant,
        },
    )
}

#[test]
fn every_fixture_model_renders_a_framed_non_blank_poster() {
    let Some(models) = manifest_models("gltf/models") else {
        return;
    };
    assert!(
        models.len() >= 15,
        "only {} models in the manifest",
        models.len()
    );
    for path in &models {
        let scene = decode(path);
        let image = poster(&scene, None);
        keep(&name(path), &image);
        assert_framed(&name(path), &image);
    }
}

#[test]
fn materials_variants_shoe_gets_one_distinct_poster_per_variant() {
    let Some(scene) = fixture_scene(
        "gltf/models",
        "MaterialsVariantsShoe/MaterialsVariantsShoe.gltf",
    ) else {
        return;
    };
    assert!(scene.variants.len() >= 2, "variants: {:?}", scene.variants);
    let posters: Vec<_> = (0..scene.variants.len())
        .map(|v| {
            let image = poster(&scene, Some(v));
            keep(
                &format!("MaterialsVariantsShoe-{}", scene.variants[v]),
                &image,
            );
            assert_framed(&scene.variants[v], &image);
            image
        })
        .collect();
    for a in 0..posters.len() {
        for b in a + 1..posters.len() {
            let difference = mean_color_difference(&posters[a], &posters[b]);
            assert!(
                difference > 8.0,
                "{} and {} differ by only {difference:.1}",
                scene.variants[a],
                scene.variants[b]
            );
        }
    }
}

#[test]
fn barn_lamp_ktx2_textures_are_transcoded_for_the_poster() {
    let Some(scene) = fixture_scene("gltf/models", "AnisotropyBarnLamp/AnisotropyBarnLamp.gltf")
    else {
        return;
    };
    assert!(
        !scene.warnings.iter().any(|w| w.contains("KTX2")),
        "warnings: {:?}",
        scene.warnings
    );
    // UASTC + Zstandard, 2048 px: base colour, metal-roughness (and whatever else a slot uses).
    assert!(
        scene.textures.len() >= 2,
        "{} textures",
        scene.textures.len()
    );
    for texture in &scene.textures {
        assert_eq!((texture.width, texture.height), (2048, 2048));
        let first = &texture.rgba[..4];
        assert!(
            texture.rgba.chunks(4).any(|p| p != first),
            "a transcoded texture of one flat colour"
        );
    }
    assert_framed("AnisotropyBarnLamp", &poster(&scene, None));
}

#[test]
fn kenney_cake_scene_root_error_is_repaired_and_recorded() {
    let Some(scene) = fixture_scene("gltf/models", "KenneyCakeBirthday/KenneyCakeBirthday.glb")
    else {
        return;
    };
    assert!(
        scene
            .warnings
            .iter()
            .any(|w| w.contains("SCENE_NON_ROOT_NODE")),
        "warnings: {:?}",
        scene.warnings
    );
}

#[test]
fn textured_models_decode_their_base_color_textures() {
    let Some(scene) = fixture_scene("gltf/models", "BoxTextured/BoxTextured.glb") else {
        return;
    };
    assert_eq!(scene.textures.len(), 1, "warnings: {:?}", scene.warnings);
    assert!(scene.materials[0].base_color_texture.is_some());
}
