//! Node and scene edits: the transforms that undo position quantization, and the repair of
//! scenes that list non-root nodes.
//!
//! A quantized mesh stores positions as integers `q`; the real position is `offset + step × q`.
//! That transform goes where it cannot disturb anything else: composed into the node's own
//! transform when the node only carries the mesh (no children, skin, camera, extension, morph
//! weights or animation that would see the changed transform), otherwise onto a new child node
//! that takes the mesh over (the original node keeps its name, children and transform). The
//! step is uniform, so normals need no correction. Skinned meshes are never quantized (skinning
//! ignores the node transform), see [`quantizable`].
//!
//! `SCENE_NON_ROOT_NODE` is repaired as the scene decoder draws it: each listed node is replaced
//! by its root ancestor, listed once, so every node is drawn exactly once.

use glam::{DMat4, DQuat, DVec3};
use serde_json::{json, Value};

use super::encoding::Grid;

fn array<'a>(json: &'a Value, key: &str) -> &'a [Value] {
    json[key].as_array().map_or(&[], Vec::as_slice)
}

fn index(value: &Value) -> Option<usize> {
    value.as_u64().and_then(|v| usize::try_from(v).ok())
}

/// Meshes whose positions may be put on a grid: not drawn with a skin.
pub(crate) fn quantizable(json: &Value, mesh_count: usize) -> Vec<bool> {
    let mut ok = vec![true; mesh_count];
    for node in array(json, "nodes") {
        if let (Some(mesh), true) = (index(&node["mesh"]), node.get("skin").is_some()) {
            if let Some(flag) = ok.get_mut(mesh) {
                *flag = false;
            }
        }
    }
    ok
}

/// Puts each node that draws a quantized mesh under the mesh's dequantization transform.
pub(crate) fn apply_grids(json: &mut Value, grids: &[Option<Grid>]) {
    let animated: Vec<usize> = array(json, "animations")
        .iter()
        .flat_map(|a| array(a, "channels"))
        .filter_map(|c| index(&c["target"]["node"]))
        .collect();
    let Some(nodes) = json.get_mut("nodes").and_then(Value::as_array_mut) else {
        return;
    };
    let mut added = Vec::new();
    let first_new = nodes.len();
    for (n, node) in nodes.iter_mut().enumerate() {
        let Some(grid) = index(&node["mesh"]).and_then(|m| grids.get(m).copied().flatten()) else {
            continue;
        };
        let bare = !["children", "skin", "camera", "extensions", "weights"]
            .iter()
            .any(|k| node.get(*k).is_some())
            && !animated.contains(&n);
        if bare {
            compose(node, grid);
            continue;
        }
        let mut child = json!({ "mesh": node["mesh"].clone() });
        compose(&mut child, grid);
        if let Some(object) = node.as_object_mut() {
            object.remove("mesh");
            let children = object.entry("children").or_insert_with(|| json!([]));
            if let Some(list) = children.as_array_mut() {
                list.push(json!(first_new + added.len()));
            }
        }
        added.push(child);
    }
    nodes.extend(added);
}

/// `node`'s transform followed by `translate(offset) · scale(step)`.
fn compose(node: &mut Value, grid: Grid) {
    let offset = DVec3::from_array(grid.offset);
    let Some(object) = node.as_object_mut() else {
        return;
    };
    if let Some(matrix) = object.get("matrix").and_then(Value::as_array) {
        let mut cols = [0.0; 16];
        for (c, v) in cols.iter_mut().zip(matrix) {
            *c = v.as_f64().unwrap_or(0.0);
        }
        let m = DMat4::from_cols_array(&cols)
            * DMat4::from_translation(offset)
            * DMat4::from_scale(DVec3::splat(grid.step));
        object.insert("matrix".into(), json!(m.to_cols_array().to_vec()));
        return;
    }
    let vec = |key: &str, default: [f64; 3]| -> DVec3 {
        let mut out = default;
        if let Some(items) = object.get(key).and_then(Value::as_array) {
            for (o, v) in out.iter_mut().zip(items) {
                *o = v.as_f64().unwrap_or(*o);
            }
        }
        DVec3::from_array(out)
    };
    let t = vec("translation", [0.0; 3]);
    let s = vec("scale", [1.0; 3]);
    let r = object
        .get("rotation")
        .and_then(Value::as_array)
        .filter(|q| q.len() == 4)
        .map_or(DQuat::IDENTITY, |q| {
            let c = |i: usize| q[i].as_f64().unwrap_or(0.0);
            DQuat::from_xyzw(c(0), c(1), c(2), c(3))
        });
    let translation = t + r * (s * offset);
    let scale = s * grid.step;
    object.insert("translation".into(), json!(translation.to_array().to_vec()));
    object.insert("scale".into(), json!(scale.to_array().to_vec()));
}

/// Replaces non-root nodes in scenes by their root ancestors; true when anything changed.
pub(crate) fn repair_scenes(json: &mut Value) -> bool {
    let nodes = array(json, "nodes");
    let mut parent: Vec<Option<usize>> = vec![None; nodes.len()];
    for (p, node) in nodes.iter().enumerate() {
        for c in array(node, "children").iter().filter_map(index) {
            if let Some(slot) = parent.get_mut(c) {
                slot.get_or_insert(p);
            }
        }
    }
    let root_of = |mut n: usize| {
        // At most one step per node: a loop (refused by validation) cannot hang us.
        for _ in 0..parent.len() {
            match parent.get(n).copied().flatten() {
                Some(p) => n = p,
                None => break,
            }
        }
        n
    };
    let mut changed = false;
    let Some(scenes) = json.get_mut("scenes").and_then(Value::as_array_mut) else {
        return false;
    };
    for scene in scenes {
        let Some(listed) = scene.get_mut("nodes").and_then(Value::as_array_mut) else {
            continue;
        };
        let mut roots: Vec<usize> = Vec::new();
        let mut seen = vec![false; parent.len()];
        for n in listed.iter().filter_map(index) {
            let root = root_of(n);
            changed |= root != n;
            if !seen.get(root).copied().unwrap_or(true) {
                seen[root] = true;
                roots.push(root);
            }
        }
        *listed = roots.into_iter().map(|r| json!(r)).collect();
    }
    changed
}
