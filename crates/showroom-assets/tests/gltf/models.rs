//! Every real product model in the shared fixtures: inspection succeeds, triangle counts match
//! the manifest, sizes are plausible, and the two messy models are reported as the Khronos
//! validator reports them.

use std::path::PathBuf;

use showroom_assets::gltf::{AssetFile, Inspection, Validation};

use crate::support::fixtures;

/// (main file, triangles) from `MANIFEST.tsv`.
fn models() -> Option<Vec<(PathBuf, u64)>> {
    let root = fixtures("gltf/models")?;
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let rows = manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let path = cols.first()?;
            (path.ends_with(".glb") || path.ends_with(".gltf")).then(|| {
                (
                    root.join(path),
                    cols.get(3).and_then(|t| t.parse().ok()).unwrap_or(0),
                )
            })
        })
        .collect();
    Some(rows)
}

fn check(path: &PathBuf) -> (Validation, Inspection) {
    let checked = AssetFile::open(path).unwrap().check();
    let inspection = checked.inspection.unwrap_or_else(|| {
        panic!(
            "{}: not inspectable: {:?}",
            path.display(),
            checked.validation.problems
        )
    });
    (checked.validation, inspection)
}

fn model(name: &str) -> Option<PathBuf> {
    Some(
        models()?
            .into_iter()
            .find(|(p, _)| p.to_string_lossy().contains(name))?
            .0,
    )
}

#[test]
fn every_fixture_model_inspects_with_manifest_triangles_and_plausible_size() {
    let Some(models) = models() else {
        return;
    };
    assert!(
        models.len() >= 10,
        "expected the product models, found {}",
        models.len()
    );
    for (path, triangles) in &models {
        let (validation, inspection) = check(path);
        let name = path.file_name().unwrap().to_string_lossy();
        let [x, y, z] = inspection.dimensions_m;
        println!(
            "{name}: {} triangles, {} draws, {} materials, {} textures, {x:.3} × {y:.3} × {z:.3} m, {} errors, warnings {:?}",
            inspection.triangles,
            inspection.draw_calls,
            inspection.materials,
            inspection.textures.len(),
            validation.errors,
            inspection.warnings.iter().map(|w| w.code.as_ref()).collect::<Vec<_>>()
        );
        assert_eq!(inspection.triangles, *triangles, "{name}: triangles");
        let largest = x.max(y).max(z);
        assert!(
            (0.01..=20.0).contains(&largest),
            "{name}: largest side {largest} m"
        );
        assert!(
            x >= 0.0 && y >= 0.0 && z >= 0.0 && inspection.bounds_m.is_some(),
            "{name}"
        );
        assert_eq!(
            inspection.dimensions_cm,
            inspection.dimensions_m.map(|d| d * 100.0)
        );
        if !name.contains("KenneyCakeBirthday") {
            let errors: Vec<_> = validation
                .problems
                .iter()
                .filter(|p| p.severity.as_str() == "error")
                .collect();
            assert!(
                errors.is_empty(),
                "{name}: the Khronos validator finds no error, we found {errors:?}"
            );
        }
    }
}

#[test]
fn materials_variants_shoe_reports_its_variant_names() {
    let Some(path) = model("MaterialsVariantsShoe") else {
        return;
    };
    let (_, inspection) = check(&path);
    assert_eq!(inspection.variants, ["midnight", "beach", "street"]);
    assert!(inspection
        .extensions_used
        .contains(&"KHR_materials_variants".to_owned()));
}

#[test]
fn kenney_cake_is_inspectable_but_reports_its_non_root_scene_node() {
    let Some(path) = model("KenneyCakeBirthday") else {
        return;
    };
    let (validation, inspection) = check(&path);
    assert!(
        validation.with_code("SCENE_NON_ROOT_NODE").count() >= 1,
        "{:?}",
        validation.problems
    );
    assert!(validation
        .problems
        .iter()
        .filter(|p| p.severity.as_str() == "error")
        .all(|p| p.code == "SCENE_NON_ROOT_NODE"));
    assert!(inspection.triangles > 0 && inspection.errors >= 1);
}

#[test]
fn barn_lamp_ktx2_images_without_basisu_are_a_warning_not_an_error() {
    let Some(path) = model("AnisotropyBarnLamp") else {
        return;
    };
    let (validation, inspection) = check(&path);
    assert!(!validation.has_errors(), "{:?}", validation.problems);
    assert!(validation.with_code("IMAGE_UNRECOGNIZED_FORMAT").count() >= 1);
    assert!(inspection
        .textures
        .iter()
        .any(|t| t.format.is_some_and(|f| f.mime_type() == "image/ktx2")));
}

#[test]
fn texture_sizes_are_read_from_image_headers() {
    let Some(path) = model("WaterBottle") else {
        return;
    };
    let (_, inspection) = check(&path);
    assert!(!inspection.textures.is_empty());
    for texture in &inspection.textures {
        assert!(texture.width.is_some_and(|w| w >= 256), "{texture:?}");
        assert!(texture.height.is_some_and(|h| h >= 256), "{texture:?}");
    }
}
