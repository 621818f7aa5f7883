//! `showroom assets validate|inspect|render` as a user runs it: the real binary, real files in a
//! temporary directory, exit codes and output checked. No database is configured or needed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use showroom_assets::demo::{self, DemoKind};

fn showroom(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_showroom"))
        .args(args)
        .current_dir(dir)
        // A database that cannot exist: the assets commands must never touch it.
        .env(
            "SHOWROOM_DATABASE_URL",
            "postgres://nobody@127.0.0.1:1/none",
        )
        .output()
        .expect("run showroom")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn chair_glb(dir: &Path) -> PathBuf {
    let path = dir.join("chair.glb");
    std::fs::write(
        &path,
        demo::generate(
            DemoKind::Chair,
            &[("Oak", [0.6, 0.4, 0.2, 1.0]), ("Ash", [0.8, 0.8, 0.7, 1.0])],
        ),
    )
    .unwrap();
    path
}

/// Rewrites a GLB as `model.gltf` + `model.bin` in `dir`.
fn as_gltf_with_bin(glb: &[u8], dir: &Path) -> PathBuf {
    let json_len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    let mut json: Value = serde_json::from_slice(&glb[20..20 + json_len]).unwrap();
    let bin = &glb[20 + json_len + 8..];
    json["buffers"][0]["uri"] = Value::from("model.bin");
    std::fs::write(dir.join("model.bin"), bin).unwrap();
    let path = dir.join("model.gltf");
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

#[test]
fn validate_accepts_a_valid_glb_with_exit_0_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = chair_glb(dir.path());
    let output = showroom(&["assets", "validate", file.to_str().unwrap()], dir.path());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        stdout(&output).contains("0 errors, 0 warnings"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn validate_reports_each_problem_on_a_line_and_exits_1_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.glb");
    std::fs::write(&file, b"glTF\x01\0\0\0\x0c\0\0\0").unwrap();
    let output = showroom(&["assets", "validate", "broken.glb"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.lines()
            .any(|l| l.starts_with("error GLB_INVALID_VERSION ")),
        "{text}"
    );
    assert!(text.contains("1 errors"), "{text}");
}

#[test]
fn validate_json_lists_problems_with_code_severity_and_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let glb = demo::generate(DemoKind::Chair, &[]);
    let file = as_gltf_with_bin(&glb, dir.path());
    std::fs::remove_file(dir.path().join("model.bin")).unwrap();
    let output = showroom(
        &["assets", "validate", file.to_str().unwrap(), "--json"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problem = &report["problems"][0];
    assert_eq!(problem["code"], "IO_ERROR");
    assert_eq!(problem["severity"], "error");
    assert_eq!(problem["pointer"], "/buffers/0/uri");
}

#[test]
fn inspect_json_has_the_documented_keys_and_real_dimensions() {
    let dir = tempfile::tempdir().unwrap();
    let file = chair_glb(dir.path());
    let output = showroom(
        &["assets", "inspect", file.to_str().unwrap(), "--json"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    for key in [
        "triangles",
        "vertices",
        "materials",
        "textures",
        "variants",
        "dimensions_m",
        "warnings",
    ] {
        assert!(report.get(key).is_some(), "missing {key}: {report}");
    }
    assert!(report["triangles"].as_u64().unwrap() > 0);
    assert_eq!(report["variants"], serde_json::json!(["Oak", "Ash"]));
    let dims: Vec<f64> = report["dimensions_m"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(dims.len(), 3);
    assert!(
        dims.iter().all(|d| (0.2..2.0).contains(d)),
        "a chair is chair-sized: {dims:?}"
    );
}

#[test]
fn inspect_reads_a_gltf_beside_its_bin_and_prints_cm_and_inches() {
    let dir = tempfile::tempdir().unwrap();
    let file = as_gltf_with_bin(&demo::generate(DemoKind::Sneaker, &[]), dir.path());
    let validate = showroom(&["assets", "validate", file.to_str().unwrap()], dir.path());
    assert_eq!(validate.status.code(), Some(0), "{}", stdout(&validate));
    let output = showroom(&["assets", "inspect", file.to_str().unwrap()], dir.path());
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("triangles") && text.contains(" cm, ") && text.contains(" in)"),
        "{text}"
    );
}

#[test]
fn a_missing_file_is_one_error_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["validate", "inspect"] {
        let output = showroom(&["assets", command, "nowhere.glb"], dir.path());
        assert_eq!(output.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: cannot read nowhere.glb"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn render_writes_one_poster_per_look_size_and_format_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let glb = chair_glb(dir.path());
    let out = dir.path().join("posters");
    let output = showroom(
        &[
            "assets",
            "render",
            glb.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--size",
            "256",
            "--format",
            "png,webp",
            "--background",
            "white",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    for look in ["default", "oak", "ash"] {
        for ext in ["png", "webp"] {
            let name = format!("poster-{look}-256.{ext}");
            let bytes = std::fs::read(out.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(bytes.len() > 1000, "{name} is only {} bytes", bytes.len());
            assert!(text.contains(&name), "{name} not listed in:\n{text}");
        }
    }
    let png = std::fs::read(out.join("poster-oak-256.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let listing: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("posters.json")).unwrap()).unwrap();
    assert_eq!(listing["looks"][1]["name"], "Oak");
    assert_eq!(listing["looks"][1]["label"], "oak");
    assert_eq!(listing["looks"][1]["variant"], 0);
    assert!(listing["camera"]["camera_orbit"]
        .as_str()
        .unwrap()
        .starts_with("35deg "));
}

#[test]
fn render_of_an_unreadable_model_is_one_error_line_and_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.glb");
    std::fs::write(&bad, b"glTF but not really").unwrap();
    let output = showroom(
        &["assets", "render", bad.to_str().unwrap(), "-o", "out"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn render_refuses_an_unsupported_size() {
    let dir = tempfile::tempdir().unwrap();
    let glb = chair_glb(dir.path());
    let output = showroom(
        &[
            "assets",
            "render",
            glb.to_str().unwrap(),
            "-o",
            "out",
            "--size",
            "300",
        ],
        dir.path(),
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("300"));
}
