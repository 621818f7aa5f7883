//! Crafted hostile and tricky inputs: each must be reported with the right code, quickly, with
//! memory bounded by the real bytes, and never panic. Also the inspector's arithmetic on small
//! hand-made models (instancing, quantization, texture headers).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use showroom_assets::gltf::{
    self, Fetched, Format, Inspection, NoResources, ResolveError, Resolver, Validation,
};

use crate::support::{f32_bytes, glb};

fn validate_glb(json: &Value, bin: &[u8]) -> Validation {
    gltf::validate(&glb(json, bin), Format::Glb, &NoResources)
}

/// The inspection of a GLB the validator must find no error in.
fn inspect_valid_glb(json: &Value, bin: &[u8]) -> Inspection {
    let checked = gltf::check(&glb(json, bin), Format::Glb, &NoResources);
    assert_eq!(
        checked.validation.errors, 0,
        "{:?}",
        checked.validation.problems
    );
    checked.inspection.unwrap()
}

/// What `work` returns, after asserting it took less than two seconds (sizes a file only
/// declares must not be allocated or walked).
fn within_two_seconds<T>(work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    assert!(started.elapsed() < Duration::from_secs(2));
    out
}

fn codes(validation: &Validation) -> Vec<&str> {
    validation
        .problems
        .iter()
        .map(|p| p.code.as_ref())
        .collect()
}

/// A valid triangle: 3 float positions and `indices` as u16.
fn triangle(indices: &[u16]) -> (Value, Vec<u8>) {
    let mut bin = f32_bytes(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    let index_bytes: Vec<u8> = indices.iter().flat_map(|i| i.to_le_bytes()).collect();
    bin.extend_from_slice(&index_bytes);
    let json = json!({
        "asset": {"version": "2.0"},
        "buffers": [{"byteLength": bin.len()}],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 36},
            {"buffer": 0, "byteOffset": 36, "byteLength": index_bytes.len()}
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5123, "count": indices.len(), "type": "SCALAR"}
        ],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
        "nodes": [{"mesh": 0}],
        "scenes": [{"nodes": [0]}],
        "scene": 0
    });
    (json, bin)
}

#[test]
fn a_valid_hand_made_triangle_has_no_problem() {
    let (json, bin) = triangle(&[0, 1, 2]);
    let validation = validate_glb(&json, &bin);
    assert_eq!(validation.problems, vec![]);
}

#[test]
fn an_index_out_of_range_is_reported_at_the_primitive_indices() {
    let (json, bin) = triangle(&[0, 1, 5]);
    let validation = validate_glb(&json, &bin);
    let oob: Vec<_> = validation.with_code("ACCESSOR_INDEX_OOB").collect();
    assert_eq!(oob.len(), 1, "{:?}", validation.problems);
    assert_eq!(oob[0].pointer, "/meshes/0/primitives/0/indices");
}

#[test]
fn a_2_gb_buffer_declared_in_a_1_kb_file_is_refused_without_allocating_it() {
    let (mut json, bin) = triangle(&[0, 1, 2]);
    json["buffers"][0]["byteLength"] = json!(2_000_000_000u64);
    json["bufferViews"][1]["byteLength"] = json!(1_999_999_000u64);
    let validation = within_two_seconds(|| validate_glb(&json, &bin));
    assert!(
        validation.with_code("BUFFER_BYTE_LENGTH_MISMATCH").count() == 1,
        "{:?}",
        codes(&validation)
    );
}

#[test]
fn huge_declared_counts_are_range_errors_not_allocations() {
    let (mut json, bin) = triangle(&[0, 1, 2]);
    json["accessors"][0]["count"] = json!(4_000_000_000u64);
    json["accessors"][1]["count"] = json!(9_007_199_254_740_991u64);
    let checked = within_two_seconds(|| gltf::check(&glb(&json, &bin), Format::Glb, &NoResources));
    assert_eq!(
        checked.validation.with_code("ACCESSOR_TOO_LONG").count(),
        2,
        "{:?}",
        codes(&checked.validation)
    );
    // Inspection reports what the file claims (it never reads beyond real bytes).
    assert!(checked.inspection.is_some());
}

