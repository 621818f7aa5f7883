//! An indexed triangle mesh with normals and UVs, and the transforms that place its parts.
//!
//! Triangles are counter-clockwise when seen from outside (glTF's front face). Transforming a
//! mesh moves normals by the inverse transpose and re-normalizes them, so non-uniform scaling
//! (a sphere squashed into a cushion) keeps lighting right and normals unit length.

use glam::{Affine3A, Mat3, Quat, Vec2, Vec3};

/// Vertex attributes and triangle indices of one piece of geometry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mesh {
    pub(crate) positions: Vec<Vec3>,
    pub(crate) normals: Vec<Vec3>,
    pub(crate) uvs: Vec<Vec2>,
    pub(crate) indices: Vec<u32>,
}

impl Mesh {
    /// Adds a vertex and returns its index.
    pub(crate) fn vertex(&mut self, position: Vec3, normal: Vec3, uv: Vec2) -> u32 {
        let index = u32::try_from(self.positions.len()).unwrap_or(u32::MAX);
        self.positions.push(position);
        self.normals.push(normal.normalize_or(Vec3::Y));
        self.uvs.push(uv);
        index
    }

    /// Two triangles `a b c` and `a c d` for a counter-clockwise quad.
    pub(crate) fn quad(&mut self, a: u32, b: u32, c: u32, d: u32) {
        self.indices.extend([a, b, c, a, c, d]);
    }

    /// Appends `other` moved by `transform`.
    pub(crate) fn append(&mut self, other: &Mesh, transform: Affine3A) {
        let offset = u32::try_from(self.positions.len()).unwrap_or(u32::MAX);
        let normal_matrix = Mat3::from(transform.matrix3).inverse().transpose();
        self.positions.extend(
            other
                .positions
                .iter()
                .map(|&p| transform.transform_point3(p)),
        );
        self.normals.extend(
            other
                .normals
                .iter()
                .map(|&n| (normal_matrix * n).normalize_or(Vec3::Y)),
        );
        self.uvs.extend_from_slice(&other.uvs);
        self.indices
            .extend(other.indices.iter().map(|&i| i + offset));
    }

    /// Moves every vertex by `offset`.
    pub(crate) fn translate(&mut self, offset: Vec3) {
        for p in &mut self.positions {
            *p += offset;
        }
    }
}

/// A transform placing a part: scale first, then rotate, then move.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub(crate) at: Vec3,
    pub(crate) rotation: Quat,
    pub(crate) scale: Vec3,
}

impl Place {
    pub(crate) fn at(x: f32, y: f32, z: f32) -> Self {
        Self {
            at: Vec3::new(x, y, z),
            rotation: Quat::IDENTITY,
            scale: Vec3::ONE,
        }
    }

    pub(crate) fn point(at: Vec3) -> Self {
        Self::at(at.x, at.y, at.z)
    }

    pub(crate) fn rot_x(mut self, degrees: f32) -> Self {
        self.rotation *= Quat::from_rotation_x(degrees.to_radians());
        self
    }

    pub(crate) fn rot_z(mut self, degrees: f32) -> Self {
        self.rotation *= Quat::from_rotation_z(degrees.to_radians());
        self
    }

    pub(crate) fn scaled(mut self, x: f32, y: f32, z: f32) -> Self {
        self.scale = Vec3::new(x, y, z);
        self
    }

    pub(crate) fn affine(self) -> Affine3A {
        Affine3A::from_scale_rotation_translation(self.scale, self.rotation, self.at)
    }
}

/// The rotation taking +Y onto `direction` (used to lay a Y-axis primitive between two points).
pub(crate) fn rotation_from_y(direction: Vec3) -> Quat {
    Quat::from_rotation_arc(Vec3::Y, direction.normalize_or(Vec3::Y))
}

/// Axis-aligned bounds of a set of points, or `None` when there are none.
pub(crate) fn bounds(points: impl IntoIterator<Item = Vec3>) -> Option<(Vec3, Vec3)> {
    points.into_iter().fold(None, |acc, p| match acc {
        None => Some((p, p)),
        Some((min, max)) => Some((min.min(p), max.max(p))),
    })
}
