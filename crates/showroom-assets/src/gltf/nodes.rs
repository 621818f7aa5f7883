//! The node hierarchy: each node has at most one parent (`NODE_PARENT_OVERRIDE`), there are no
//! loops (`NODE_LOOP`), and scenes list only root nodes (`SCENE_NON_ROOT_NODE`). Also walks a
//! scene to give every node its world matrix, for the inspector.
//!
//! Both walks are iterative with an explicit stack and visit each node once, so a hostile
//! graph (a loop, a node listed as everyone's child, a chain a million deep) costs linear time
//! and no recursion.

use glam::{DMat4, DQuat, DVec3};

use super::document::{Document, Node};
use super::json::{child, item};
use super::problem::Validation;

pub(crate) fn check(doc: &Document, report: &mut Validation) {
    let count = doc.nodes.len();
    let mut parent: Vec<Option<usize>> = vec![None; count];
    for (p, node) in doc.nodes.iter().enumerate() {
        for (k, &c) in node.children.iter().enumerate() {
            match parent[c] {
                Some(first) => report.error(
                    "NODE_PARENT_OVERRIDE",
                    &item(&child(&item("/nodes", p), "children"), k),
                    format!("node {c} already has parent {first}"),
                ),
                None => parent[c] = Some(p),
            }
        }
    }
    find_loops(doc, report);
    for (s, scene) in doc.scenes.iter().enumerate() {
        for (k, &n) in scene.nodes.iter().enumerate() {
            if let Some(p) = parent[n] {
                report.error(
                    "SCENE_NON_ROOT_NODE",
                    &item(&child(&item("/scenes", s), "nodes"), k),
                    format!("node {n} is not a root node: it is a child of node {p}"),
                );
            }
        }
    }
}

/// Depth-first search with three colours: reaching a node that is still on the path is a loop.
fn find_loops(doc: &Document, report: &mut Validation) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark = vec![Mark::New; doc.nodes.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..doc.nodes.len() {
        if mark[start] != Mark::New {
            continue;
        }
        mark[start] = Mark::OnPath;
        stack.push((start, 0));
        while let Some((node, next)) = stack.last_mut() {
            let (node, k) = (*node, *next);
            match doc.nodes[node].children.get(k) {
                Some(&c) => {
                    *next += 1;
                    match mark[c] {
                        Mark::OnPath => report.error(
                            "NODE_LOOP",
                            &item(&child(&item("/nodes", node), "children"), k),
                            format!("node {c} is its own ancestor"),
                        ),
                        Mark::New => {
                            mark[c] = Mark::OnPath;
                            stack.push((c, 0));
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    mark[node] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
}

/// A node's local transform; TRS defaults fill what is absent.
pub(crate) fn local_matrix(node: &Node) -> DMat4 {
    if let Some(m) = node
        .matrix
        .as_deref()
        .and_then(|m| <[f64; 16]>::try_from(m).ok())
    {
        return DMat4::from_cols_array(&m);
    }
    let vec3 = |v: &Option<Vec<f64>>, default: DVec3| match v.as_deref() {
        Some([x, y, z]) => DVec3::new(*x, *y, *z),
        _ => default,
    };
    let rotation = match node.rotation.as_deref() {
        Some([x, y, z, w]) => {
            let q = DQuat::from_xyzw(*x, *y, *z, *w);
            if q.length() > 0.0 {
                q.normalize()
            } else {
                DQuat::IDENTITY
            }
        }
        _ => DQuat::IDENTITY,
    };
    DMat4::from_scale_rotation_translation(
        vec3(&node.scale, DVec3::ONE),
        rotation,
        vec3(&node.translation, DVec3::ZERO),
    )
}

/// The nodes drawn by the default scene (or scene 0, or every root node when there are no
/// scenes) with their world matrices. Each node appears at most once.
pub(crate) fn world_matrices(doc: &Document) -> Vec<(usize, DMat4)> {
    let roots: Vec<usize> = match doc.scene.or((!doc.scenes.is_empty()).then_some(0)) {
        Some(s) => doc.scenes[s].nodes.clone(),
        None => {
            let mut is_child = vec![false; doc.nodes.len()];
            for node in &doc.nodes {
                for &c in &node.children {
                    is_child[c] = true;
                }
            }
            (0..doc.nodes.len()).filter(|&n| !is_child[n]).collect()
        }
    };
    let mut visited = vec![false; doc.nodes.len()];
    let mut out = Vec::new();
    let mut stack: Vec<(usize, DMat4)> = roots
        .into_iter()
        .rev()
        .map(|r| (r, DMat4::IDENTITY))
        .collect();
    while let Some((n, parent_world)) = stack.pop() {
        if std::mem::replace(&mut visited[n], true) {
            continue;
        }
        let world = parent_world * local_matrix(&doc.nodes[n]);
        out.push((n, world));
        for &c in doc.nodes[n].children.iter().rev() {
            stack.push((c, world));
        }
    }
    out
}
