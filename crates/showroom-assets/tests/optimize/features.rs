//! glTF features the fixture models do not exercise: animation, WebP textures.

use std::io::Cursor;

use serde_json::json;
use showroom_assets::demo::{self, DemoKind};
use showroom_assets::gltf::{self, Format, NoResources};
use showroom_assets::optimize::TextureAction;

use crate::support::{assert_valid, bin_of, glb, json_of, optimize_glb};

/// A demo chair, edited: `edit` may change its JSON and append to its BIN chunk.
fn chair_with(edit: impl FnOnce(&mut serde_json::Value, &mut Vec<u8>)) -> Vec<u8> {
    let input = demo::generate(DemoKind::Chair, &[("Oak", [0.6, 0.4, 0.2, 1.0])]);
    let mut json = json_of(&input);
    let mut bin = bin_of(&input);
    edit(&mut json, &mut bin);
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    json["buffers"][0]["byteLength"] = json!(bin.len());
    glb(&json, &bin)
}

fn push_view(json: &mut serde_json::Value, bin: &mut Vec<u8>, bytes: &[u8]) -> usize {
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    let views = json["bufferViews"].as_array_mut().unwrap();
    views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": bytes.len()}));
    bin.extend_from_slice(bytes);
    views.len() - 1
}

fn push_accessor(json: &mut serde_json::Value, accessor: serde_json::Value) -> usize {
    let accessors = json["accessors"].as_array_mut().unwrap();
    accessors.push(accessor);
    accessors.len() - 1
}

#[test]
fn an_animated_node_keeps_its_animation_and_gets_its_mesh_through_a_child() {
    let file = chair_with(|json, bin| {
        let times: Vec<u8> = [0.0f32, 1.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let moves: Vec<u8> = [0.0f32, 0.0, 0.0, 0.0, 0.5, 0.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let t = push_view(json, bin, &times);
        let m = push_view(json, bin, &moves);
        let input = push_accessor(
            json,
            json!({"bufferView": t, "componentType": 5126, "count": 2, "type": "SCALAR",
                   "min": [0.0], "max": [1.0]}),
        );
        let output = push_accessor(
            json,
            json!({"bufferView": m, "componentType": 5126, "count": 2, "type": "VEC3"}),
        );
        let node = json["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .position(|n| n.get("mesh").is_some())
            .unwrap();
        json["animations"] = json!([{
            "name": "bounce",
            "samplers": [{"input": input, "output": output}],
            "channels": [{"sampler": 0, "target": {"node": node, "path": "translation"}}],
        }]);
    });
    let input = gltf::inspect(&file, Format::Glb, &NoResources).unwrap();
    assert_eq!(input.errors, 0);
    let out = optimize_glb(&file);
    for glb in [&out.glb, &out.plain_glb] {
        let inspection = assert_valid("animated chair", "output", glb);
        assert_eq!(inspection.triangles, input.triangles);
        let json = json_of(glb);
        let animation = &json["animations"][0];
        assert_eq!(animation["name"], "bounce");
        let target = animation["channels"][0]["target"]["node"].as_u64().unwrap() as usize;
        let times = animation["samplers"][0]["input"].as_u64().unwrap() as usize;
        assert_eq!(json["accessors"][times]["max"], json!([1]));
        // The animated node's transform is the animation's: the mesh's dequantization (in the
        // delivery GLB) is on a child node.
        assert!(json["nodes"][target].get("scale").is_none());
        let children = json["nodes"][target]["children"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let meshes_below = children
            .iter()
            .filter(|c| {
                json["nodes"][c.as_u64().unwrap() as usize]
                    .get("mesh")
                    .is_some()
            })
            .count();
        assert!(json["nodes"][target].get("mesh").is_some() || meshes_below == 1);
    }
}

#[test]
fn webp_textures_become_png_in_the_plain_glb_and_lossy_webp_in_the_delivery_glb() {
    let mut webp = Vec::new();
    let pixels = image::RgbaImage::from_pixel(8, 8, image::Rgba([200, 40, 40, 255]));
    pixels
        .write_to(&mut Cursor::new(&mut webp), image::ImageFormat::WebP)
        .unwrap();
    let file = chair_with(|json, bin| {
        let view = push_view(json, bin, &webp);
        json["images"] = json!([{"bufferView": view, "mimeType": "image/webp"}]);
        json["textures"] = json!([{"extensions": {"EXT_texture_webp": {"source": 0}}}]);
        json["materials"][0]["pbrMetallicRoughness"]["baseColorTexture"] = json!({"index": 0});
        json["extensionsUsed"]
            .as_array_mut()
            .unwrap()
            .push(json!("EXT_texture_webp"));
        json["extensionsRequired"] = json!(["EXT_texture_webp"]);
    });
    let input = gltf::validate(&file, Format::Glb, &NoResources);
    assert!(!input.has_errors(), "{input:?}");
    let out = optimize_glb(&file);
    assert_eq!(out.report.textures[0].action, TextureAction::Reencoded);
    // The plain GLB is core glTF: PNG, no EXT_texture_webp.
    let inspection = assert_valid("webp chair", "plain", &out.plain_glb);
    assert!(!inspection
        .extensions_used
        .iter()
        .any(|e| e == "EXT_texture_webp"));
    let json = json_of(&out.plain_glb);
    assert_eq!(json["images"][0]["mimeType"], "image/png");
    assert_eq!(json["textures"][0]["source"], 0);
    // The delivery GLB carries lossy WebP under the extension where that is smaller.
    assert_valid("webp chair", "delivery", &out.glb);
    let json = json_of(&out.glb);
    if json["images"][0]["mimeType"] == "image/webp" {
        assert_eq!(
            json["textures"][0]["extensions"]["EXT_texture_webp"]["source"],
            0
        );
        assert!(json["extensionsRequired"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "EXT_texture_webp"));
    } else {
        assert_eq!(json["textures"][0]["source"], 0);
    }
    for glb in [&out.glb, &out.plain_glb] {
        let scene = showroom_assets::scene::decode(glb, Format::Glb, &NoResources).unwrap();
        assert_eq!(scene.textures.len(), 1, "{:?}", scene.warnings);
    }
}
