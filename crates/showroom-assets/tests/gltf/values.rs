//! The Khronos glTF-Validator's value rules, each with its own code: vertex attribute values
//! (unit normals and tangents, tangent signs, clamped colours, skin weights and joints). The
//! property ranges of the ratified `KHR_` extensions are in `ranges.rs`.

use serde_json::{json, Value};
use showroom_assets::gltf::{self, Format, NoResources, Severity, Validation};

use crate::support::{f32_bytes, glb};

fn validate(json: &Value, bin: &[u8]) -> Validation {
    gltf::validate(&glb(json, bin), Format::Glb, &NoResources)
}

/// The problems with `code`, as (severity, pointer).
pub(crate) fn found(validation: &Validation, code: &str) -> Vec<(Severity, String)> {
    validation
        .with_code(code)
        .map(|p| (p.severity, p.pointer.clone()))
        .collect()
}

/// A triangle whose primitive also has `attributes`: (semantic, accessor type, component
/// type, the values' bytes). Joints and weights come with a one-joint skin on the node when
/// `skinned`.
fn triangle_with(attributes: &[(&str, &str, u32, Vec<u8>)], skinned: bool) -> (Value, Vec<u8>) {
    let mut bin = f32_bytes(&[0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    let mut views = vec![json!({"buffer": 0, "byteOffset": 0, "byteLength": 36})];
    let mut accessors = vec![json!({"bufferView": 0, "componentType": 5126, "count": 3,
        "type": "VEC3", "min": [0, 0, 0], "max": [1, 1, 0]})];
    let mut map = serde_json::Map::new();
    map.insert("POSITION".into(), json!(0));
    for (name, kind, component, bytes) in attributes {
        views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len()}));
        let mut accessor = json!({"bufferView": views.len() - 1, "componentType": component,
            "count": 3, "type": kind});
        if *component != 5126 && !name.starts_with("JOINTS_") {
            accessor["normalized"] = json!(true);
        }
        accessors.push(accessor);
        map.insert((*name).into(), json!(accessors.len() - 1));
        bin.extend_from_slice(bytes);
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
    }
    let mut json = json!({
        "asset": {"version": "2.0"},
        "buffers": [{"byteLength": bin.len()}],
        "bufferViews": views,
        "accessors": accessors,
        "meshes": [{"primitives": [{"attributes": map}]}],
        "nodes": [{"mesh": 0}],
        "scenes": [{"nodes": [0]}],
        "scene": 0
    });
    if skinned {
        json["nodes"] = json!([{"mesh": 0, "skin": 0}, {}, {}]);
        json["scenes"] = json!([{"nodes": [0, 1, 2]}]);
        json["skins"] = json!([{"joints": [1, 2]}]);
    }
    (json, bin)
}

fn vec3s(values: &[[f32; 3]]) -> Vec<u8> {
    f32_bytes(&values.concat())
}

fn vec4s(values: &[[f32; 4]]) -> Vec<u8> {
    f32_bytes(&values.concat())
}

const NORMALS_POINTER: &str = "/meshes/0/primitives/0/attributes/NORMAL";

#[test]
fn unit_normals_within_the_validators_tolerance_pass_and_others_are_reported_once() {
    // 1.005 is inside the validator's 0.00674; real exporters write such normals.
    let near_unit = vec3s(&[[0.0, 0.0, 1.005], [0.0, 1.0, 0.0], [0.6, 0.8, 0.0]]);
    let (json, bin) = triangle_with(&[("NORMAL", "VEC3", 5126, near_unit)], false);
    let validation = validate(&json, &bin);
    assert!(!validation.has_errors(), "{:?}", validation.problems);

    let bad = vec3s(&[[0.0, 0.0, 0.5], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]);
    let (json, bin) = triangle_with(&[("NORMAL", "VEC3", 5126, bad)], false);
    let validation = validate(&json, &bin);
    let problems: Vec<_> = validation.with_code("ACCESSOR_VECTOR3_NON_UNIT").collect();
    assert_eq!(problems.len(), 1, "{:?}", validation.problems);
    assert_eq!(problems[0].pointer, NORMALS_POINTER);
    assert_eq!(problems[0].severity, Severity::Error);
    assert!(
        problems[0].message.starts_with("2 elements"),
        "{}",
        problems[0].message
    );
}

#[test]
fn quantized_normals_are_judged_after_dequantization() {
    // Signed bytes: 127 is 1.0, so (0, 0, 127) is unit and (0, 0, 64) is about 0.5.
    let unit: Vec<u8> = [0i8, 0, 127, 0, 0, 127, 0, 0, 127]
        .iter()
        .map(|v| *v as u8)
        .collect();
    let mut padded = Vec::new();
    for chunk in unit.chunks(3) {
        padded.extend_from_slice(chunk);
        padded.push(0);
    }
    let (mut json, bin) = triangle_with(&[("NORMAL", "VEC3", 5120, padded.clone())], false);
    json["bufferViews"][1]["byteStride"] = json!(4);
    json["extensionsUsed"] = json!(["KHR_mesh_quantization"]);
    json["extensionsRequired"] = json!(["KHR_mesh_quantization"]);
    assert!(found(&validate(&json, &bin), "ACCESSOR_VECTOR3_NON_UNIT").is_empty());

    padded[2] = 64;
    let (mut json, bin) = triangle_with(&[("NORMAL", "VEC3", 5120, padded)], false);
    json["bufferViews"][1]["byteStride"] = json!(4);
    json["extensionsUsed"] = json!(["KHR_mesh_quantization"]);
    json["extensionsRequired"] = json!(["KHR_mesh_quantization"]);
    assert_eq!(
        found(&validate(&json, &bin), "ACCESSOR_VECTOR3_NON_UNIT").len(),
        1
    );
}

