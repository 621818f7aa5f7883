//! The microfacet terms the shader combines: GGX with height-correlated Smith visibility for
//! specular and clearcoat, Charlie with Neubelt's visibility for sheen (as in the Khronos
//! `KHR_materials_sheen` specification and three.js, which `<model-viewer>` uses), Schlick's
//! Fresnel, and the refraction direction for transmission.

use glam::Vec3;

use std::f32::consts::PI;

pub(crate) fn ggx(n_dot_h: f32, alpha: f32) -> f32 {
    let a2 = alpha * alpha;
    let d = n_dot_h * n_dot_h * (a2 - 1.0) + 1.0;
    a2 / (PI * d * d).max(1e-6)
}

/// Height-correlated Smith visibility term `G / (4 n·l n·v)`.
pub(crate) fn smith_visibility(n_dot_l: f32, n_dot_v: f32, alpha: f32) -> f32 {
    let a2 = alpha * alpha;
    let gv = n_dot_l * (n_dot_v * n_dot_v * (1.0 - a2) + a2).sqrt();
    let gl = n_dot_v * (n_dot_l * n_dot_l * (1.0 - a2) + a2).sqrt();
    0.5 / (gv + gl).max(1e-6)
}

/// The Charlie sheen distribution (Estevez and Kulla 2017) for `alpha` = sheen roughness².
pub(crate) fn charlie(n_dot_h: f32, alpha: f32) -> f32 {
    let inv_alpha = 1.0 / alpha.max(1e-3);
    let sin2 = (1.0 - n_dot_h * n_dot_h).max(1e-4);
    (2.0 + inv_alpha) * sin2.powf(inv_alpha * 0.5) / (2.0 * PI)
}

/// Neubelt and Pettineo's sheen visibility.
pub(crate) fn neubelt(n_dot_l: f32, n_dot_v: f32) -> f32 {
    1.0 / (4.0 * (n_dot_l + n_dot_v - n_dot_l * n_dot_v)).max(1e-4)
}

/// Directional albedo of the sheen lobe, fitted to the Charlie/Neubelt lobe's integral: small
/// facing the viewer, growing towards grazing angles and with roughness. The base layers
/// below are scaled by `1 − max(sheen colour) × albedo`, so sheen conserves energy.
pub(crate) fn sheen_albedo(n_dot_v: f32, roughness: f32) -> f32 {
    let grazing = (1.0 - n_dot_v).clamp(0.0, 1.0);
    (0.12 + 0.2 * roughness + 0.45 * grazing * grazing).min(0.8)
}

pub(crate) fn schlick(f0: Vec3, cos: f32) -> Vec3 {
    f0 + (Vec3::ONE - f0) * (1.0 - cos.clamp(0.0, 1.0)).powi(5)
}

/// Reflectance at normal incidence of a dielectric with this index of refraction in air.
pub(crate) fn dielectric_f0(ior: f32) -> f32 {
    let r = (ior - 1.0) / (ior + 1.0);
    r * r
}

/// The direction light continues in after entering a surface with normal `n` from direction
/// `-view` (Snell's law, `eta` = 1 / ior); the reflection on total internal reflection.
pub(crate) fn refract(view: Vec3, n: Vec3, eta: f32) -> Vec3 {
    let incident = -view;
    let cos_i = -n.dot(incident);
    let k = 1.0 - eta * eta * (1.0 - cos_i * cos_i);
    if k < 0.0 {
        return (incident + 2.0 * cos_i * n).normalize_or_zero();
    }
    (eta * incident + (eta * cos_i - k.sqrt()) * n).normalize_or_zero()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charlie_peaks_at_grazing_half_vectors() {
        assert!(charlie(0.1, 0.5) > charlie(0.99, 0.5));
    }

    #[test]
    fn refraction_bends_towards_the_normal_entering_glass() {
        let n = Vec3::Y;
        let view = Vec3::new(1.0, 1.0, 0.0).normalize();
        let t = refract(view, n, 1.0 / 1.5);
        // 45° incidence gives about 28° inside glass, on the far side of the normal.
        let angle = t.dot(-n).acos().to_degrees();
        assert!((angle - 28.1).abs() < 0.5, "{angle}");
        assert!(t.x < 0.0);
        assert!((dielectric_f0(1.5) - 0.04).abs() < 1e-6);
    }
}
