//! Surface shading: the material at a point (factors times bilinear texture samples), lit by a
//! fixed studio rig, then Khronos PBR Neutral tone mapping.
//!
//! The rig is fixed relative to the camera, so every product is lit the same way: a key light
//! from the upper left front, a fill from the right, a rim from behind and above, and a
//! hemispheric ambient (bright sky, darker floor) for diffuse and a matching soft environment
//! for specular reflection, so metals are not black. Direct specular is GGX with Smith
//! visibility and Schlick Fresnel; `F0` comes from the IOR (0.04 at the default 1.5) for
//! dielectrics and is the base colour for metals. Sheen (Charlie), clearcoat (a second GGX
//! lobe) and transmission (refracted environment, plus opacity below 1) are layered as the
//! Khronos extensions describe ([`super::lobes`]). Normal maps bend the normal in each
//! triangle's texture frame; occlusion maps darken the light. Every texture slot applies its
//! `KHR_texture_transform`.
//! Colours are linear until [`pbr_neutral`] and the sRGB encode at the very end.

use glam::{Vec2, Vec3, Vec4};

use crate::scene::layers::TextureSlot;
use crate::scene::{AlphaMode, Material, Texture};

use super::camera::Camera;
use super::lobes;

/// sRGB byte → linear value.
pub(crate) struct SrgbTable([f32; 256]);

impl SrgbTable {
    pub fn new() -> Self {
        Self(std::array::from_fn(|i| srgb_to_linear(i as f32 / 255.0)))
    }
}

fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Linear value (0..=1) → sRGB byte, through a table fine enough (4096 steps, more in the
/// darks through the square-root index) that no byte differs from the exact formula by more
/// than one.
pub(crate) struct EncodeTable(Vec<u8>);

const ENCODE_STEPS: usize = 4096;

impl EncodeTable {
    pub fn new() -> Self {
        Self(
            (0..=ENCODE_STEPS)
                .map(|i| {
                    let root = i as f32 / ENCODE_STEPS as f32;
                    (linear_to_srgb(root * root) * 255.0 + 0.5) as u8
                })
                .collect(),
        )
    }

    pub fn byte(&self, linear: f32) -> u8 {
        let root = linear.clamp(0.0, 1.0).sqrt();
        self.0[(root * ENCODE_STEPS as f32 + 0.5) as usize]
    }
}

/// Linear value → sRGB in 0..=1.
pub(crate) fn linear_to_srgb(c: f32) -> f32 {
    let c = c.clamp(0.0, 1.0);
    if c <= 0.003_130_8 {
        c * 12.92
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    }
}

/// Bilinear sample with repeat wrapping; `decode` maps each byte to a linear value.
pub(crate) fn sample(texture: &Texture, uv: Vec2, decode: impl Fn(u8) -> f32) -> Vec4 {
    let (w, h) = (texture.width as usize, texture.height as usize);
    if w == 0 || h == 0 {
        return Vec4::ONE;
    }
    let x = uv.x * w as f32 - 0.5;
    let y = uv.y * h as f32 - 0.5;
    let (fx, fy) = (x - x.floor(), y - y.floor());
    let wrap = |v: f32, n: usize| (v as i64).rem_euclid(n as i64) as usize;
    let (x0, y0) = (wrap(x.floor(), w), wrap(y.floor(), h));
    let (x1, y1) = ((x0 + 1) % w, (y0 + 1) % h);
    let texel = |x: usize, y: usize| {
        let i = (y * w + x) * 4;
        let px = &texture.rgba[i..i + 4];
        Vec4::new(
            decode(px[0]),
            decode(px[1]),
            decode(px[2]),
            f32::from(px[3]) / 255.0,
        )
    };
    let top = texel(x0, y0).lerp(texel(x1, y0), fx);
    let bottom = texel(x0, y1).lerp(texel(x1, y1), fx);
    top.lerp(bottom, fy)
}

/// The material's base colour (linear RGB, alpha) at `uv`.
pub(crate) fn base_color(
    material: &Material,
    textures: &[Texture],
    uv: Vec2,
    srgb: &SrgbTable,
) -> Vec4 {
    let factor = Vec4::from_array(material.base_color);
    match material.base_color_texture.and_then(|t| textures.get(t)) {
        Some(texture) => {
            let uv = material.transforms.base_color.apply(uv);
            factor * sample(texture, uv, |b| srgb.0[b as usize])
        }
        None => factor,
    }
}

/// A texture slot's sample, or `None` when the slot is empty.
fn slot(
    slot: Option<TextureSlot>,
    textures: &[Texture],
    uv: Vec2,
    decode: impl Fn(u8) -> f32,
) -> Option<Vec4> {
    let slot = slot?;
    let texture = textures.get(slot.texture)?;
    Some(sample(texture, slot.transform.apply(uv), decode))
}

struct Light {
    direction: Vec3,
    radiance: f32,
}

/// The studio rig in world space for this camera.
pub(crate) struct Rig {
    lights: [Light; 3],
    eye: Vec3,
}

impl Rig {
    pub fn new(camera: &Camera) -> Self {
        let towards = |r: f32, u: f32, b: f32| {
            (camera.right * r + camera.up * u + camera.back * b).normalize()
        };
        Self {
            lights: [
                Light {
                    direction: towards(-0.55, 0.75, 0.65),
                    radiance: 2.6,
                },
                Light {
                    direction: towards(0.85, 0.25, 0.45),
                    radiance: 0.9,
                },
                Light {
                    direction: towards(0.2, 0.6, -0.8),
                    radiance: 1.4,
                },
            ],
            eye: camera.eye,
        }
    }

    /// Outgoing linear radiance of a surface point, premultiplied by its opacity: alpha is 1
    /// for opaque and masked materials, the base colour's alpha for `BLEND`, and less where a
    /// transmissive surface lets what is behind it show through.
    #[expect(
        clippy::too_many_arguments,
        reason = "the interpolated attributes of one surface point, each from its own array"
    )]
    pub fn shade(
        &self,
        material: &Material,
        textures: &[Texture],
        position: Vec3,
        normal: Vec3,
        tangent: Vec4,
        uv: Vec2,
        srgb: &SrgbTable,
    ) -> Vec4 {
        let linear = |b: u8| f32::from(b) / 255.0;
        let to_linear = |b: u8| srgb.0[b as usize];
        let base = base_color(material, textures, uv, srgb);
        let albedo = base.truncate();
        let (mut metallic, mut roughness) = (material.metallic, material.roughness);
        if let Some(texture) = material
            .metallic_roughness_texture
            .and_then(|t| textures.get(t))
        {
            let uv = material.transforms.metallic_roughness.apply(uv);
            let mr = sample(texture, uv, linear);
            roughness *= mr.y;
            metallic *= mr.z;
        }
        let roughness = roughness.clamp(0.04, 1.0);
        let metallic = metallic.clamp(0.0, 1.0);
        let view = (self.eye - position).normalize_or_zero();
        let geometric = normal.normalize_or_zero();
        let mut n = perturb(material, textures, geometric, tangent, uv);
        // No culling: a face seen from behind is lit as its front.
        if geometric.dot(view) < 0.0 {
            n = -n;
        }
        let occlusion = slot(material.occlusion_texture, textures, uv, linear)
            .map_or(1.0, |s| 1.0 + material.occlusion_strength * (s.x - 1.0));
        let n_dot_v = n.dot(view).max(1e-4);
        let f0 = Vec3::splat(lobes::dielectric_f0(material.ior)).lerp(albedo, metallic);
        let transmission = material.transmission.as_ref().map_or(0.0, |t| {
            let map = slot(t.texture, textures, uv, linear).map_or(1.0, |s| s.x);
            t.factor * map * (1.0 - metallic)
        });
        let diffuse_color = albedo * (1.0 - metallic) * (1.0 - transmission);
        let sheen = material.sheen.as_ref().map(|s| {
            let color = slot(s.color_texture, textures, uv, to_linear)
                .map_or(Vec3::ONE, |t| t.truncate())
                * Vec3::from_array(s.color);
            let rough =
                s.roughness * slot(s.roughness_texture, textures, uv, linear).map_or(1.0, |t| t.w);
            (color, rough.clamp(0.07, 1.0))
        });
        // The base layers lose what the sheen on top of them reflects.
        let sheen_scale = sheen.map_or(1.0, |(color, rough)| {
            1.0 - color.max_element() * lobes::sheen_albedo(n_dot_v, rough)
        });
        let clearcoat = material
            .clearcoat
            .as_ref()
            .map(|c| (c.factor, c.roughness.clamp(0.04, 1.0)));
        let coat_fresnel = |cos: f32| {
            clearcoat.map_or(0.0, |(factor, _)| {
                factor * lobes::schlick(Vec3::splat(0.04), cos).x
            })
        };
        let alpha = roughness * roughness;
        let mut color = Vec3::ZERO;
        for light in &self.lights {
            let n_dot_l = n.dot(light.direction);
            if n_dot_l <= 0.0 {
                continue;
            }
            let h = (light.direction + view).normalize_or_zero();
            let n_dot_h = n.dot(h).max(0.0);
            let v_dot_h = view.dot(h).max(0.0);
            let fresnel = lobes::schlick(f0, v_dot_h);
            let d = lobes::ggx(n_dot_h, alpha);
            let vis = lobes::smith_visibility(n_dot_l, n_dot_v, alpha);
            let specular = fresnel * (d * vis);
            let diffuse = (Vec3::ONE - fresnel) * diffuse_color * std::f32::consts::FRAC_1_PI;
            let mut lit = (diffuse + specular) * sheen_scale;
            if let Some((sheen_color, sheen_rough)) = sheen {
                let a = sheen_rough * sheen_rough;
                lit +=
                    sheen_color * (lobes::charlie(n_dot_h, a) * lobes::neubelt(n_dot_l, n_dot_v));
            }
            if let Some((factor, coat_rough)) = clearcoat {
                let a = coat_rough * coat_rough;
                let coat = factor
                    * lobes::schlick(Vec3::splat(0.04), v_dot_h).x
                    * lobes::ggx(n_dot_h, a)
                    * lobes::smith_visibility(n_dot_l, n_dot_v, a);
                lit = lit * (1.0 - coat_fresnel(n_dot_v)) + Vec3::splat(coat);
            }
            color += lit * (light.radiance * n_dot_l);
        }
        // Hemispheric ambient and a soft studio environment for reflections.
        let sky = |y: f32| 0.35 + 0.45 * (y * 0.5 + 0.5);
        let reflected = (2.0 * n.dot(view) * n - view).normalize_or_zero();
        let fresnel_env =
            f0 + (Vec3::splat(1.0 - roughness).max(f0) - f0) * (1.0 - n_dot_v).powi(5);
        let mut ambient = diffuse_color * sky(n.y) * 0.9
            + fresnel_env * sky(reflected.y) * (1.0 - 0.5 * roughness);
        ambient *= sheen_scale;
        if let Some((sheen_color, sheen_rough)) = sheen {
            ambient += sheen_color * sky(n.y) * lobes::sheen_albedo(n_dot_v, sheen_rough);
        }
        if let Some((_, coat_rough)) = clearcoat {
            let coat = coat_fresnel(n_dot_v);
            ambient = ambient * (1.0 - coat)
                + Vec3::splat(coat * sky(reflected.y) * (1.0 - 0.5 * coat_rough));
        }
        color += ambient;
        // Our rig stands in for the environment light a viewer uses alone, so occlusion
        // darkens all of it.
        color *= occlusion;
        // Transmission: the environment seen through the surface, bent by its IOR and tinted
        // by its base colour and volume; the rest of what is behind shows through (alpha).
        let mut through = 0.0;
        if let Some(t) = material
            .transmission
            .as_ref()
            .filter(|_| transmission > 0.0)
        {
            let refracted = lobes::refract(view, n, 1.0 / material.ior);
            let tint = albedo * Vec3::from_array(t.volume_tint());
            let passing = transmission * (1.0 - fresnel_env.max_element());
            color += tint * sky(refracted.y) * passing * TRANSMITTED_ENVIRONMENT;
            // Alpha is one number: the strongest channel the tint lets through (a red glass
            // passes red fully; a near-black sunglass lens almost nothing).
            through = passing * (1.0 - TRANSMITTED_ENVIRONMENT) * tint.max_element().min(1.0);
        }
        let mut emissive = Vec3::from_array(material.emissive);
        if let Some(texture) = material.emissive_texture.and_then(|t| textures.get(t)) {
            let uv = material.transforms.emissive.apply(uv);
            emissive *= sample(texture, uv, to_linear).truncate();
        }
        let opacity = if material.alpha_mode == AlphaMode::Blend {
            base.w.clamp(0.0, 1.0)
        } else {
            1.0
        };
        // Reflections stay at full strength on glass; the body's colour fades with opacity.
        ((color + emissive) * opacity).extend(opacity * (1.0 - through))
    }
}