#[test]
fn a_tangent_needs_a_unit_xyz_and_a_w_of_plus_or_minus_one() {
    let normals = vec3s(&[[0.0, 0.0, 1.0]; 3]);
    let good = vec4s(&[
        [1.0, 0.0, 0.0, 1.0],
        [1.0, 0.0, 0.0, -1.0],
        [0.0, 1.0, 0.0, 1.0],
    ]);
    let (json, bin) = triangle_with(
        &[
            ("NORMAL", "VEC3", 5126, normals.clone()),
            ("TANGENT", "VEC4", 5126, good),
        ],
        false,
    );
    let validation = validate(&json, &bin);
    assert!(!validation.has_errors(), "{:?}", validation.problems);

    let bad = vec4s(&[
        [1.0, 0.0, 0.0, 0.0],
        [2.0, 0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0, 0.5],
    ]);
    let (json, bin) = triangle_with(
        &[
            ("NORMAL", "VEC3", 5126, normals),
            ("TANGENT", "VEC4", 5126, bad),
        ],
        false,
    );
    let validation = validate(&json, &bin);
    let at = "/meshes/0/primitives/0/attributes/TANGENT".to_owned();
    assert_eq!(
        found(&validation, "ACCESSOR_INVALID_SIGN"),
        vec![(Severity::Error, at.clone())]
    );
    assert_eq!(
        found(&validation, "ACCESSOR_VECTOR3_NON_UNIT"),
        vec![(Severity::Error, at)]
    );
    let sign = validation
        .with_code("ACCESSOR_INVALID_SIGN")
        .next()
        .unwrap();
    assert!(sign.message.starts_with("2 elements"), "{}", sign.message);
}

#[test]
fn float_vertex_colours_must_be_clamped_to_zero_one() {
    let colours = vec4s(&[
        [1.0, 0.5, 0.0, 1.0],
        [1.2, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 1.0],
    ]);
    let (json, bin) = triangle_with(&[("COLOR_0", "VEC4", 5126, colours)], false);
    assert_eq!(
        found(&validate(&json, &bin), "ACCESSOR_NON_CLAMPED"),
        vec![(
            Severity::Error,
            "/meshes/0/primitives/0/attributes/COLOR_0".to_owned()
        )]
    );
}

/// Joints as unsigned bytes, weights as floats, for three vertices.
fn skin_attributes(joints: [[u8; 4]; 3], weights: [[f32; 4]; 3]) -> (Value, Vec<u8>) {
    triangle_with(
        &[
            ("JOINTS_0", "VEC4", 5121, joints.concat()),
            ("WEIGHTS_0", "VEC4", 5126, vec4s(&weights)),
        ],
        true,
    )
}

#[test]
fn normalized_skin_weights_pass() {
    let (json, bin) = skin_attributes(
        [[0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]],
        [
            [0.25, 0.75, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
        ],
    );
    let validation = validate(&json, &bin);
    assert!(!validation.has_errors(), "{:?}", validation.problems);
    assert_eq!(validation.warnings, 0, "{:?}", validation.problems);
}

#[test]
fn skin_weights_must_sum_to_one_and_not_be_negative() {
    let (json, bin) = skin_attributes(
        [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]],
        [
            [0.5, 0.4, 0.0, 0.0],
            [1.5, -0.5, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
        ],
    );
    let validation = validate(&json, &bin);
    let weights = "/meshes/0/primitives/0/attributes/WEIGHTS_0".to_owned();
    assert_eq!(
        found(&validation, "ACCESSOR_WEIGHTS_NON_NORMALIZED"),
        vec![(Severity::Error, weights.clone())]
    );
    assert_eq!(
        found(&validation, "ACCESSOR_WEIGHTS_NEGATIVE"),
        vec![(Severity::Error, weights)]
    );
}

#[test]
fn joints_must_exist_in_the_skin_and_not_repeat() {
    let (json, bin) = skin_attributes(
        [[0, 5, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]],
        [
            [1.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
        ],
    );
    let validation = validate(&json, &bin);
    let joints = "/meshes/0/primitives/0/attributes/JOINTS_0".to_owned();
    assert_eq!(
        found(&validation, "ACCESSOR_JOINTS_INDEX_OOB"),
        vec![(Severity::Error, joints.clone())]
    );
    assert_eq!(
        found(&validation, "ACCESSOR_JOINTS_INDEX_DUPLICATE"),
        vec![(Severity::Error, joints)]
    );
}

#[test]
fn a_joint_with_zero_weight_other_than_joint_zero_is_a_warning() {
    let (json, bin) = skin_attributes(
        [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
        [
            [1.0, 0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
        ],
    );
    let validation = validate(&json, &bin);
    assert!(!validation.has_errors(), "{:?}", validation.problems);
    assert_eq!(
        found(&validation, "ACCESSOR_JOINTS_USED_ZERO_WEIGHT"),
        vec![(
            Severity::Warning,
            "/meshes/0/primitives/0/attributes/JOINTS_0".to_owned()
        )]
    );
}

#[test]
fn weights_of_a_mesh_no_skinned_node_uses_are_not_judged() {
    let (mut json, bin) = skin_attributes([[0, 0, 0, 0]; 3], [[0.5, 0.0, 0.0, 0.0]; 3]);
    json["nodes"][0].as_object_mut().unwrap().remove("skin");
    assert!(found(&validate(&json, &bin), "ACCESSOR_WEIGHTS_NON_NORMALIZED").is_empty());
}