#[test]
fn a_cyclic_node_graph_is_a_node_loop_and_inspection_terminates() {
    let (mut json, bin) = triangle(&[0, 1, 2]);
    json["nodes"] = json!([{"mesh": 0, "children": [1]}, {"children": [2]}, {"children": [0, 2]}]);
    let checked = gltf::check(&glb(&json, &bin), Format::Glb, &NoResources);
    let validation = &checked.validation;
    assert!(
        validation.with_code("NODE_LOOP").count() >= 1,
        "{:?}",
        codes(validation)
    );
    assert!(
        validation.with_code("NODE_PARENT_OVERRIDE").count() >= 1
            || validation.with_code("SCENE_NON_ROOT_NODE").count() >= 1
    );
    assert_eq!(checked.inspection.unwrap().draw_calls, 1);
}

#[test]
fn truncated_glbs_are_errors_at_every_length() {
    let (json, bin) = triangle(&[0, 1, 2]);
    let whole = glb(&json, &bin);
    for len in 0..whole.len() {
        let validation = gltf::validate(&whole[..len], Format::Glb, &NoResources);
        assert!(
            validation.has_errors(),
            "truncated to {len} bytes: no error"
        );
    }
}

#[test]
fn deeply_nested_json_is_invalid_json_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!(
        r#"{{"asset":{{"version":"2.0"}},"extras":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let validation = gltf::validate(text.as_bytes(), Format::Gltf, &NoResources);
    assert_eq!(codes(&validation), ["INVALID_JSON"]);
}

/// A resolver that records every path it is asked for.
#[derive(Default)]
struct Recording(RefCell<Vec<String>>);

impl Resolver for Recording {
    fn read(&self, path: &str, _max_bytes: u64) -> Result<Fetched, ResolveError> {
        self.0.borrow_mut().push(path.to_owned());
        Err(ResolveError::NotFound)
    }
}

#[test]
fn external_absolute_and_parent_uris_are_never_read() {
    for uri in [
        "http://169.254.169.254/latest",
        "/etc/passwd",
        "../../secret.bin",
        "file:///etc/passwd",
        "a/%2e%2e/%2e%2e/x.bin",
    ] {
        let json = json!({
            "asset": {"version": "2.0"},
            "buffers": [{"uri": uri, "byteLength": 12}],
            "bufferViews": [{"buffer": 0, "byteLength": 12}],
        });
        let resolver = Recording::default();
        let validation = gltf::validate(json.to_string().as_bytes(), Format::Gltf, &resolver);
        assert!(resolver.0.borrow().is_empty(), "{uri} was read");
        assert!(
            validation.with_code("NON_RELATIVE_URI").count() == 1,
            "{uri}: {:?}",
            codes(&validation)
        );
        assert!(
            validation.with_code("RESOURCE_REFUSED").count() == 1,
            "{uri}: a used refused buffer is an error"
        );
    }
}

#[test]
fn required_extensions_we_cannot_decode_are_errors() {
    let (mut json, bin) = triangle(&[0, 1, 2]);
    json["extensionsUsed"] = json!(["EXT_lights_image_based"]);
    json["extensionsRequired"] = json!(["EXT_lights_image_based", "EXT_mesh_gpu_instancing"]);
    let validation = validate_glb(&json, &bin);
    assert_eq!(
        validation.with_code("UNSUPPORTED_EXTENSION").count(),
        2,
        "{:?}",
        codes(&validation)
    );
    assert_eq!(validation.with_code("UNUSED_EXTENSION_REQUIRED").count(), 1);
    assert_eq!(
        validation
            .with_code("UNUSED_EXTENSION_REQUIRED")
            .next()
            .unwrap()
            .pointer,
        "/extensionsRequired/1"
    );
}

#[test]
fn non_finite_floats_and_wrong_bounds_are_data_errors() {
    let (json, mut bin) = triangle(&[0, 1, 2]);
    bin[0..4].copy_from_slice(&f32::NAN.to_le_bytes());
    bin[12..16].copy_from_slice(&2.0f32.to_le_bytes());
    let validation = validate_glb(&json, &bin);
    assert_eq!(
        validation.with_code("ACCESSOR_INVALID_FLOAT").count(),
        1,
        "{:?}",
        codes(&validation)
    );
    assert_eq!(
        validation
            .with_code("ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND")
            .next()
            .unwrap()
            .pointer,
        "/accessors/0/max/0"
    );
}

