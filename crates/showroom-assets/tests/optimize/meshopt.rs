//! The validator's side of `EXT_meshopt_compression`: compressed views are decoded (and read by
//! the scene decoder), broken ones are errors, never panics or unbounded allocations.

use std::ops::Range;

use serde_json::{json, Value};
use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{self, Format, NoResources};
use showroom_assets::scene;

use crate::support::{bin_of, glb, json_of, optimize_glb};

fn optimized_chair() -> Vec<u8> {
    let glb = demo::generate(DemoKind::Chair, &[("Oak", [0.6, 0.4, 0.2, 1.0])]);
    optimize_glb(&glb).glb
}

/// The optimized chair's JSON and binary chunk, to edit.
fn optimized_chair_chunks() -> (Value, Vec<u8>) {
    let out = optimized_chair();
    (json_of(&out), bin_of(&out))
}

/// The scene of a GLB made of `json` and `bin`, which must validate without errors.
fn valid_scene(json: &Value, bin: &[u8]) -> scene::Scene {
    let file = glb(json, bin);
    assert!(codes(&file).is_empty(), "{:?}", codes(&file));
    scene::decode(&file, Format::Glb, &NoResources).unwrap()
}

fn codes(glb: &[u8]) -> Vec<String> {
    gltf::validate(glb, Format::Glb, &NoResources)
        .problems
        .into_iter()
        .filter(|p| p.severity == gltf::Severity::Error)
        .map(|p| p.code.into_owned())
        .collect()
}

/// The first compressed view of `json` with `mode`.
fn first_view(json: &Value, mode: &str) -> usize {
    json["bufferViews"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["extensions"]["EXT_meshopt_compression"]["mode"] == mode)
        .unwrap()
}

/// An optimized chair's JSON and binary chunk, and where in the binary chunk its first compressed
/// `ATTRIBUTES` stream lies.
fn chair_with_compressed_attributes() -> (Value, Vec<u8>, Range<usize>) {
    let (json, bin) = optimized_chair_chunks();
    let view = first_view(&json, "ATTRIBUTES");
    let ext = &json["bufferViews"][view]["extensions"]["EXT_meshopt_compression"];
    let start = ext["byteOffset"].as_u64().unwrap() as usize;
    let len = ext["byteLength"].as_u64().unwrap() as usize;
    (json, bin, start..start + len)
}

#[test]
fn compressed_views_are_decoded_for_the_checks_and_the_scene_decoder() {
    let input = demo::generate(DemoKind::Chair, &[("Oak", [0.6, 0.4, 0.2, 1.0])]);
    let out = optimized_chair();
    assert!(codes(&out).is_empty(), "{:?}", codes(&out));
    let before = scene::decode(&input, Format::Glb, &NoResources).unwrap();
    let after = scene::decode(&out, Format::Glb, &NoResources).unwrap();
    assert_eq!(after.triangle_count(), before.triangle_count());
    let (lo, hi) = before.bounds().unwrap();
    let (lo2, hi2) = after.bounds().unwrap();
    assert!((lo - lo2).abs().max_element() < 1e-3 && (hi - hi2).abs().max_element() < 1e-3);
}

#[test]
fn a_corrupt_compressed_stream_is_an_error_not_a_panic() {
    let (json, mut bin, stream) = chair_with_compressed_attributes();
    for b in &mut bin[stream.start + 1..stream.end] {
        *b = 0xff;
    }
    let problems = codes(&glb(&json, &bin));
    assert!(
        problems.iter().any(|c| c == "MESHOPT_DECODE_FAILED"),
        "{problems:?}"
    );
    assert!(scene::decode(&glb(&json, &bin), Format::Glb, &NoResources).is_err());
}

#[test]
fn vertex_codec_version_1_is_refused_as_ext_meshopt_compression_allows_only_version_0() {
    let (json, mut bin, stream) = chair_with_compressed_attributes();
    assert_eq!(bin[stream.start], 0xa0, "our encoder writes version 0");
    bin[stream.start] = 0xa1;
    assert!(codes(&glb(&json, &bin))
        .iter()
        .any(|c| c == "MESHOPT_UNSUPPORTED_VERSION"));
}

#[test]
fn a_decompression_bomb_is_refused_before_anything_is_allocated() {
    let (mut json, bin) = optimized_chair_chunks();
    let view = first_view(&json, "ATTRIBUTES");
    let stride = json["bufferViews"][view]["byteStride"].as_u64().unwrap();
    let count = 200_000_000u64 / stride;
    json["bufferViews"][view]["byteLength"] = json!(count * stride);
    json["bufferViews"][view]["extensions"]["EXT_meshopt_compression"]["count"] = json!(count);
    json["buffers"][1]["byteLength"] = json!(count * stride + 1_000_000);
    let problems = codes(&glb(&json, &bin));
    assert!(
        problems.iter().any(|c| c == "RESOURCE_TOO_LARGE"),
        "{problems:?}"
    );
}

#[test]
fn streams_the_decoder_cannot_take_are_refused_by_the_parser() {
    let (base, bin) = optimized_chair_chunks();
    let attributes = first_view(&base, "ATTRIBUTES");
    let triangles = first_view(&base, "TRIANGLES");
    let edits: [(usize, &str, Value); 5] = [
        (attributes, "byteStride", json!(6)),
        (attributes, "mode", json!("SOMETHING")),
        (attributes, "filter", json!("QUATERNION")),
        (triangles, "filter", json!("OCTAHEDRAL")),
        (triangles, "byteStride", json!(8)),
    ];
    for (view, key, value) in edits {
        let mut json = base.clone();
        json["bufferViews"][view]["extensions"]["EXT_meshopt_compression"][key] = value.clone();
        let problems = codes(&glb(&json, &bin));
        assert!(!problems.is_empty(), "{key} = {value}: accepted");
    }
}

