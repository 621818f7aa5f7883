//! Turns each drawn mesh primitive into a world-space triangle list.
//!
//! Triangles (mode 4), strips (5) and fans (6) become triangle lists; points and lines are
//! skipped. Index values at or past the vertex count are dropped with their triangle (the
//! validator reports them, but its data checks can be skipped past their budget). Positions go
//! through the node's world matrix, normals through its inverse transpose, and a mirroring
//! matrix (negative determinant) flips the winding so front faces stay counter-clockwise.
//! A primitive without NORMAL gets smooth, area-weighted normals from its triangles.

use glam::{DMat4, Mat3, Mat4, Vec3};
use serde_json::Value;

use super::accessor;
use super::{Primitive, Scene, SceneError, MAX_DECODED_VERTICES};
use crate::gltf::{world_matrices, Binary, Document};

/// Mode numbers of the triangle topologies.
const TRIANGLES: u64 = 4;
const STRIP: u64 = 5;
const FAN: u64 = 6;

pub(super) fn decode_all(
    doc: &Document,
    json: &Value,
    binary: &Binary<'_>,
    scene: &mut Scene,
) -> Result<(), SceneError> {
    let mut budget = MAX_DECODED_VERTICES;
    for (node, world) in world_matrices(&without_non_root_scene_nodes(doc)) {
        let Some(mesh) = doc.nodes[node].mesh else {
            continue;
        };
        for (p, source) in doc.meshes[mesh].primitives.iter().enumerate() {
            if !matches!(source.mode, TRIANGLES | STRIP | FAN) {
                continue;
            }
            let at = &json["meshes"][mesh]["primitives"][p];
            let Some(mut primitive) = read(doc, binary, source, &mut budget)? else {
                scene.warnings.push(format!(
                    "/meshes/{mesh}/primitives/{p}: unreadable vertex data, skipped"
                ));
                continue;
            };
            to_world(&mut primitive, world);
            primitive.material = at["material"].as_u64().map(|m| m as usize);
            primitive.variant_materials = variant_mappings(at);
            scene.primitives.push(primitive);
        }
    }
    Ok(())
}

/// The repair for `SCENE_NON_ROOT_NODE`: a scene entry that has a parent is replaced by its
/// root ancestor, so the node is drawn once, under its parents' transforms.
fn without_non_root_scene_nodes(doc: &Document) -> Document {
    let mut parent = vec![None; doc.nodes.len()];
    for (p, node) in doc.nodes.iter().enumerate() {
        for &c in &node.children {
            parent[c].get_or_insert(p);
        }
    }
    let root_of = |mut n: usize| {
        // At most one step per node: a loop (refused by validation anyway) cannot hang us.
        for _ in 0..doc.nodes.len() {
            match parent[n] {
                Some(p) => n = p,
                None => break,
            }
        }
        n
    };
    let mut doc = doc.clone();
    for scene in &mut doc.scenes {
        let mut listed = vec![false; parent.len()];
        let roots = scene.nodes.iter().map(|&n| root_of(n));
        scene.nodes = roots
            .filter(|&r| !std::mem::replace(&mut listed[r], true))
            .collect();
    }
    doc
}

fn variant_mappings(primitive: &Value) -> Vec<(usize, usize)> {
    let mappings = primitive["extensions"]["KHR_materials_variants"]["mappings"].as_array();
    let mut out = Vec::new();
    for mapping in mappings.into_iter().flatten() {
        let Some(material) = mapping["material"].as_u64() else {
            continue;
        };
        for variant in mapping["variants"].as_array().into_iter().flatten() {
            if let Some(v) = variant.as_u64() {
                out.push((v as usize, material as usize));
            }
        }
    }
    out
}

fn read(
    doc: &Document,
    binary: &Binary<'_>,
    source: &crate::gltf::Primitive,
    budget: &mut usize,
) -> Result<Option<Primitive>, SceneError> {
    let Some(position) = source.attribute("POSITION") else {
        return Ok(None);
    };
    let Some(flat) = accessor::floats(doc, binary, position) else {
        return Ok(None);
    };
    let positions: Vec<Vec3> = flat
        .chunks_exact(3)
        .map(|c| Vec3::new(c[0], c[1], c[2]))
        .collect();
    let count = positions.len();
    let order: Vec<u32> = match source.indices {
        Some(i) => match accessor::indices(doc, binary, i) {
            Some(order) => order,
            None => return Ok(None),
        },
        None => (0..count as u32).collect(),
    };
    *budget = budget
        .checked_sub(count + order.len())
        .ok_or(SceneError::TooLarge)?;
    let triangles: Vec<[u32; 3]> = assemble(&order, source.mode)
        .filter(|t| t.iter().all(|&i| (i as usize) < count))
        .collect();
    let normals = source
        .attribute("NORMAL")
        .and_then(|a| accessor::floats(doc, binary, a))
        .filter(|n| n.len() == count * 3)
        .map(|n| {
            n.chunks_exact(3)
                .map(|c| Vec3::new(c[0], c[1], c[2]))
                .collect()
        })
        .unwrap_or_else(|| smooth_normals(&positions, &triangles));
    let uvs = source
        .attribute("TEXCOORD_0")
        .and_then(|a| accessor::floats(doc, binary, a))
        .filter(|t| t.len() == count * 2)
        .map(|t| t.chunks_exact(2).map(|c| [c[0], c[1]]).collect());
    Ok(Some(Primitive {
        positions,
        normals,
        uvs,
        triangles,
        ..Primitive::default()
    }))
}

/// Triangles of a list, strip or fan, in counter-clockwise order.
fn assemble(order: &[u32], mode: u64) -> impl Iterator<Item = [u32; 3]> + '_ {
    let n = order.len();
    let count = match mode {
        TRIANGLES => n / 3,
        _ => n.saturating_sub(2),
    };
    (0..count).map(move |i| match mode {
        TRIANGLES => [order[3 * i], order[3 * i + 1], order[3 * i + 2]],
        // Every other strip triangle is wound the other way round.
        STRIP if i % 2 == 1 => [order[i + 1], order[i], order[i + 2]],
        STRIP => [order[i], order[i + 1], order[i + 2]],
        _ => [order[0], order[i + 1], order[i + 2]],
    })
}

fn smooth_normals(positions: &[Vec3], triangles: &[[u32; 3]]) -> Vec<Vec3> {
    let mut normals = vec![Vec3::ZERO; positions.len()];
    for t in triangles {
        let [a, b, c] = t.map(|i| positions[i as usize]);
        // Not normalized: larger faces weigh more.
        let face = (b - a).cross(c - a);
        for &i in t {
            normals[i as usize] += face;
        }
    }
    normals
        .into_iter()
        .map(|n| n.try_normalize().unwrap_or(Vec3::Y))
        .collect()
}

fn to_world(primitive: &mut Primitive, world: DMat4) {
    let matrix = world.as_mat4();
    let normal_matrix = Mat3::from_mat4(matrix).inverse().transpose();
    for p in &mut primitive.positions {
        *p = matrix.transform_point3(*p);
    }
    for n in &mut primitive.normals {
        *n = (normal_matrix * *n).try_normalize().unwrap_or(Vec3::Y);
    }
    if Mat4::determinant(&matrix) < 0.0 {
        for t in &mut primitive.triangles {
            t.swap(1, 2);
        }
    }
}