#[test]
fn instanced_meshes_count_once_per_node_and_bounds_follow_the_hierarchy() {
    let (mut json, bin) = triangle(&[0, 1, 2]);
    json["nodes"] = json!([
        {"children": [1, 2], "scale": [2, 2, 2]},
        {"mesh": 0},
        {"mesh": 0, "translation": [3, 0, 0]}
    ]);
    let inspection = gltf::inspect(&glb(&json, &bin), Format::Glb, &NoResources).unwrap();
    assert_eq!(
        (
            inspection.triangles,
            inspection.vertices,
            inspection.draw_calls
        ),
        (2, 6, 2)
    );
    assert_eq!(inspection.dimensions_m, [8.0, 2.0, 0.0]);
    assert_eq!(inspection.dimensions_cm, [800.0, 200.0, 0.0]);
}

#[test]
fn quantized_positions_are_dequantized_through_the_node_matrix() {
    let positions: Vec<u8> = [0u16, 0, 0, 0, 65535, 0, 65535, 0, 0, 65535, 0, 0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let json = json!({
        "asset": {"version": "2.0"},
        "extensionsUsed": ["KHR_mesh_quantization"],
        "extensionsRequired": ["KHR_mesh_quantization"],
        "buffers": [{"byteLength": 24}],
        "bufferViews": [{"buffer": 0, "byteLength": 24, "byteStride": 8}],
        "accessors": [{"bufferView": 0, "componentType": 5123, "normalized": true, "count": 3, "type": "VEC3",
                       "min": [0, 0, 0], "max": [65535, 65535, 65535]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "nodes": [{"mesh": 0, "scale": [0.5, 0.25, 2], "translation": [-0.25, 0, -1]}],
        "scenes": [{"nodes": [0]}]
    });
    let inspection = inspect_valid_glb(&json, &positions);
    assert_eq!(inspection.dimensions_m, [0.5, 0.25, 2.0]);
    assert_eq!(inspection.bounds_m.unwrap().min, [-0.25, 0.0, -1.0]);
    assert_eq!(inspection.triangles, 1);
}

#[test]
fn a_16k_texture_is_measured_from_its_header_and_warned_about() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&16384u32.to_be_bytes());
    png.extend_from_slice(&16384u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let (mut json, mut bin) = triangle(&[0, 1, 2]);
    bin.extend_from_slice(&[0, 0]);
    let offset = bin.len();
    bin.extend_from_slice(&png);
    json["buffers"][0]["byteLength"] = json!(bin.len());
    json["bufferViews"]
        .as_array_mut()
        .unwrap()
        .push(json!({"buffer": 0, "byteOffset": offset, "byteLength": png.len()}));
    json["images"] = json!([{"bufferView": 2, "mimeType": "image/png"}]);
    json["textures"] = json!([{"source": 0}]);
    json["materials"] = json!([{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]);
    json["meshes"][0]["primitives"][0]["material"] = json!(0);
    let inspection = inspect_valid_glb(&json, &bin);
    assert_eq!(
        (inspection.textures[0].width, inspection.textures[0].height),
        (Some(16384), Some(16384))
    );
    assert!(inspection
        .warnings
        .iter()
        .any(|w| w.code == "TEXTURE_TOO_LARGE"));
}

#[test]
fn unit_errors_and_misplaced_origins_are_guideline_warnings() {
    let (mut json, bin) = triangle(&[0, 1, 2]);
    json["nodes"][0]["scale"] = json!([100, 100, 100]);
    json["nodes"][0]["translation"] = json!([5, 5, 5]);
    let inspection = gltf::inspect(&glb(&json, &bin), Format::Glb, &NoResources).unwrap();
    let codes: Vec<_> = inspection
        .warnings
        .iter()
        .map(|w| w.code.as_ref())
        .collect();
    assert!(codes.contains(&"DIMENSION_TOO_LARGE"), "{codes:?}");
    assert!(codes.contains(&"ORIGIN_NOT_BOTTOM_CENTER"), "{codes:?}");
}
