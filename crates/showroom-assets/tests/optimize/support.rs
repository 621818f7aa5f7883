//! Shared checks on optimized models, and where the fixtures are.

use std::path::PathBuf;

use showroom_assets::gltf::{self, Format, Inspection, NoResources};
use showroom_assets::optimize::{optimize, OptimizeOptions, Optimized};
use showroom_assets::render::{self, Background, RenderOptions};
use showroom_assets::scene;

pub use showroom_test_support::{fixtures, manifest_models};

/// Writes both outputs to `$SHOWROOM_OPTIMIZE_OUT` when that variable is set.
/// A GLB optimized with the default options; the test fails if optimizing fails.
pub fn optimize_glb(glb: &[u8]) -> Optimized {
    optimize(glb, Format::Glb, &NoResources, &OptimizeOptions::default())
        .unwrap_or_else(|e| panic!("optimizing failed: {e}"))
}

pub fn keep(name: &str, optimized: &Optimized) {
    if let Some(dir) = std::env::var_os("SHOWROOM_OPTIMIZE_OUT") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.glb")), &optimized.glb).unwrap();
        std::fs::write(dir.join(format!("{name}.plain.glb")), &optimized.plain_glb).unwrap();
    }
}

/// Validates an output GLB: zero errors; returns its inspection.
pub fn assert_valid(name: &str, which: &str, glb: &[u8]) -> Inspection {
    let checked = gltf::check(glb, Format::Glb, &NoResources);
    let errors: Vec<_> = checked
        .validation
        .problems
        .iter()
        .filter(|p| p.severity == gltf::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{name} ({which}): {errors:#?}");
    checked.inspection.expect("a valid file is inspected")
}

/// Asserts what both outputs of every model must satisfy, against the input's inspection.
pub fn assert_faithful(name: &str, input: &Inspection, optimized: &Optimized) {
    let delivery = assert_valid(name, "delivery", &optimized.glb);
    let plain = assert_valid(name, "plain", &optimized.plain_glb);
    assert!(
        delivery
            .extensions_required
            .iter()
            .any(|e| e == "EXT_meshopt_compression"),
        "{name}: the delivery GLB must require EXT_meshopt_compression: {:?}",
        delivery.extensions_required
    );
    let ext: Vec<_> = plain
        .extensions_used
        .iter()
        .chain(&plain.extensions_required)
        .filter(|e| e.starts_with("EXT_"))
        .collect();
    assert!(ext.is_empty(), "{name}: the plain GLB uses {ext:?}");
    for (which, out) in [("delivery", &delivery), ("plain", &plain)] {
        assert_eq!(
            out.triangles, input.triangles,
            "{name} ({which}): triangles"
        );
        assert_eq!(out.variants, input.variants, "{name} ({which}): variants");
        assert_eq!(
            out.materials, input.materials,
            "{name} ({which}): materials"
        );
        let size = input.dimensions_m.iter().fold(0.0f64, |a, &b| a.max(b));
        for axis in 0..3 {
            let (a, b) = (out.dimensions_m[axis], input.dimensions_m[axis]);
            // 14-bit grid: half a step at each end, on the longest side.
            let tolerance = size / 16383.0 * 2.0 + 1e-6;
            assert!(
                (a - b).abs() <= tolerance,
                "{name} ({which}): dimension {axis} is {a}, input {b}"
            );
        }
    }
    println!(
        "{name}: {} -> {} bytes (plain {}), {} -> {} vertices, {} triangles, {} ms",
        optimized.report.bytes_in,
        optimized.report.bytes_out,
        optimized.report.plain_bytes_out,
        optimized.report.vertices_before,
        optimized.report.vertices_after,
        optimized.report.triangles_after,
        optimized.report.time_ms
    );
}

/// Decodes and renders an output GLB; asserts the poster is not blank.
pub fn assert_renders(name: &str, glb: &[u8]) {
    let scene = scene::decode(glb, Format::Glb, &NoResources)
        .unwrap_or_else(|e| panic!("{name}: the optimized GLB does not decode: {e}"));
    let options = RenderOptions {
        size: 64,
        background: Background::Transparent,
        variant: None,
    };
    let poster = render::render(&scene, &options);
    let opaque = poster.pixels().filter(|p| p.0[3] >= 250).count();
    assert!(
        opaque > 64 * 64 / 50,
        "{name}: the poster is (nearly) blank"
    );
}

/// A 64 px transparent poster of a decoded scene.
pub fn poster(scene: &scene::Scene) -> image::RgbaImage {
    let options = RenderOptions {
        size: 64,
        background: Background::Transparent,
        variant: None,
    };
    render::render(scene, &options)
}

/// Mean absolute RGB difference (0..=255) over pixels opaque in both, and the difference in
/// coverage (share of opaque pixels, 0..=1).
pub fn poster_difference(a: &image::RgbaImage, b: &image::RgbaImage) -> (f64, f64) {
    let (mut total, mut both) = (0.0, 0u64);
    let (mut in_a, mut in_b) = (0u64, 0u64);
    for (p, q) in a.pixels().zip(b.pixels()) {
        let (pa, qa) = (p.0[3] >= 250, q.0[3] >= 250);
        in_a += u64::from(pa);
        in_b += u64::from(qa);
        if pa && qa {
            total += (0..3)
                .map(|c| f64::from(p.0[c].abs_diff(q.0[c])))
                .sum::<f64>()
                / 3.0;
            both += 1;
        }
    }
    let pixels = f64::from(a.width() * a.height());
    (
        total / both.max(1) as f64,
        (in_a as f64 - in_b as f64).abs() / pixels,
    )
}

/// Node names of a GLB, in order, without the unnamed ones.
pub fn node_names(glb: &[u8]) -> Vec<String> {
    names_in(&json_of(glb))
}

/// Node names of a glTF JSON document, in order, without the unnamed ones.
pub fn names_in(json: &serde_json::Value) -> Vec<String> {
    json["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["name"].as_str().map(str::to_owned))
        .collect()
}

/// The JSON chunk of a GLB.
pub fn json_of(glb: &[u8]) -> serde_json::Value {
    let len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    serde_json::from_slice(&glb[20..20 + len]).unwrap()
}

/// The BIN chunk of a GLB.
pub fn bin_of(glb: &[u8]) -> Vec<u8> {
    let len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    glb[20 + len + 8..].to_vec()
}

/// A GLB with `json` and (unpadded) `bin` as chunks.
pub fn glb(json: &serde_json::Value, bin: &[u8]) -> Vec<u8> {
    showroom_test_support::glb_container(&serde_json::to_vec(json).unwrap(), bin)
}
