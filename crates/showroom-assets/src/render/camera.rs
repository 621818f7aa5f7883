//! The poster camera: `<model-viewer>`'s default orbit turned to a three-quarter view.
//!
//! The camera looks from the front-right (35° around +Y from +Z) and slightly above (17°, up to
//! 40° for flat products), with
//! a 30° field of view like the viewer's. Instead of the viewer's loose bounding-sphere radius
//! it fits the points it is given (every vertex, and the shadow's footprint): the distance is
//! the smallest at which every point projects inside the frame minus a margin, and the aim is
//! re-centred on the projected extents. Because a triangle's projection is the hull of its
//! projected vertices, the whole product (and its shadow) is guaranteed to lie inside the
//! frame.

use glam::{Mat4, Vec3, Vec4};

/// Vertical (and, the poster being square, horizontal) field of view.
const FOV_Y_DEGREES: f32 = 30.0;
const AZIMUTH_DEGREES: f32 = 35.0;
const ELEVATION_DEGREES: f32 = 17.0;
/// Elevation for flat products (a keyboard, a racquet lying down), whose top is their face.
const FLAT_ELEVATION_DEGREES: f32 = 40.0;
/// Fraction of the half-frame left empty on the tightest side.
const MARGIN: f32 = 0.05;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Camera {
    pub eye: Vec3,
    pub view_proj: Mat4,
    pub inverse_view_proj: Mat4,
    /// Unit vectors of the view: to the right, up, and from the target towards the eye.
    pub right: Vec3,
    pub up: Vec3,
    pub back: Vec3,
}

impl Camera {
    /// Frames `points` (a non-empty set of world positions) of a product whose bounding box is
    /// `size`. Flat products are seen from higher up, between [`ELEVATION_DEGREES`] (height at
    /// least 60 % of the footprint's longer side) and [`FLAT_ELEVATION_DEGREES`] (15 % or less).
    pub fn frame(points: &[Vec3], size: Vec3) -> Self {
        let flatness = size.y / size.x.max(size.z).max(1e-6);
        let t = ((0.6 - flatness) / 0.45).clamp(0.0, 1.0);
        let elevation = ELEVATION_DEGREES + (FLAT_ELEVATION_DEGREES - ELEVATION_DEGREES) * t;
        let (azimuth, elevation) = (AZIMUTH_DEGREES.to_radians(), elevation.to_radians());
        let back = Vec3::new(
            azimuth.sin() * elevation.cos(),
            elevation.sin(),
            azimuth.cos() * elevation.cos(),
        );
        let right = Vec3::Y.cross(back).normalize();
        let up = back.cross(right);
        let (lo, hi) = points.iter().fold(
            (Vec3::splat(f32::MAX), Vec3::splat(f32::MIN)),
            |(l, h), &p| (l.min(p), h.max(p)),
        );
        let radius = ((hi - lo).length() * 0.5).max(1e-6);
        let half = (FOV_Y_DEGREES.to_radians() * 0.5).tan() * (1.0 - MARGIN);
        let mut target = (lo + hi) * 0.5;
        let mut distance = fit_distance(points, target, right, up, back, half, radius);
        // Re-centre on the projected extents; three rounds converge well below a pixel.
        for _ in 0..3 {
            let (mut min, mut max) = ([f32::MAX; 2], [f32::MIN; 2]);
            for &p in points {
                let q = p - target;
                let depth = distance - q.dot(back);
                for (axis, v) in [q.dot(right), q.dot(up)].into_iter().enumerate() {
                    min[axis] = min[axis].min(v / depth);
                    max[axis] = max[axis].max(v / depth);
                }
            }
            target += right * (min[0] + max[0]) * 0.5 * distance
                + up * (min[1] + max[1]) * 0.5 * distance;
            distance = fit_distance(points, target, right, up, back, half, radius);
        }
        let eye = target + back * distance;
        let near = (distance - radius * 2.0).max(distance * 0.01);
        let far = distance + radius * 2.0;
        let view = Mat4::look_at_rh(eye, target, up);
        let proj = Mat4::perspective_rh_gl(FOV_Y_DEGREES.to_radians(), 1.0, near, far);
        let view_proj = proj * view;
        Self {
            eye,
            view_proj,
            inverse_view_proj: view_proj.inverse(),
            right,
            up,
            back,
        }
    }

    /// Clip-space position of a world point.
    pub fn clip(&self, p: Vec3) -> Vec4 {
        self.view_proj * p.extend(1.0)
    }

    /// World-space ray through normalized device coordinates `(x, y)`.
    pub fn ray(&self, x: f32, y: f32) -> (Vec3, Vec3) {
        let far = self.inverse_view_proj.project_point3(Vec3::new(x, y, 1.0));
        (self.eye, (far - self.eye).normalize_or_zero())
    }
}

/// The smallest distance along `back` at which every point is inside `±half` (tangent units)
/// of the view centre, and at least a little in front of the eye.
fn fit_distance(
    points: &[Vec3],
    target: Vec3,
    right: Vec3,
    up: Vec3,
    back: Vec3,
    half: f32,
    radius: f32,
) -> f32 {
    points
        .iter()
        .map(|&p| {
            let q = p - target;
            let spread = q.dot(right).abs().max(q.dot(up).abs());
            q.dot(back) + (spread / half).max(radius * 0.1)
        })
        .fold(radius * 0.1, f32::max)
}
