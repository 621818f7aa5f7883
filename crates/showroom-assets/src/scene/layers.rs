//! The material extensions the posters draw, beyond core metallic-roughness:
//! `KHR_texture_transform` on every texture slot, `KHR_materials_sheen`,
//! `KHR_materials_clearcoat`, `KHR_materials_transmission` with `KHR_materials_volume`,
//! `KHR_materials_ior` and `KHR_materials_emissive_strength`.
//!
//! Values come from the JSON the validator already type-checked; anything absent takes the
//! extension's documented default, and numbers are clamped to the ranges the specifications
//! allow, so a hostile factor cannot make the shader produce infinities.

use glam::Vec2;
use serde_json::Value;

/// A `KHR_texture_transform` as the 2 × 3 matrix `translation · rotation · scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UvTransform {
    /// Row-major `[a, b, c, d, e, f]`: `u' = a u + b v + c`, `v' = d u + e v + f`.
    pub matrix: [f32; 6],
}

impl Default for UvTransform {
    fn default() -> Self {
        Self {
            matrix: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        }
    }
}

impl UvTransform {
    /// The transform of a textureInfo (identity without the extension).
    pub fn of(info: &Value) -> Self {
        let t = &info["extensions"]["KHR_texture_transform"];
        if !t.is_object() {
            return Self::default();
        }
        let [ox, oy] = numbers(&t["offset"], [0.0, 0.0]);
        let [sx, sy] = numbers(&t["scale"], [1.0, 1.0]);
        let r = number(&t["rotation"], 0.0);
        let (sin, cos) = r.sin_cos();
        Self {
            matrix: [cos * sx, sin * sy, ox, -sin * sx, cos * sy, oy],
        }
    }

    pub fn apply(&self, uv: Vec2) -> Vec2 {
        let [a, b, c, d, e, f] = self.matrix;
        Vec2::new(a * uv.x + b * uv.y + c, d * uv.x + e * uv.y + f)
    }
}

/// A decoded texture and the transform of the slot that uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextureSlot {
    /// Index into [`super::Scene::textures`].
    pub texture: usize,
    pub transform: UvTransform,
}

/// `KHR_materials_sheen`: the velvet lobe (Charlie distribution).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheen {
    /// Linear RGB.
    pub color: [f32; 3],
    /// sRGB, multiplies `color`.
    pub color_texture: Option<TextureSlot>,
    pub roughness: f32,
    /// Alpha channel multiplies `roughness`.
    pub roughness_texture: Option<TextureSlot>,
}

/// `KHR_materials_clearcoat` factors (its textures and normal map are not drawn).
#[derive(Debug, Clone, PartialEq)]
pub struct Clearcoat {
    pub factor: f32,
    pub roughness: f32,
}

/// `KHR_materials_transmission` with `KHR_materials_volume`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transmission {
    pub factor: f32,
    /// Red channel multiplies `factor`.
    pub texture: Option<TextureSlot>,
    /// Volume thickness in the mesh's units; 0 is thin-walled.
    pub thickness: f32,
    /// Linear RGB reached after `attenuation_distance`.
    pub attenuation_color: [f32; 3],
    /// `f32::INFINITY` when there is no attenuation.
    pub attenuation_distance: f32,
}

impl Transmission {
    /// The volume's colour after light crossed it once (Beer–Lambert).
    pub fn volume_tint(&self) -> [f32; 3] {
        if self.thickness <= 0.0 || !self.attenuation_distance.is_finite() {
            return [1.0; 3];
        }
        let distance = self.thickness / self.attenuation_distance.max(1e-6);
        self.attenuation_color
            .map(|c| c.clamp(1e-4, 1.0).powf(distance.min(64.0)))
    }
}

/// Everything the extensions add to one material. `texture` resolves a textureInfo to a slot.
pub(super) struct Layers {
    pub sheen: Option<Sheen>,
    pub clearcoat: Option<Clearcoat>,
    pub transmission: Option<Transmission>,
    pub ior: f32,
    pub emissive_strength: f32,
}

