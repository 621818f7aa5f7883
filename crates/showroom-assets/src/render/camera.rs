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
//!
//! [`PosterCamera`] states the same camera in `<model-viewer>`'s own attribute units
//! (`camera-orbit`, `camera-target`, `field-of-view`), so the live viewer can open exactly where
//! the poster was taken.

use glam::{Mat4, Vec3, Vec4};
use serde::{Deserialize, Serialize};

/// Vertical (and, the poster being square, horizontal) field of view.
const FOV_Y_DEGREES: f32 = 30.0;
const AZIMUTH_DEGREES: f32 = 35.0;
const ELEVATION_DEGREES: f32 = 17.0;
/// Elevation for flat products (a keyboard, a racquet lying down), whose top is their face.
const FLAT_ELEVATION_DEGREES: f32 = 40.0;
/// Fraction of the half-frame left empty on the tightest side.
const MARGIN: f32 = 0.05;

/// The poster's camera as `<model-viewer>` takes it: an orbit around a target (`theta` from +Z
/// towards +X around +Y, `phi` down from +Y, the distance from the target), and a vertical field
/// of view. Numbers are in degrees and metres (glTF units); the three `camera_*`/`field_of_view`
/// strings are ready-made attribute values, e.g. `camera-orbit="35deg 73deg 2.41m"`.
///
/// The poster is square: in a square or landscape viewer the same vertical field of view shows
/// the poster's frame (wider viewers see more at the sides). `<model-viewer>` keeps the radius
/// within `min-camera-orbit` (by default 2.2 × the model's bounding-sphere radius) and
/// `max-camera-orbit`; a viewer that wants exactly this view sets
/// `min-camera-orbit="auto auto <radius_m>m"` (or less) as well.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosterCamera {
    /// Azimuth, degrees.
    pub theta_deg: f64,
    /// Polar angle from straight above, degrees (90° is level with the target).
    pub phi_deg: f64,
    /// Distance from the target to the eye, metres.
    pub radius_m: f64,
    /// Vertical field of view, degrees.
    pub field_of_view_deg: f64,
    /// The point looked at, world metres.
    pub target_m: [f64; 3],
    /// `camera-orbit` attribute value: `"<theta>deg <phi>deg <radius>m"`.
    pub camera_orbit: String,
    /// `camera-target` attribute value: `"<x>m <y>m <z>m"`.
    pub camera_target: String,
    /// `field-of-view` attribute value: `"<fov>deg"`.
    pub field_of_view: String,
}

impl PosterCamera {
    fn new(theta: f32, phi: f32, radius: f32, field_of_view: f32, target: Vec3) -> Self {
        let [x, y, z] = target.to_array().map(decimal);
        let (theta_deg, phi_deg, radius_m) = (decimal(theta), decimal(phi), decimal(radius));
        let field_of_view_deg = decimal(field_of_view);
        Self {
            theta_deg,
            phi_deg,
            radius_m,
            field_of_view_deg,
            target_m: [x, y, z],
            camera_orbit: format!("{theta_deg}deg {phi_deg}deg {radius_m}m"),
            camera_target: format!("{x}m {y}m {z}m"),
            field_of_view: format!("{field_of_view_deg}deg"),
        }
    }
}

/// The shortest decimal that reads back as `value` in `f32` (the precision the camera is
/// computed in), as `f64`: the JSON number and the attribute string then say the same digits.
fn decimal(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(0.0)
}

#[derive(Debug, Clone)]
pub(crate) struct Camera {
    pub eye: Vec3,
    pub view_proj: Mat4,
    pub inverse_view_proj: Mat4,
    /// Unit vectors of the view: to the right, up, and from the target towards the eye.
    pub right: Vec3,
    pub up: Vec3,
    pub back: Vec3,
    /// The same camera in `<model-viewer>`'s terms.
    pub orbit: PosterCamera,
}

impl Camera {
    /// Frames `points` (a non-empty set of world positions) of a product whose bounding box is
    /// `size`. Flat products are seen from higher up, between [`ELEVATION_DEGREES`] (height at
    /// least 60 % of the footprint's longer side) and [`FLAT_ELEVATION_DEGREES`] (15 % or less).
    pub fn frame(points: &[Vec3], size: Vec3) -> Self {
        let flatness = size.y / size.x.max(size.z).max(1e-6);
        let t = ((0.6 - flatness) / 0.45).clamp(0.0, 1.0);
        let elevation = ELEVATION_DEGREES + (FLAT_ELEVATION_DEGREES - ELEVATION_DEGREES) * t;
        let elevation_degrees = elevation;
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
            orbit: PosterCamera::new(
                AZIMUTH_DEGREES,
                90.0 - elevation_degrees,
                distance,
                FOV_Y_DEGREES,
                target,
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `<model-viewer>` places its camera at `target + radius × (sin φ sin θ, cos φ, sin φ cos θ)`
    /// (three.js spherical coordinates) and looks at the target with +Y up.
    fn model_viewer_eye(orbit: &PosterCamera) -> Vec3 {
        let (theta, phi) = (orbit.theta_deg.to_radians(), orbit.phi_deg.to_radians());
        let target = glam::DVec3::from_array(orbit.target_m);
        let eye = target
            + orbit.radius_m
                * glam::DVec3::new(phi.sin() * theta.sin(), phi.cos(), phi.sin() * theta.cos());
        eye.as_vec3()
    }

    fn numbers(attribute: &str, unit: &str) -> Vec<f64> {
        attribute
            .split(' ')
            .map(|term| term.trim_end_matches(unit).trim_end_matches("deg"))
            .map(|n| n.parse().unwrap())
            .collect()
    }

    #[test]
    fn the_orbit_puts_model_viewers_eye_where_the_poster_was_taken() {
        for (points, size) in [
            (
                vec![Vec3::new(-0.3, 0.0, -0.2), Vec3::new(0.3, 0.9, 0.2)],
                Vec3::new(0.6, 0.9, 0.4),
            ),
            // Flat: seen from higher up.
            (
                vec![Vec3::new(-0.5, 0.0, -0.2), Vec3::new(0.5, 0.03, 0.2)],
                Vec3::new(1.0, 0.03, 0.4),
            ),
        ] {
            let camera = Camera::frame(&points, size);
            let orbit = &camera.orbit;
            let eye = model_viewer_eye(orbit);
            assert!(
                f64::from(eye.distance(camera.eye)) < 1e-4 * orbit.radius_m,
                "{eye} vs {}",
                camera.eye
            );
            let target = glam::DVec3::from_array(orbit.target_m).as_vec3();
            let looking = (target - camera.eye).normalize();
            assert!(looking.dot(-camera.back) > 0.99999);
            assert_eq!(orbit.field_of_view_deg, f64::from(FOV_Y_DEGREES));
            assert!(orbit.phi_deg > 0.0 && orbit.phi_deg < 90.0);
        }
    }

    #[test]
    fn the_attribute_strings_say_the_same_numbers() {
        let camera = Camera::frame(
            &[Vec3::new(-1.0, 0.0, -1.0), Vec3::new(1.0, 0.5, 1.0)],
            Vec3::new(2.0, 0.5, 2.0),
        );
        let orbit = camera.orbit;
        assert_eq!(
            numbers(&orbit.camera_orbit, "m"),
            vec![orbit.theta_deg, orbit.phi_deg, orbit.radius_m]
        );
        assert!(orbit.camera_orbit.ends_with('m') && orbit.camera_orbit.contains("deg "));
        assert_eq!(numbers(&orbit.camera_target, "m"), orbit.target_m.to_vec());
        assert_eq!(orbit.field_of_view, "30deg");
    }
}
