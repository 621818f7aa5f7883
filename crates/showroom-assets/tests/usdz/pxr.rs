//! The real check: Pixar's USD opens every package and its ARKit compliance checker finds
//! nothing wrong. Needs `python3` with `usd-core` (module `pxr`, version 25.x, which still has
//! `UsdUtils.ComplianceChecker`); without it the test says `skipping: …` and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{Format, NoResources};
use showroom_assets::scene;

use crate::support::{fixture_packages, package, Summary};

fn has_pxr() -> bool {
    let import = Command::new("python3").args(["-c", "import pxr"]).output();
    if import.as_ref().is_ok_and(|o| o.status.success()) {
        return true;
    }
    eprintln!("skipping: usd-core (pxr) not installed: `python3 -m pip install usd-core==25.11`");
    false
}

/// Runs `check_usdz.py` on every package at once (one interpreter start) and returns one
/// report per file.
fn reports(paths: &[PathBuf]) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/usdz/check_usdz.py");
    let output = Command::new("python3")
        .arg(script)
        .args(paths)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "check_usdz.py failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reports: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    if let Some(fatal) = reports.first().and_then(|r| r["fatal"].as_str()) {
        panic!("{fatal}");
    }
    assert_eq!(reports.len(), paths.len(), "{stdout}");
    reports
}

/// Three demo models with two colour variants each, the awkward hand-made scene and every
/// fixture model: (name, what the scene holds, the package).
fn packages() -> Vec<(String, Summary, Vec<u8>)> {
    let kinds = [DemoKind::Chair, DemoKind::Sneaker, DemoKind::Headphones];
    let mut packages: Vec<_> = kinds
        .into_iter()
        .map(|kind| {
            let colors = [("Sage green", [0.4, 0.5, 0.4, 1.0]), ("Coal", [0.1; 4])];
            let glb = demo::generate(kind, &colors);
            let scene = scene::decode(&glb, Format::Glb, &NoResources).unwrap();
            let name = format!("demo-{kind:?}");
            let bytes = package(&name, &scene);
            (name, Summary::of(&scene), bytes)
        })
        .collect();
    let awkward = crate::hostile::awkward_scene();
    let bytes = package("awkward", &awkward);
    packages.push(("awkward".to_owned(), Summary::of(&awkward), bytes));
    for packaged in fixture_packages().unwrap_or_default() {
        let (name, summary) = (packaged.name.clone(), packaged.summary.clone());
        packages.push((name, summary, packaged.bytes.clone()));
    }
    packages
}

#[test]
fn pixar_usd_opens_every_package_and_finds_it_arkit_compliant() {
    if !has_pxr() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let packages = packages();
    let paths: Vec<PathBuf> = packages
        .iter()
        .map(|(name, _, bytes)| {
            let path = dir.path().join(format!("{name}.usdz"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let mut failures = Vec::new();
    for ((name, scene, _), report) in packages.iter().zip(reports(&paths)) {
        let list = |key: &str| report[key].as_array().cloned().unwrap_or_default();
        let (errors, failed, problems) = (list("errors"), list("failed"), list("problems"));
        println!(
            "{name}: usdchecker --arkit (USD {}): {} errors, {} failed checks, {} warnings{}",
            report["usd_version"].as_str().unwrap_or("?"),
            errors.len(),
            failed.len(),
            list("warnings").len(),
            if report["shader_types_checked_against"] == "specification" {
                " (shader types checked against the UsdPreviewSurface specification)"
            } else {
                ""
            }
        );
        for finding in errors.iter().chain(&failed).chain(&problems) {
            failures.push(format!("{name}: {finding}"));
        }
        assert_eq!(report["meshes"], scene.primitives, "{name}");
        assert_eq!(report["points"], scene.points, "{name}");
        assert_eq!(report["faces"], scene.faces, "{name}");
        assert!(report["materials"].as_u64() >= Some(1), "{name}");
        let variants = list("variants");
        let variants: Vec<&str> = variants.iter().filter_map(Value::as_str).collect();
        if !scene.variants.is_empty() {
            assert!(
                variants.len() >= scene.variants.len(),
                "{name}: {variants:?}"
            );
            let selection = report["selection"].as_str().unwrap_or_default();
            assert!(variants.contains(&selection), "{name}: {selection}");
        }
        if name == "MaterialsVariantsShoe" {
            for variant in &scene.variants {
                assert!(
                    variants.contains(&variant.as_str()),
                    "{variant} not in {variants:?}"
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A package made by a plain zip writer (no alignment) whose mesh is bound without applying
/// `MaterialBindingAPI`: the checker must say so, or the test above proves nothing.
#[test]
fn the_compliance_check_catches_a_misaligned_package_with_a_bad_binding() {
    if !has_pxr() {
        return;
    }
    use std::io::Write;
    let layer = "#usda 1.0\n(\n    defaultPrim = \"Root\"\n    metersPerUnit = 1\n    upAxis = \"Y\"\n)\n\n\
        def Xform \"Root\"\n{\n    def Mesh \"M\"\n    {\n        rel material:binding = </Root/Mat>\n    }\n\
        def Material \"Mat\"\n    {\n    }\n}\n";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("a.usda", stored).unwrap();
    zip.write_all(layer.as_bytes()).unwrap();
    zip.start_file("extra.png", stored).unwrap();
    zip.write_all(b"not really a png").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.usdz");
    std::fs::write(&path, bytes).unwrap();
    let report = &reports(&[path])[0];
    let failed = report["failed"].to_string();
    println!("{failed}");
    assert!(failed.contains("MaterialBindingAPI"), "{failed}");
    assert!(failed.contains("ByteAlignmentChecker"), "{failed}");
}
