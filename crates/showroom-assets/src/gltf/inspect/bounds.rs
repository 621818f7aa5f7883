//! The world-space bounding box of what the default scene draws.
//!
//! Exact enough for product dimensions and cheap: it never reads vertex data. Each drawn
//! primitive's POSITION `min`/`max` (required by the spec, checked by the validator) gives a box
//! in mesh space; a normalized integer accessor (`KHR_mesh_quantization`) is first dequantized
//! to -1..1 or 0..1; the box's 8 corners go through the node's world matrix, which also carries
//! the dequantization scale and offset that quantizers put on the node. For rotated nodes the
//! result can be slightly larger than the tight box of the vertices, never smaller.

use glam::{DMat4, DVec3};

use super::Bounds;
use crate::gltf::document::{Accessor, ComponentType, Document};

fn local_box(accessor: &Accessor) -> Option<(DVec3, DVec3)> {
    let (min, max) = (accessor.min.as_deref()?, accessor.max.as_deref()?);
    let (&[x0, y0, z0], &[x1, y1, z1]) = (min, max) else {
        return None;
    };
    let (mut lo, mut hi) = (DVec3::new(x0, y0, z0), DVec3::new(x1, y1, z1));
    if let (true, Some(component)) = (accessor.normalized, accessor.component) {
        if component != ComponentType::F32 {
            lo = DVec3::from_array(lo.to_array().map(|v| component.dequantize(v)));
            hi = DVec3::from_array(hi.to_array().map(|v| component.dequantize(v)));
        }
    }
    Some((lo.min(hi), lo.max(hi)))
}

pub(super) fn world_bounds(doc: &Document, draws: &[(usize, DMat4)]) -> Option<Bounds> {
    let mut lo = DVec3::splat(f64::INFINITY);
    let mut hi = DVec3::splat(f64::NEG_INFINITY);
    for (node, world) in draws {
        let Some(mesh) = doc.nodes[*node].mesh else {
            continue;
        };
        for primitive in &doc.meshes[mesh].primitives {
            let Some((a, b)) = primitive
                .attribute("POSITION")
                .and_then(|p| local_box(&doc.accessors[p]))
            else {
                continue;
            };
            for corner in 0..8 {
                let local = DVec3::new(
                    if corner & 1 == 0 { a.x } else { b.x },
                    if corner & 2 == 0 { a.y } else { b.y },
                    if corner & 4 == 0 { a.z } else { b.z },
                );
                let p = world.transform_point3(local);
                if p.is_finite() {
                    lo = lo.min(p);
                    hi = hi.max(p);
                }
            }
        }
    }
    (lo.x <= hi.x).then(|| Bounds {
        min: lo.to_array(),
        max: hi.to_array(),
    })
}
