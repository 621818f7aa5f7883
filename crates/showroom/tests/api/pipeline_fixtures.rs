//! Acceptance of the 3D pipeline on real product models (`../shared/fixtures/gltf/models/`):
//! each is uploaded through the API (`.glb` as is, a `.gltf` folder as a zip) and must become
//! ready, with an optimized GLB our validator accepts, the original's real dimensions, and
//! posters that show the product inside the frame. The two messy models get their policy:
//! `KenneyCakeBirthday` (`SCENE_NON_ROOT_NODE`) is repaired and the repair recorded;
//! `AnisotropyBarnLamp` (`.ktx2` images without `KHR_texture_basisu`) is ready with a warning.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use showroom_assets::gltf::{self, AssetFile, Format, NoResources};

use crate::uploads::{fetch, spawn_processing_app, upload, wait_processed};

/// Products whose posters show few opaque pixels: a racquet's open frame, glass drawn
/// see-through.
const THIN: &[&str] = &["TennisRacquet", "GlassVaseFlowers", "LowPolyGlassTable"];

fn fixture_models() -> Option<Vec<PathBuf>> {
    let root = std::env::var_os("SHOWROOM_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    );
    let dir = root.join("gltf/models");
    if !dir.is_dir() {
        println!("skipping: fixture models not found at {}", dir.display());
        return None;
    }
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "LICENSES"))
        .collect();
    models.sort();
    Some(models)
}

/// The upload for a model folder: its `.glb`, or a zip of every file beside its `.gltf`.
fn upload_bytes(folder: &Path) -> (String, Vec<u8>, AssetFile) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    if let Some(glb) = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "glb"))
    {
        let name = glb.file_name().unwrap().to_string_lossy().into_owned();
        return (
            name,
            std::fs::read(glb).unwrap(),
            AssetFile::open(glb).unwrap(),
        );
    }
    let gltf = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "gltf"))
        .expect("a .gltf");
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    for file in &files {
        zip.start_file(file.file_name().unwrap().to_string_lossy(), options)
            .unwrap();
        zip.write_all(&std::fs::read(file).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    let name = format!("{}.zip", folder.file_name().unwrap().to_string_lossy());
    (name, out.into_inner(), AssetFile::open(gltf).unwrap())
}

fn poster_pixels(png: &[u8]) -> Vec<u8> {
    image::load_from_memory(png).unwrap().to_rgba8().into_raw()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_model_goes_from_upload_to_ready() {
    let Some(models) = fixture_models() else {
        return;
    };
    let app = spawn_processing_app(2).await;
    let mut uploaded = Vec::new();
    for folder in &models {
        let (name, bytes, original) = upload_bytes(folder);
        let response = upload(&app, &name, bytes).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{name}");
        let body: Value = response.json().await.unwrap();
        let model = folder.file_name().unwrap().to_string_lossy().into_owned();
        uploaded.push((model, body["hash"].as_str().unwrap().to_owned(), original));
    }
    let mut failures = Vec::new();
    for (model, hash, original) in &uploaded {
        let asset = wait_processed(&app, hash, Duration::from_secs(600)).await;
        if asset["status"] != "ready" {
            failures.push(format!("{model}: {}", asset["failure"]));
            continue;
        }
        let report = app
            .admin_get(&format!("/api/v1/admin/assets/{hash}/report"))
            .await;
        let delivery = fetch(&app, asset["files"]["model"].as_str().unwrap()).await;
        let validation = gltf::validate(&delivery, Format::Glb, &NoResources);
        assert_eq!(validation.errors, 0, "{model}: {:?}", validation.problems);

        let expected = original.inspect().expect("the fixture parses").dimensions_m;
        let reported: Vec<f64> = asset["dimensions_m"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_f64().unwrap())
            .collect();
        let optimized = gltf::inspect(&delivery, Format::Glb, &NoResources)
            .unwrap()
            .dimensions_m;
        for axis in 0..3 {
            let tolerance = 0.002 * expected[axis].abs().max(0.01) + 1e-4;
            assert!(
                (reported[axis] - expected[axis]).abs() <= tolerance,
                "{model}: reported {reported:?}, world box {expected:?}"
            );
            assert!(
                (optimized[axis] - expected[axis]).abs() <= tolerance * 5.0,
                "{model}: optimized {optimized:?}, original {expected:?}"
            );
        }
        for poster in report["posters"].as_array().unwrap() {
            let coverage = poster["coverage"].as_f64().unwrap();
            // Open and see-through products cover less (the same list as the renderer's tests:
            // showroom-assets tests/render/support.rs `THIN`).
            let least = if THIN.contains(&model.as_str()) {
                0.04
            } else {
                0.10
            };
            assert!(
                coverage >= least,
                "{model} {}: the product covers only {coverage:.3}",
                poster["look"]
            );
            assert_eq!(
                poster["inside_frame"], true,
                "{model} {}: cropped",
                poster["look"]
            );
        }
        println!(
            "{model}: ready, {} → {} bytes, {} poster look(s) covering {:.2}, {} warning(s)",
            original.bytes.len(),
            delivery.len(),
            report["posters"].as_array().unwrap().len(),
            report["posters"][0]["coverage"].as_f64().unwrap(),
            asset["warnings"].as_array().unwrap().len()
        );
        match model.as_str() {
            "KenneyCakeBirthday" => {
                let repairs = report["repairs"].as_array().unwrap();
                assert!(
                    repairs
                        .iter()
                        .any(|r| r.as_str().unwrap().contains("SCENE_NON_ROOT_NODE")),
                    "{report}"
                );
            }
            "AnisotropyBarnLamp" => {
                let warnings = asset["warnings"].as_array().unwrap();
                assert!(
                    warnings
                        .iter()
                        .any(|w| w.as_str().unwrap().to_lowercase().contains("ktx2")),
                    "{warnings:?}"
                );
            }
            "MaterialsVariantsShoe" => {
                let variants = asset["variants"].as_array().unwrap();
                assert_eq!(variants.len(), 3, "{asset}");
                let looks: Vec<String> = report["posters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["label"].as_str().unwrap().to_owned())
                    .collect();
                assert_eq!(
                    looks.len(),
                    4,
                    "the default look and one per variant: {looks:?}"
                );
                let mut pixels = Vec::new();
                for look in looks.iter().skip(1) {
                    let png = fetch(&app, &format!("/assets/{hash}/poster-{look}-256.png")).await;
                    pixels.push(poster_pixels(&png));
                }
                for (i, a) in pixels.iter().enumerate() {
                    for b in &pixels[i + 1..] {
                        let differing = a
                            .chunks(4)
                            .zip(b.chunks(4))
                            .filter(|(p, q)| {
                                p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 24)
                            })
                            .count();
                        assert!(
                            differing > a.len() / 4 / 50,
                            "two variant posters look the same ({differing} pixels differ)"
                        );
                    }
                }
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "not ready: {failures:#?}");
    app.stop().await;
}