pub(super) fn read(
    material: &Value,
    texture: &mut dyn FnMut(&Value) -> Option<TextureSlot>,
) -> Layers {
    let ext = &material["extensions"];
    let sheen = ext["KHR_materials_sheen"].as_object().map(|_| {
        let s = &ext["KHR_materials_sheen"];
        Sheen {
            color: numbers(&s["sheenColorFactor"], [0.0; 3]).map(unit),
            color_texture: texture(&s["sheenColorTexture"]),
            roughness: unit(number(&s["sheenRoughnessFactor"], 0.0)),
            roughness_texture: texture(&s["sheenRoughnessTexture"]),
        }
    });
    let clearcoat = ext["KHR_materials_clearcoat"].as_object().map(|_| {
        let c = &ext["KHR_materials_clearcoat"];
        Clearcoat {
            factor: unit(number(&c["clearcoatFactor"], 0.0)),
            roughness: unit(number(&c["clearcoatRoughnessFactor"], 0.0)),
        }
    });
    let transmission = ext["KHR_materials_transmission"].as_object().map(|_| {
        let t = &ext["KHR_materials_transmission"];
        let v = &ext["KHR_materials_volume"];
        Transmission {
            factor: unit(number(&t["transmissionFactor"], 0.0)),
            texture: texture(&t["transmissionTexture"]),
            thickness: number(&v["thicknessFactor"], 0.0).clamp(0.0, 1e6),
            attenuation_color: numbers(&v["attenuationColor"], [1.0; 3]).map(unit),
            attenuation_distance: v["attenuationDistance"]
                .as_f64()
                .map_or(f32::INFINITY, |d| (d as f32).max(1e-6)),
        }
    });
    Layers {
        sheen: sheen.filter(|s| s.color.iter().any(|&c| c > 0.0)),
        clearcoat: clearcoat.filter(|c| c.factor > 0.0),
        transmission: transmission.filter(|t| t.factor > 0.0),
        ior: number(&ext["KHR_materials_ior"]["ior"], 1.5).clamp(1.0, 5.0),
        emissive_strength: number(
            &ext["KHR_materials_emissive_strength"]["emissiveStrength"],
            1.0,
        )
        .clamp(0.0, 1e4),
    }
}

fn unit(v: f32) -> f32 {
    if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

pub(super) fn number(value: &Value, default: f32) -> f32 {
    value
        .as_f64()
        .map(|v| v as f32)
        .filter(|v| v.is_finite())
        .unwrap_or(default)
}

pub(super) fn numbers<const N: usize>(value: &Value, default: [f32; N]) -> [f32; N] {
    let mut out = default;
    if let Some(items) = value.as_array().filter(|a| a.len() == N) {
        for (o, v) in out.iter_mut().zip(items) {
            *o = number(v, *o);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn texture_transform_scales_rotates_then_offsets() {
        let info = json!({"extensions": {"KHR_texture_transform": {
            "offset": [0.5, 0.25], "scale": [2.0, 3.0], "rotation": std::f64::consts::FRAC_PI_2
        }}});
        let uv = UvTransform::of(&info).apply(Vec2::new(1.0, 0.0));
        // Scale (2, 0), rotate by 90° in glTF's v-down convention: (0, -2), then offset.
        assert!((uv - Vec2::new(0.5, -1.75)).length() < 1e-5, "{uv}");
        assert_eq!(UvTransform::of(&json!({})), UvTransform::default());
    }

    #[test]
    fn absent_or_hostile_factors_take_safe_values() {
        let m = json!({"extensions": {
            "KHR_materials_sheen": {"sheenColorFactor": [1e30, -1, 0.5]},
            "KHR_materials_transmission": {"transmissionFactor": 0.0},
            "KHR_materials_ior": {"ior": 1e9}
        }});
        let layers = read(&m, &mut |_| None);
        assert_eq!(layers.sheen.unwrap().color, [1.0, 0.0, 0.5]);
        assert!(
            layers.transmission.is_none(),
            "a zero factor transmits nothing"
        );
        assert_eq!(layers.ior, 5.0);
        assert_eq!(layers.emissive_strength, 1.0);
    }
}
