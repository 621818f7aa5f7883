//! The real product models of the shared fixtures, optimized.

use std::path::{Path, PathBuf};

use showroom_assets::gltf::{AssetFile, Format, NoResources};
use showroom_assets::optimize::{self, OptimizeError, OptimizeOptions, Optimized, TextureAction};

use crate::support::{
    assert_faithful, assert_renders, assert_valid, fixtures, keep, manifest_models, names_in,
    node_names, poster, poster_difference,
};

fn model(name: &str) -> Option<PathBuf> {
    manifest_models("gltf/models")?
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == name))
}

fn name(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn run(file: &AssetFile) -> Optimized {
    optimize::optimize(
        &file.bytes,
        file.format,
        file.resolver(),
        &OptimizeOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", file.path.display()))
}

#[test]
fn every_fixture_model_optimizes_to_valid_outputs_that_keep_the_model() {
    let Some(models) = manifest_models("gltf/models") else {
        return;
    };
    assert!(models.len() >= 15, "only {} models", models.len());
    for path in &models {
        let file = AssetFile::open(path).unwrap();
        let input = file.inspect().unwrap();
        let optimized = run(&file);
        keep(&name(path), &optimized);
        assert_faithful(&name(path), &input, &optimized);
        assert_renders(&name(path), &optimized.glb);
        assert_renders(&name(path), &optimized.plain_glb);
        let before = match file.format {
            Format::Glb => node_names(&file.bytes),
            Format::Gltf => names_in(&serde_json::from_slice(&file.bytes).unwrap()),
        };
        assert_eq!(
            node_names(&optimized.glb),
            before,
            "{}: node names",
            name(path)
        );
        assert_eq!(
            node_names(&optimized.plain_glb),
            before,
            "{}: node names",
            name(path)
        );
        let json = serde_json::to_value(&optimized.report).unwrap();
        assert!(json["bytes_in"].as_u64().unwrap() > 0);
    }
}

#[test]
fn posters_of_both_outputs_look_like_the_posters_of_the_input() {
    let Some(models) = manifest_models("gltf/models") else {
        return;
    };
    for path in &models {
        let file = AssetFile::open(path).unwrap();
        let optimized = run(&file);
        let before = poster(&showroom_assets::scene::decode_file(&file).unwrap());
        for (which, glb) in [
            ("delivery", &optimized.glb),
            ("plain", &optimized.plain_glb),
        ] {
            let scene = showroom_assets::scene::decode(glb, Format::Glb, &NoResources).unwrap();
            let (colour, coverage) = poster_difference(&before, &poster(&scene));
            println!(
                "{} ({which}): colour difference {colour:.2}, coverage difference {:.2} %",
                name(path),
                coverage * 100.0
            );
            assert!(
                colour < 3.0 && coverage < 0.01,
                "{} ({which}): colours differ by {colour:.1}, coverage by {:.1} %",
                name(path),
                coverage * 100.0
            );
        }
    }
}

#[test]
fn delivery_glbs_of_geometry_heavy_models_are_smaller_than_their_input() {
    let Some(models) = manifest_models("gltf/models") else {
        return;
    };
    let mut checked = 0;
    for path in &models {
        let file = AssetFile::open(path).unwrap();
        let input = file.inspect().unwrap();
        let image_bytes: u64 = input.textures.iter().map(|t| t.bytes).sum();
        // Geometry-heavy: at least 10 KB, at most a quarter of it in images.
        if input.file_bytes < 10_000 || image_bytes * 4 > input.file_bytes {
            continue;
        }
        let optimized = run(&file);
        println!(
            "{}: {} -> {} bytes",
            name(path),
            input.file_bytes,
            optimized.glb.len()
        );
        assert!(
            (optimized.glb.len() as u64) < input.file_bytes,
            "{}: {} bytes out of {}",
            name(path),
            optimized.glb.len(),
            input.file_bytes
        );
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} geometry-heavy models");
}

#[test]
fn the_same_input_always_gives_the_same_bytes() {
    for model_name in ["Duck", "KenneyCakeBirthday", "SheenChair"] {
        let Some(path) = model(model_name) else {
            return;
        };
        let file = AssetFile::open(&path).unwrap();
        let (a, b) = (run(&file), run(&file));
        assert!(
            a.glb == b.glb,
            "{model_name}: delivery GLB differs between runs"
        );
        assert!(
            a.plain_glb == b.plain_glb,
            "{model_name}: plain GLB differs between runs"
        );
    }
}

#[test]
fn material_variants_and_their_mappings_survive() {
    let Some(path) = model("MaterialsVariantsShoe") else {
        return;
    };
    let file = AssetFile::open(&path).unwrap();
    let input = file.inspect().unwrap();
    assert!(input.variants.len() >= 3);
    let optimized = run(&file);
    for glb in [&optimized.glb, &optimized.plain_glb] {
        let scene = showroom_assets::scene::decode(glb, Format::Glb, &NoResources).unwrap();
        assert_eq!(scene.variants, input.variants);
        let mapped = scene
            .primitives
            .iter()
            .filter(|p| p.variant_materials.len() == input.variants.len())
            .count();
        assert!(mapped > 0, "no primitive maps every variant");
    }
}

#[test]
fn a_scene_listing_a_non_root_node_is_repaired_and_the_repair_reported() {
    let Some(path) = model("KenneyCakeBirthday") else {
        return;
    };
    let file = AssetFile::open(&path).unwrap();
    assert!(file
        .validate()
        .problems
        .iter()
        .any(|p| p.code == "SCENE_NON_ROOT_NODE"));
    let optimized = run(&file);
    assert!(
        optimized
            .report
            .repairs
            .iter()
            .any(|r| r.contains("SCENE_NON_ROOT_NODE")),
        "{:?}",
        optimized.report.repairs
    );
    for glb in [&optimized.glb, &optimized.plain_glb] {
        let validation = showroom_assets::gltf::validate(glb, Format::Glb, &NoResources);
        assert!(!validation
            .problems
            .iter()
            .any(|p| p.code == "SCENE_NON_ROOT_NODE"));
    }
}

#[test]
fn ktx2_images_pass_through_to_the_delivery_glb_and_the_plain_glb_carries_their_transcodes() {
    let Some(path) = model("AnisotropyBarnLamp") else {
        return;
    };
    let file = AssetFile::open(&path).unwrap();
    let optimized = run(&file);
    let report = &optimized.report;
    assert_eq!(report.textures_dropped, 0, "{:?}", report.textures);
    let ktx2_in: u64 = report
        .textures
        .iter()
        .filter(|t| t.mime_type.as_deref() == Some("image/ktx2"))
        .map(|t| t.bytes_before)
        .sum();
    assert!(
        ktx2_in > 1_000_000,
        "the lamp's KTX2 textures: {ktx2_in} bytes"
    );
    let delivery = json_of(&optimized.glb);
    let images = delivery["images"].as_array().unwrap();
    assert!(
        images.iter().all(|i| i["mimeType"] == "image/ktx2"),
        "{images:?}"
    );
    assert_eq!(images.len(), 4);
    assert!(
        optimized.glb.len() as u64 > ktx2_in,
        "the delivery GLB carries them"
    );
    for texture in delivery["textures"].as_array().unwrap() {
        assert!(
            texture["extensions"]["KHR_texture_basisu"]["source"].is_u64(),
            "{texture}"
        );
    }
    assert!(delivery["extensionsRequired"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e == "KHR_texture_basisu"));
    assert_valid("AnisotropyBarnLamp", "delivery", &optimized.glb);
    let plain = json_of(&optimized.plain_glb);
    let images = plain["images"].as_array().expect("the transcodes");
    assert_eq!(images.len(), 4, "{images:?}");
    assert!(
        images
            .iter()
            .all(|i| i["mimeType"] == "image/png" || i["mimeType"] == "image/jpeg"),
        "core glTF carries no KTX2: {images:?}"
    );
    for texture in plain["textures"].as_array().unwrap() {
        assert!(texture["source"].is_u64(), "{texture}");
        assert!(texture.get("extensions").is_none(), "{texture}");
    }
    assert!(plain.get("extensionsRequired").is_none());
    assert!(!report.warnings.iter().any(|w| w.contains("plain GLB")));
    assert_valid("AnisotropyBarnLamp", "plain", &optimized.plain_glb);
}

fn json_of(glb: &[u8]) -> serde_json::Value {
    let length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    serde_json::from_slice(&glb[20..20 + length]).unwrap()
}

#[test]
fn textures_are_at_most_the_limit_and_small_pngs_and_jpegs_are_kept_as_they_are() {
    let Some(path) = model("MaterialsVariantsShoe") else {
        return;
    };
    let file = AssetFile::open(&path).unwrap();
    let options = OptimizeOptions {
        max_texture_px: 512,
        ..OptimizeOptions::default()
    };
    let optimized =
        optimize::optimize(&file.bytes, file.format, file.resolver(), &options).unwrap();
    let out = assert_valid("shoe@512", "delivery", &optimized.glb);
    assert!(!out.textures.is_empty());
    for texture in &out.textures {
        let (w, h) = (texture.width.unwrap(), texture.height.unwrap());
        assert!(w.max(h) <= 512, "{w} × {h}");
    }
    assert!(optimized.report.textures_resized > 0);
    let Some(path) = model("BoxTextured") else {
        return;
    };
    let file = AssetFile::open(&path).unwrap();
    let optimized = run(&file);
    assert!(optimized
        .report
        .textures
        .iter()
        .all(|t| t.action == TextureAction::Kept && t.bytes_before == t.bytes_after));
}

#[test]
fn every_khronos_validator_test_file_is_refused_or_optimized_to_valid_outputs_without_panic() {
    let Some(root) = fixtures("gltf/validator") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "glb" || e == "gltf") {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut optimized, mut refused) = (0, 0);
    for path in &files {
        let file = AssetFile::open(path).unwrap();
        match optimize::optimize(
            &file.bytes,
            file.format,
            file.resolver(),
            &OptimizeOptions::default(),
        ) {
            Ok(out) => {
                assert_valid(&name(path), "delivery", &out.glb);
                assert_valid(&name(path), "plain", &out.plain_glb);
                optimized += 1;
            }
            Err(OptimizeError::Output { which, first }) => {
                panic!(
                    "{}: our {which} output does not validate: {first}",
                    path.display()
                )
            }
            Err(_) => refused += 1,
        }
    }
    println!("validator test files: {optimized} optimized, {refused} refused");
    assert!(optimized > 0 && refused > 0);
}
