//! Our verdict (error or no error) against the Khronos glTF-Validator's expected report for
//! each of its test files, and no panic on any file in that tree, whatever its type.

use std::path::{Path, PathBuf};

use serde_json::Value;
use showroom_assets::gltf::{self, AssetFile, Format, NoResources};

use crate::support::fixtures;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The validator's test tree and every file in it, or `None` (after saying `skipping: …`) when
/// the fixtures are absent.
fn validator_tree() -> Option<(PathBuf, Vec<PathBuf>)> {
    let root = fixtures("gltf/validator")?;
    let mut files = Vec::new();
    files_under(&root, &mut files);
    Some((root, files))
}

#[test]
fn verdicts_agree_with_the_khronos_validator_on_its_own_test_files() {
    let Some((root, files)) = validator_tree() else {
        return;
    };
    let reports: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".report.json"))
        .collect();
    assert!(
        !reports.is_empty(),
        "no .report.json under {}",
        root.display()
    );

    let mut disagreements = Vec::new();
    for report_path in &reports {
        let expected: Value = serde_json::from_slice(&std::fs::read(report_path).unwrap()).unwrap();
        let expected_errors = expected["issues"]["numErrors"].as_u64().unwrap() > 0;
        let expected_codes: Vec<&str> = expected["issues"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["severity"] == 0)
            .filter_map(|m| m["code"].as_str())
            .collect();
        let asset = PathBuf::from(
            report_path
                .to_string_lossy()
                .trim_end_matches(".report.json"),
        );
        let validation = AssetFile::open(&asset).unwrap().validate();
        if validation.has_errors() != expected_errors {
            let ours: Vec<String> = validation
                .problems
                .iter()
                .filter(|p| p.severity == gltf::Severity::Error)
                .map(|p| format!("{} {}", p.code, p.pointer))
                .collect();
            disagreements.push(format!(
                "{}: Khronos errors {expected_codes:?}, ours {ours:?}",
                asset.strip_prefix(&root).unwrap_or(&asset).display()
            ));
        }
    }
    let agreed = reports.len() - disagreements.len();
    println!(
        "agreement with the Khronos validator: {agreed}/{} = {:.1} %",
        reports.len(),
        100.0 * agreed as f64 / reports.len() as f64
    );
    for d in &disagreements {
        println!("  disagreement: {d}");
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
}

#[test]
fn every_file_in_the_validator_tree_is_checked_as_both_formats_without_panicking() {
    let Some((_, files)) = validator_tree() else {
        return;
    };
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for format in [Format::Glb, Format::Gltf] {
            let checked = gltf::check(&bytes, format, &NoResources);
            if checked.inspection.is_none() {
                assert!(
                    checked.validation.has_errors(),
                    "{}: no inspection and no error",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn problems_point_where_the_khronos_validator_points() {
    let Some(root) = fixtures("gltf/validator") else {
        return;
    };
    let cases = [
        (
            "test/base/data/mesh_data/index_buffer_oob.gltf",
            "ACCESSOR_INDEX_OOB",
            "/meshes/0/primitives/0/indices",
        ),
        (
            "test/base/data/material/unresolved_basecolor.gltf",
            "UNRESOLVED_REFERENCE",
            "/materials/0/pbrMetallicRoughness/baseColorTexture/index",
        ),
        (
            "test/base/data/scene/unresolved_default_scene.gltf",
            "UNRESOLVED_REFERENCE",
            "/scene",
        ),
        (
            "test/base/data/camera/perspective_z.gltf",
            "CAMERA_ZFAR_LEQUAL_ZNEAR",
            "/cameras/0/perspective",
        ),
        (
            "test/base/data/glb/invalid_magic.glb",
            "GLB_INVALID_MAGIC",
            "",
        ),
        (
            "test/ext/KHR_mesh_quantization/data/primitive/non_required.gltf",
            "NON_REQUIRED_EXTENSION",
            "/extensionsUsed/0",
        ),
    ];
    for (file, code, pointer) in cases {
        let validation = AssetFile::open(root.join(file)).unwrap().validate();
        assert!(
            validation.with_code(code).any(|p| p.pointer == pointer),
            "{file}: expected {code} at {pointer}, got {:?}",
            validation.problems
        );
    }
}