#[test]
fn a_view_into_a_fallback_buffer_without_bytes_must_be_compressed() {
    let (mut json, bin) = optimized_chair_chunks();
    let view = first_view(&json, "ATTRIBUTES");
    json["bufferViews"][view]
        .as_object_mut()
        .unwrap()
        .remove("extensions");
    assert!(codes(&glb(&json, &bin))
        .iter()
        .any(|c| c == "MESHOPT_FALLBACK_READ"));
}

#[test]
fn octahedral_filtered_normals_are_unfiltered_when_decoded() {
    // One triangle whose normals are stored octahedral-filtered as 8-bit snorm.
    let normals = [
        [0.0f32, 0.0, 1.0, 0.0],
        [0.6, 0.0, 0.8, 0.0],
        [0.0, -0.6, 0.8, 0.0],
    ];
    let filtered: Vec<[i8; 4]> = meshopt::encode_filter_oct(&normals, 8);
    let filtered_bytes: Vec<u8> = filtered.iter().flat_map(|v| v.map(|x| x as u8)).collect();
    let rows: Vec<[u8; 4]> = filtered_bytes
        .chunks_exact(4)
        .map(|c| [c[0], c[1], c[2], c[3]])
        .collect();
    let encoded = meshopt::encode_vertex_buffer_level(&rows, 2, Some(0)).unwrap();
    let positions: Vec<u8> = [0.0f32, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let mut bin = positions.clone();
    let compressed_at = bin.len();
    bin.extend_from_slice(&encoded);
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    let json = json!({
        "asset": {"version": "2.0"},
        "extensionsUsed": ["EXT_meshopt_compression", "KHR_mesh_quantization"],
        "extensionsRequired": ["EXT_meshopt_compression", "KHR_mesh_quantization"],
        "buffers": [
            {"byteLength": bin.len()},
            {"byteLength": 12, "extensions": {"EXT_meshopt_compression": {"fallback": true}}}
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 36},
            {"buffer": 1, "byteLength": 12, "byteStride": 4, "extensions": {"EXT_meshopt_compression": {
                "buffer": 0, "byteOffset": compressed_at, "byteLength": encoded.len(),
                "byteStride": 4, "count": 3, "mode": "ATTRIBUTES", "filter": "OCTAHEDRAL"}}}
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
             "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5120, "normalized": true, "count": 3, "type": "VEC3"}
        ],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1}}]}],
        "nodes": [{"mesh": 0}],
        "scenes": [{"nodes": [0]}],
        "scene": 0
    });
    let scene = valid_scene(&json, &bin);
    for (got, want) in scene.primitives[0].normals.iter().zip(normals) {
        let want = glam::Vec3::new(want[0], want[1], want[2]);
        assert!((*got - want).length() < 0.05, "{got} vs {want}");
    }
}

#[test]
fn exponential_filtered_positions_are_unfiltered_when_decoded() {
    let positions = [[0.0f32, 0.0, 0.0], [1.5, 0.0, 0.0], [0.0, 2.25, -0.125]];
    let filtered: Vec<[u32; 3]> =
        meshopt::encode_filter_exp(&positions, 23, meshopt::EncodeExpMode::Separate);
    let encoded = meshopt::encode_vertex_buffer_level(&filtered, 2, Some(0)).unwrap();
    let mut bin = encoded.clone();
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    let json = json!({
        "asset": {"version": "2.0"},
        "extensionsUsed": ["EXT_meshopt_compression"],
        "extensionsRequired": ["EXT_meshopt_compression"],
        "buffers": [
            {"byteLength": bin.len()},
            {"byteLength": 36, "extensions": {"EXT_meshopt_compression": {"fallback": true}}}
        ],
        "bufferViews": [
            {"buffer": 1, "byteLength": 36, "byteStride": 12, "extensions": {"EXT_meshopt_compression": {
                "buffer": 0, "byteLength": encoded.len(), "byteStride": 12, "count": 3,
                "mode": "ATTRIBUTES", "filter": "EXPONENTIAL"}}}
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
             "min": [0, 0, -0.125], "max": [1.5, 2.25, 0]}
        ],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "nodes": [{"mesh": 0}],
        "scenes": [{"nodes": [0]}],
        "scene": 0
    });
    let scene = valid_scene(&json, &bin);
    for (got, want) in scene.primitives[0].positions.iter().zip(positions) {
        assert_eq!(got.to_array(), want);
    }
}

#[test]
fn an_optimized_glb_optimizes_again_from_its_compressed_quantized_data() {
    let input = demo::generate(DemoKind::Headphones, &[("Black", [0.05, 0.05, 0.05, 1.0])]);
    let once = optimized_chair();
    let twice = optimize_glb(&once);
    assert!(codes(&twice.glb).is_empty() && codes(&twice.plain_glb).is_empty());
    let a = gltf::inspect(&once, Format::Glb, &NoResources).unwrap();
    let b = gltf::inspect(&twice.glb, Format::Glb, &NoResources).unwrap();
    assert_eq!(a.triangles, b.triangles);
    for axis in 0..3 {
        assert!((a.dimensions_m[axis] - b.dimensions_m[axis]).abs() < 1e-3);
    }
    let headphones = optimize_glb(&input);
    let again = optimize_glb(&headphones.glb);
    // Already quantized data is re-read through its dequantization, so nothing blows up.
    assert!(
        again.glb.len() * 100 <= headphones.glb.len() * 105,
        "{} bytes after a second pass, {} after the first",
        again.glb.len(),
        headphones.glb.len()
    );
}
