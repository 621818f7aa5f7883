//! The scene flattened for one poster: all vertices in one array, every triangle tagged with its
//! primitive, and each primitive's material resolved for the chosen variant
//! (`KHR_materials_variants`: a primitive with a mapping for the variant uses that material,
//! otherwise its own).

use glam::{Vec2, Vec3, Vec4};

use crate::scene::{AlphaMode, Material, Scene};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Triangle {
    pub vertices: [u32; 3],
    pub primitive: u32,
}

pub(crate) struct Geometry<'a> {
    pub positions: Vec<Vec3>,
    pub normals: Vec<Vec3>,
    pub uvs: Vec<Vec2>,
    pub triangles: Vec<Triangle>,
    /// Per triangle: the direction of increasing U (xyz, unit) and the handedness of the
    /// texture space (w, ±1), for normal maps; zero where the material has none or the UVs
    /// are degenerate.
    pub tangents: Vec<Vec4>,
    /// Per primitive: its material for this poster.
    pub materials: Vec<&'a Material>,
    /// Per primitive: whether the material is alpha-masked.
    pub masked: Vec<bool>,
    /// Per primitive: whether the material is blended or transmissive (drawn after the rest).
    pub translucent: Vec<bool>,
}

pub(crate) fn flatten<'a>(
    scene: &'a Scene,
    variant: Option<usize>,
    default: &'a Material,
) -> Geometry<'a> {
    let vertices: usize = scene.primitives.iter().map(|p| p.positions.len()).sum();
    let mut g = Geometry {
        positions: Vec::with_capacity(vertices),
        normals: Vec::with_capacity(vertices),
        uvs: Vec::with_capacity(vertices),
        triangles: Vec::with_capacity(scene.triangle_count()),
        tangents: Vec::with_capacity(scene.triangle_count()),
        materials: Vec::with_capacity(scene.primitives.len()),
        masked: Vec::with_capacity(scene.primitives.len()),
        translucent: Vec::with_capacity(scene.primitives.len()),
    };
    for (p, primitive) in scene.primitives.iter().enumerate() {
        let base = g.positions.len() as u32;
        g.positions.extend_from_slice(&primitive.positions);
        g.normals.extend_from_slice(&primitive.normals);
        match &primitive.uvs {
            Some(uvs) => g.uvs.extend(uvs.iter().map(|&[u, v]| Vec2::new(u, v))),
            None => g
                .uvs
                .extend(std::iter::repeat_n(Vec2::ZERO, primitive.positions.len())),
        }
        g.triangles
            .extend(primitive.triangles.iter().map(|t| Triangle {
                vertices: t.map(|i| base + i),
                primitive: p as u32,
            }));
        let chosen = variant
            .and_then(|v| primitive.variant_materials.iter().find(|(pv, _)| *pv == v))
            .map(|(_, m)| *m)
            .or(primitive.material);
        let material = chosen
            .and_then(|m| scene.materials.get(m))
            .unwrap_or(default);
        let first = g.triangles.len() - primitive.triangles.len();
        for t in first..g.triangles.len() {
            let tangent = if material.normal_texture.is_some() {
                triangle_tangent(&g, g.triangles[t].vertices)
            } else {
                Vec4::ZERO
            };
            g.tangents.push(tangent);
        }
        g.materials.push(material);
        g.masked.push(material.alpha_mode == AlphaMode::Mask);
        g.translucent.push(material.is_translucent());
    }
    g
}

/// The texture-space frame of one triangle: the unit direction of increasing U, and whether
/// the direction of decreasing V (up in the image, glTF's origin being top-left) lies on the
/// side of `normal × tangent` (w = 1) or not (-1, mirrored UVs). Zero for degenerate UVs.
fn triangle_tangent(g: &Geometry<'_>, [a, b, c]: [u32; 3]) -> Vec4 {
    let [a, b, c] = [a, b, c].map(|i| i as usize);
    let (e1, e2) = (
        g.positions[b] - g.positions[a],
        g.positions[c] - g.positions[a],
    );
    let (d1, d2) = (g.uvs[b] - g.uvs[a], g.uvs[c] - g.uvs[a]);
    let det = d1.x * d2.y - d2.x * d1.y;
    if det.abs() < 1e-12 {
        return Vec4::ZERO;
    }
    let along_u = (e1 * d2.y - e2 * d1.y) / det;
    let along_v = (e2 * d1.x - e1 * d2.x) / det;
    let normal = e1.cross(e2);
    let Some(tangent) = along_u.try_normalize() else {
        return Vec4::ZERO;
    };
    let w = if normal.cross(tangent).dot(-along_v) >= 0.0 {
        1.0
    } else {
        -1.0
    };
    tangent.extend(w)
}