/// The shading normal: `normal` bent by the material's normal map in the triangle's texture
/// frame (`tangent`, see the geometry), or `normal` itself without a map or a frame.
fn perturb(
    material: &Material,
    textures: &[Texture],
    normal: Vec3,
    tangent: Vec4,
    uv: Vec2,
) -> Vec3 {
    let Some(texel) = slot(material.normal_texture, textures, uv, |b| {
        f32::from(b) / 255.0
    }) else {
        return normal;
    };
    let Some(t) = (tangent.truncate() - normal * normal.dot(tangent.truncate())).try_normalize()
    else {
        return normal;
    };
    let b = normal.cross(t) * tangent.w;
    let scale = material.normal_scale;
    let m = texel.truncate() * 2.0 - Vec3::ONE;
    (t * (m.x * scale) + b * (m.y * scale) + normal * m.z)
        .try_normalize()
        .unwrap_or(normal)
}

/// Share of transmitted light drawn as the refracted studio environment; the rest is what is
/// behind the surface in the poster, composited through alpha.
const TRANSMITTED_ENVIRONMENT: f32 = 0.25;

/// Khronos PBR Neutral tone mapping, exactly as published
/// (<https://github.com/KhronosGroup/ToneMapping/tree/main/PBR_Neutral>).
pub(crate) fn pbr_neutral(color: Vec3) -> Vec3 {
    const START_COMPRESSION: f32 = 0.8 - 0.04;
    const DESATURATION: f32 = 0.15;
    let x = color.min_element();
    let offset = if x < 0.08 { x - 6.25 * x * x } else { 0.04 };
    let color = color - Vec3::splat(offset);
    let peak = color.max_element();
    if peak < START_COMPRESSION {
        return color;
    }
    let d = 1.0 - START_COMPRESSION;
    let new_peak = 1.0 - d * d / (peak + d - START_COMPRESSION);
    let color = color * (new_peak / peak);
    let g = 1.0 - 1.0 / (DESATURATION * (peak - new_peak) + 1.0);
    color.lerp(Vec3::splat(new_peak), g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbr_neutral_keeps_dark_tones_and_compresses_highlights() {
        let mid = pbr_neutral(Vec3::splat(0.5));
        assert!((mid.x - 0.46).abs() < 1e-6, "{mid}");
        let bright = pbr_neutral(Vec3::new(4.0, 2.0, 1.0));
        assert!(bright.max_element() <= 1.0 && bright.max_element() > 0.9);
    }

    #[test]
    fn srgb_round_trips() {
        for v in [0.0, 0.01, 0.2, 0.5, 1.0] {
            assert!((srgb_to_linear(linear_to_srgb(v)) - v).abs() < 1e-5);
        }
    }
}
