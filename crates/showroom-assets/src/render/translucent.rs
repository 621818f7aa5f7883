//! The translucent pass: `BLEND` and transmissive surfaces over the opaque poster, with
//! weighted blended order-independent transparency (McGuire and Bavoil 2013).
//!
//! Each translucent triangle is scan-converted once per output pixel (at the pixel's centre
//! sample) and tested against the opaque pass's depth there. Every fragment in front adds its
//! premultiplied colour and opacity, weighted so nearer layers count more, to the pixel's
//! accumulator, and multiplies the pixel's *revealage* (how much of what is behind still
//! shows) by `1 − opacity`. [`Layers::composite`] then lays the weighted average colour over
//! the opaque result. No sorting is needed, and the result does not depend on triangle order,
//! which suits product shots (a glass over a table, a vase with flowers) well; exact order
//! only matters for stacks of strongly coloured layers, which products rarely have.

use glam::{Vec2, Vec4};

use super::geometry::Geometry;
use super::raster::{edge, ScreenTriangle};

/// The accumulated translucent layers of every output pixel.
pub(crate) struct Layers {
    size: usize,
    /// Σ weight × premultiplied RGBA.
    accum: Vec<Vec4>,
    /// Π (1 − opacity).
    revealage: Vec<f32>,
}

/// One shaded translucent fragment: premultiplied, tone-mapped RGBA, and its weight.
pub(crate) struct Fragment {
    pub color: Vec4,
    pub weight: f32,
}

impl Layers {
    /// Draws every translucent triangle in front of `depth` (the opaque pass's per-sample NDC
    /// depth, `side` = `size × ss` samples wide). `shade(triangle, sample position)` returns the
    /// fragment, or `None` where a masked material cuts it out.
    pub fn draw(
        geometry: &Geometry,
        screen: &[Option<ScreenTriangle>],
        depth: &[f32],
        size: usize,
        ss: usize,
        shade: impl Fn(usize, Vec2) -> Option<Fragment>,
    ) -> Option<Self> {
        let mut layers: Option<Self> = None;
        let side = size * ss;
        let centre = ss / 2;
        for (t, tri) in screen.iter().enumerate() {
            let Some(tri) = tri else { continue };
            if !geometry.translucent[geometry.triangles[t].primitive as usize] {
                continue;
            }
            let [a, b, c] = tri.p.map(|p| p.truncate());
            let area = edge(a, b, c);
            if area == 0.0 || !area.is_finite() {
                continue;
            }
            let to_pixel = |v: f32| (v / ss as f32).clamp(0.0, size as f32 - 1.0);
            let (x0, x1) = (
                to_pixel(a.x.min(b.x).min(c.x)).floor() as usize,
                to_pixel(a.x.max(b.x).max(c.x)).ceil() as usize,
            );
            let (y0, y1) = (
                to_pixel(a.y.min(b.y).min(c.y)).floor() as usize,
                to_pixel(a.y.max(b.y).max(c.y)).ceil() as usize,
            );
            for py in y0..=y1 {
                for px in x0..=x1 {
                    let (sx, sy) = (px * ss + centre, py * ss + centre);
                    let at = Vec2::new(sx as f32 + 0.5, sy as f32 + 0.5);
                    let w = [edge(b, c, at), edge(c, a, at), edge(a, b, at)].map(|e| e / area);
                    if w.iter().any(|&e| e < 0.0) {
                        continue;
                    }
                    let z = w[0] * tri.p[0].z + w[1] * tri.p[1].z + w[2] * tri.p[2].z;
                    if !(-1.0..=1.0).contains(&z) || z >= depth[sy * side + sx] {
                        continue;
                    }
                    let Some(fragment) = shade(t, at) else {
                        continue;
                    };
                    let opacity = fragment.color.w.clamp(0.0, 1.0);
                    if opacity <= 0.0 {
                        continue;
                    }
                    let layers = layers.get_or_insert_with(|| Self::new(size));
                    let i = py * size + px;
                    layers.accum[i] += fragment.color.truncate().extend(opacity) * fragment.weight;
                    layers.revealage[i] *= 1.0 - opacity;
                }
            }
        }
        layers
    }

    fn new(size: usize) -> Self {
        Self {
            size,
            accum: vec![Vec4::ZERO; size * size],
            revealage: vec![1.0; size * size],
        }
    }

    /// Whether any translucent fragment landed on pixel (`px`, `py`).
    pub fn touches(&self, px: usize, py: usize) -> bool {
        self.accum[py * self.size + px] != Vec4::ZERO
    }

    /// The pixel's translucent layers over `under` (premultiplied RGBA).
    pub fn composite(&self, px: usize, py: usize, under: Vec4) -> Vec4 {
        let i = py * self.size + px;
        let accum = self.accum[i];
        if accum == Vec4::ZERO {
            return under;
        }
        let revealage = self.revealage[i];
        // The weighted mean colour per unit of opacity, laid `over` with the stack's opacity:
        // exact for a single layer, a weighted estimate for several.
        let mean = accum.truncate() / accum.w.max(1e-6);
        let coverage = 1.0 - revealage;
        (mean * coverage + under.truncate() * revealage).extend(coverage + under.w * revealage)
    }
}
