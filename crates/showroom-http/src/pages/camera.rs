//! Where `<model-viewer>` starts: the camera the poster was rendered from, so the picture does
//! not jump when the live viewer replaces the poster.
//!
//! Until the asset report carries the renderer's own camera (issue 15 asks the renderer to write
//! it), [`poster_camera`] recomputes it from the report's bounding box with the renderer's
//! constants and framing rule (`showroom-assets/src/render/camera.rs`): a 35° azimuth, 17°–40°
//! elevation depending on how flat the product is, a 30° field of view, and the smallest distance
//! at which the box's corners fit inside the frame less a 5 % margin, re-centred on their
//! projected extents. The box's corners lie outside a rounded product, so this framing is at
//! most slightly wider than the poster's; once the report has the camera, only this function
//! changes.

use serde_json::Value;

const FOV_Y_DEGREES: f64 = 30.0;
const AZIMUTH_DEGREES: f64 = 35.0;
const ELEVATION_DEGREES: f64 = 17.0;
const FLAT_ELEVATION_DEGREES: f64 = 40.0;
const MARGIN: f64 = 0.05;

/// A camera in `<model-viewer>`'s terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewerCamera {
    /// Around +Y from +Z, degrees (`theta`).
    pub azimuth_deg: f64,
    /// Down from +Y, degrees (`phi` = 90° − elevation).
    pub polar_deg: f64,
    pub radius_m: f64,
    pub target_m: [f64; 3],
    pub fov_deg: f64,
}

impl ViewerCamera {
    /// The `camera-orbit` attribute: `35deg 73deg 2.41m`.
    pub fn orbit(&self) -> String {
        format!(
            "{:.2}deg {:.2}deg {:.4}m",
            self.azimuth_deg, self.polar_deg, self.radius_m
        )
    }
    /// The `camera-target` attribute: `0m 0.4m 0m`.
    pub fn target(&self) -> String {
        let [x, y, z] = self.target_m;
        format!("{x:.4}m {y:.4}m {z:.4}m")
    }
    /// The `field-of-view` attribute.
    pub fn field_of_view(&self) -> String {
        format!("{:.1}deg", self.fov_deg)
    }
}

type V3 = [f64; 3];

fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn add_scaled(a: V3, b: V3, s: f64) -> V3 {
    [a[0] + b[0] * s, a[1] + b[1] * s, a[2] + b[2] * s]
}
fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// The poster camera of the model a report describes; `None` without a bounding box.
pub fn poster_camera(report: &Value) -> Option<ViewerCamera> {
    let bounds = report.pointer("/inspection/bounds_m")?;
    let corner = |key: &str| -> Option<V3> {
        let list = bounds.get(key)?.as_array()?;
        Some([
            list.first()?.as_f64()?,
            list.get(1)?.as_f64()?,
            list.get(2)?.as_f64()?,
        ])
    };
    let (lo, hi) = (corner("min")?, corner("max")?);
    Some(frame_box(lo, hi))
}

fn frame_box(lo: V3, hi: V3) -> ViewerCamera {
    let size = sub(hi, lo);
    let flatness = size[1] / size[0].max(size[2]).max(1e-6);
    let t = ((0.6 - flatness) / 0.45).clamp(0.0, 1.0);
    let elevation_deg = ELEVATION_DEGREES + (FLAT_ELEVATION_DEGREES - ELEVATION_DEGREES) * t;
    let (azimuth, elevation) = (AZIMUTH_DEGREES.to_radians(), elevation_deg.to_radians());
    let back = [
        azimuth.sin() * elevation.cos(),
        elevation.sin(),
        azimuth.cos() * elevation.cos(),
    ];
    // right = Y × back, normalized; up = back × right.
    let right = {
        let r = [back[2], 0.0, -back[0]];
        let length = (r[0] * r[0] + r[2] * r[2]).sqrt().max(1e-12);
        [r[0] / length, 0.0, r[2] / length]
    };
    let up = [
        back[1] * right[2] - back[2] * right[1],
        back[2] * right[0] - back[0] * right[2],
        back[0] * right[1] - back[1] * right[0],
    ];
    let corners: Vec<V3> = (0..8)
        .map(|i| {
            [
                if i & 1 == 0 { lo[0] } else { hi[0] },
                if i & 2 == 0 { lo[1] } else { hi[1] },
                if i & 4 == 0 { lo[2] } else { hi[2] },
            ]
        })
        .collect();
    let radius = (dot(size, size).sqrt() * 0.5).max(1e-6);
    let half = (FOV_Y_DEGREES.to_radians() * 0.5).tan() * (1.0 - MARGIN);
    let fit = |target: V3| {
        corners
            .iter()
            .map(|&p| {
                let q = sub(p, target);
                let spread = dot(q, right).abs().max(dot(q, up).abs());
                dot(q, back) + (spread / half).max(radius * 0.1)
            })
            .fold(radius * 0.1, f64::max)
    };
    let mut target = [
        (lo[0] + hi[0]) * 0.5,
        (lo[1] + hi[1]) * 0.5,
        (lo[2] + hi[2]) * 0.5,
    ];
    let mut distance = fit(target);
    for _ in 0..3 {
        let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
        for &p in &corners {
            let q = sub(p, target);
            let depth = distance - dot(q, back);
            for (axis, v) in [dot(q, right), dot(q, up)].into_iter().enumerate() {
                min[axis] = min[axis].min(v / depth);
                max[axis] = max[axis].max(v / depth);
            }
        }
        target = add_scaled(target, right, (min[0] + max[0]) * 0.5 * distance);
        target = add_scaled(target, up, (min[1] + max[1]) * 0.5 * distance);
        distance = fit(target);
    }
    ViewerCamera {
        azimuth_deg: AZIMUTH_DEGREES,
        polar_deg: 90.0 - elevation_deg,
        radius_m: distance,
        target_m: target,
        fov_deg: FOV_Y_DEGREES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_cube_is_framed_from_the_front_right_and_above_with_every_corner_inside() {
        let report =
            json!({"inspection": {"bounds_m": {"min": [-0.5, 0.0, -0.5], "max": [0.5, 1.0, 0.5]}}});
        let camera = poster_camera(&report).unwrap();
        assert_eq!(camera.azimuth_deg, 35.0);
        assert!(
            (camera.polar_deg - 73.0).abs() < 1e-9,
            "a tall box is seen from 17°"
        );
        assert!(camera.radius_m > 1.0 && camera.radius_m < 6.0, "{camera:?}");
        assert_eq!(
            camera.orbit(),
            format!("35.00deg 73.00deg {:.4}m", camera.radius_m)
        );
    }

    #[test]
    fn a_flat_product_is_seen_from_higher_up() {
        let flat = json!({"inspection": {"bounds_m": {"min": [-0.3, 0.0, -0.1], "max": [0.3, 0.02, 0.1]}}});
        assert!((poster_camera(&flat).unwrap().polar_deg - 50.0).abs() < 1e-9);
        assert!(poster_camera(&json!({"inspection": {}})).is_none());
    }
}
