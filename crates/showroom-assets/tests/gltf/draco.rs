//! `KHR_draco_mesh_compression` input: the Draco duck and milk truck decode to the same
//! geometry as the plain models of `gltf/models/` (vertex and triangle counts, bounds), pass
//! the validator, optimize into plain GLBs, and a damaged Draco stream is refused without a
//! panic. Skips (printing why) when the fixtures folder is absent.

use std::path::Path;

use glam::Vec3;
use serde_json::Value;
use showroom_assets::gltf::{self, AssetFile, Format, NoResources};
use showroom_assets::optimize::{self, OptimizeOptions};
use showroom_assets::scene::{self, Scene};

use crate::support::{fixtures, glb};

fn decode(path: &Path) -> Scene {
    let file = AssetFile::open(path).unwrap();
    scene::decode_file(&file).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn vertices(scene: &Scene) -> usize {
    scene.primitives.iter().map(|p| p.positions.len()).sum()
}

/// The POSITION counts the Draco file's accessors declare, over its drawn primitives.
fn declared_vertices(path: &Path) -> usize {
    let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut total = 0;
    for node in json["nodes"].as_array().unwrap() {
        let Some(mesh) = node["mesh"].as_u64() else {
            continue;
        };
        for p in json["meshes"][mesh as usize]["primitives"]
            .as_array()
            .unwrap()
        {
            let accessor = p["attributes"]["POSITION"].as_u64().unwrap() as usize;
            total += json["accessors"][accessor]["count"].as_u64().unwrap() as usize;
        }
    }
    total
}

/// Pairs of (Draco file, the same model uncompressed).
fn pairs() -> Option<Vec<(std::path::PathBuf, std::path::PathBuf)>> {
    let (ext, models) = (fixtures("gltf/extensions")?, fixtures("gltf/models")?);
    Some(vec![
        (
            ext.join("DuckDraco/Duck.gltf"),
            models.join("Duck/Duck.glb"),
        ),
        (
            ext.join("CesiumMilkTruckDraco/CesiumMilkTruck.gltf"),
            models.join("CesiumMilkTruck/CesiumMilkTruck.glb"),
        ),
    ])
}

#[test]
fn draco_models_decode_to_the_plain_models_geometry() {
    let Some(pairs) = pairs() else { return };
    for (draco, plain) in pairs {
        let (d, p) = (decode(&draco), decode(&plain));
        assert_eq!(
            d.triangle_count(),
            p.triangle_count(),
            "{}",
            draco.display()
        );
        // The Draco files were exported separately and split a few seams differently (the
        // truck's accessors declare 4028 vertices against the plain model's 3995): the decoded
        // count is what the Draco file declares, within 2 % of the plain model's.
        let declared = declared_vertices(&draco);
        assert_eq!(vertices(&d), declared, "{}", draco.display());
        let (dv, pv) = (vertices(&d) as f64, vertices(&p) as f64);
        println!(
            "{}: {dv} vertices decoded, {pv} in the plain model",
            draco.display()
        );
        assert!((dv - pv).abs() <= pv * 0.02, "{dv} vs {pv}");
        let ((dlo, dhi), (plo, phi)) = (d.bounds().unwrap(), p.bounds().unwrap());
        let extent = (phi - plo).max_element();
        // Draco quantizes positions (11–14 bits in these files): the bounds agree to 0.5 %.
        let off = (dlo - plo).abs().max(dhi - phi).max_element();
        println!(
            "{}: bounds differ by {:.4} % of the extent",
            draco.display(),
            off / extent * 100.0
        );
        assert!(
            off <= extent * 0.005,
            "{}: bounds {dlo}..{dhi} vs {plo}..{phi}",
            draco.display()
        );
        assert!(
            d.primitives.iter().all(|p| p.uvs.is_some()),
            "texture coordinates decoded"
        );
        assert_ne!(d.bounds().unwrap().0, Vec3::ZERO);
    }
}

#[test]
fn draco_models_validate_and_optimize_into_plain_glbs() {
    let Some(pairs) = pairs() else { return };
    for (draco, plain) in pairs {
        let file = AssetFile::open(&draco).unwrap();
        let validation = file.validate();
        assert_eq!(
            validation.errors,
            0,
            "{}: {:?}",
            draco.display(),
            validation.problems
        );
        assert!(
            !validation
                .problems
                .iter()
                .any(|p| p.code == "UNSUPPORTED_EXTENSION"),
            "{:?}",
            validation.problems
        );
        let optimized = optimize::optimize(
            &file.bytes,
            file.format,
            file.resolver(),
            &OptimizeOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", draco.display()));
        for output in [&optimized.glb, &optimized.plain_glb] {
            assert_eq!(gltf::validate(output, Format::Glb, &NoResources).errors, 0);
            let json = json_chunk(output);
            assert!(!json.to_string().contains("KHR_draco_mesh_compression"));
        }
        let drawn = scene::decode(&optimized.plain_glb, Format::Glb, &NoResources).unwrap();
        assert_eq!(drawn.triangle_count(), decode(&plain).triangle_count());
    }
}

#[test]
fn a_damaged_draco_stream_is_refused_without_a_panic() {
    let Some(ext) = fixtures("gltf/extensions") else {
        return;
    };
    let root = ext.join("DuckDraco");
    let mut json: Value =
        serde_json::from_slice(&std::fs::read(root.join("Duck.gltf")).unwrap()).unwrap();
    let mut bin = std::fs::read(root.join("Duck.bin")).unwrap();
    json["buffers"][0].as_object_mut().unwrap().remove("uri");
    // No images: only the mesh matters here.
    for key in ["images", "textures", "samplers"] {
        json.as_object_mut().unwrap().remove(key);
    }
    json["materials"] = serde_json::json!([{}]);
    for (i, cut) in [(0usize, 16usize), (40, 200), (bin.len() / 2, bin.len() / 2)] {
        let mut damaged = bin.clone();
        for b in &mut damaged[i..(i + cut).min(bin.len())] {
            *b ^= 0xA5;
        }
        let bytes = glb(&json, &damaged);
        // Either refused or decoded to something bounded; never a panic.
        if let Ok(scene) = scene::decode(&bytes, Format::Glb, &NoResources) {
            assert!(scene.triangle_count() <= 12636 / 3);
        }
    }
    bin.truncate(bin.len() / 3);
    json["bufferViews"][0]["byteLength"] = serde_json::json!(bin.len());
    json["buffers"][0]["byteLength"] = serde_json::json!(bin.len());
    assert!(scene::decode(&glb(&json, &bin), Format::Glb, &NoResources).is_err());
}

fn json_chunk(glb: &[u8]) -> Value {
    let length = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
    serde_json::from_slice(&glb[20..20 + length]).unwrap()
}
