//! The soft contact shadow on the ground plane (the lowest point of the model).
//!
//! Every triangle is projected straight down into a small grid over the model's footprint;
//! a cell's darkness is how close to the ground the geometry above it comes (full at the floor,
//! fading to a faint ambient occlusion at [`FADE_HEIGHT`] of the model's height). Three box-blur
//! passes soften it. The grid extends [`SPREAD`] of the footprint beyond the model on every side
//! and the blur stays inside that border, so the shadow fades to zero before the grid ends;
//! [`Shadow::footprint`] gives the visible part for the camera to frame.

use glam::{Vec2, Vec3};

use super::geometry::Geometry;

const GRID: usize = 96;
const SPREAD: f32 = 0.12;
const FADE_HEIGHT: f32 = 0.25;
/// Darkness of the shadow where the product touches the floor.
pub(crate) const OPACITY: f32 = 0.55;
const BLUR_RADIUS: usize = 3;

pub(crate) struct Shadow {
    pub ground: f32,
    origin: Vec2,
    cell: Vec2,
    values: Vec<f32>,
}

impl Shadow {
    pub fn build(geometry: &Geometry, lo: Vec3, hi: Vec3) -> Self {
        let extent = Vec2::new(hi.x - lo.x, hi.z - lo.z);
        let pad = extent.max_element().max(1e-6) * SPREAD;
        let origin = Vec2::new(lo.x, lo.z) - Vec2::splat(pad);
        let size = extent + Vec2::splat(2.0 * pad);
        let cell = size / GRID as f32;
        let height = (hi.y - lo.y).max(1e-6);
        let mut values = vec![0.0f32; GRID * GRID];
        for t in &geometry.triangles {
            let p = t.vertices.map(|i| geometry.positions[i as usize]);
            let lowest = p[0].y.min(p[1].y).min(p[2].y) - lo.y;
            let closeness = 1.0 - (lowest / (FADE_HEIGHT * height)).clamp(0.0, 1.0);
            let value = 0.15 + 0.85 * closeness * closeness;
            let q = p.map(|v| (Vec2::new(v.x, v.z) - origin) / cell);
            fill(&mut values, q, value);
        }
        for _ in 0..3 {
            blur(&mut values);
        }
        Self {
            ground: lo.y,
            origin,
            cell,
            values,
        }
    }

    /// Ground points whose convex hull contains every place the shadow is visible: the
    /// corners, one cell out, of every cell dark enough to show (bilinear lookups reach at most
    /// one cell from a cell centre).
    pub fn footprint(&self) -> Vec<Vec3> {
        let mut points = Vec::new();
        for y in 0..GRID {
            for x in 0..GRID {
                if self.values[y * GRID + x] * OPACITY * 255.0 < 0.4 {
                    continue;
                }
                for (dx, dy) in [(-0.5, -0.5), (1.5, -0.5), (-0.5, 1.5), (1.5, 1.5)] {
                    let g = self.origin + self.cell * Vec2::new(x as f32 + dx, y as f32 + dy);
                    points.push(Vec3::new(g.x, self.ground, g.y));
                }
            }
        }
        points
    }

    /// The ground rectangle outside which [`Shadow::at`] is zero (the grid, half a cell out,
    /// where bilinear lookups still reach its edge cells), as four world points.
    pub fn corners(&self) -> [Vec3; 4] {
        [(-0.5, -0.5), (0.5, -0.5), (-0.5, 0.5), (0.5, 0.5)].map(|(dx, dy)| {
            let g = self.origin
                + self.cell * (Vec2::new(dx, dy) * (GRID as f32 + 1.0) + GRID as f32 * 0.5);
            Vec3::new(g.x, self.ground, g.y)
        })
    }

    /// Shadow darkness (0..=1) at a ground point, bilinear.
    pub fn at(&self, x: f32, z: f32) -> f32 {
        let g = (Vec2::new(x, z) - self.origin) / self.cell - Vec2::splat(0.5);
        if !(g.x > -1.0 && g.y > -1.0 && g.x < GRID as f32 && g.y < GRID as f32) {
            return 0.0;
        }
        // `g > -1`, so truncating `g + 1` floors it (without a call to `floorf`).
        let (x0, y0) = ((g.x + 1.0) as i64 - 1, (g.y + 1.0) as i64 - 1);
        let (fx, fy) = (g.x - x0 as f32, g.y - y0 as f32);
        let v = |x: i64, y: i64| {
            if x < 0 || y < 0 || x >= GRID as i64 || y >= GRID as i64 {
                0.0
            } else {
                self.values[y as usize * GRID + x as usize]
            }
        };
        let top = v(x0, y0) * (1.0 - fx) + v(x0 + 1, y0) * fx;
        let bottom = v(x0, y0 + 1) * (1.0 - fx) + v(x0 + 1, y0 + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}

/// Raises the cells whose centre lies inside triangle `q` (grid units) to `value`.
fn fill(values: &mut [f32], q: [Vec2; 3], value: f32) {
    let edge = |a: Vec2, b: Vec2, p: Vec2| (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    let area = edge(q[0], q[1], q[2]);
    let lo = q[0].min(q[1]).min(q[2]).max(Vec2::ZERO);
    let hi = q[0].max(q[1]).max(q[2]).min(Vec2::splat(GRID as f32 - 1.0));
    if lo.x > hi.x || lo.y > hi.y {
        return;
    }
    let (x0, y0, x1, y1) = (
        lo.x as usize,
        lo.y as usize,
        hi.x.ceil() as usize,
        hi.y.ceil() as usize,
    );
    // A triangle seen edge-on from above (a wall) still shades the cells along it.
    let thin = area.abs() < 1.0;
    for y in y0..=y1.min(GRID - 1) {
        for x in x0..=x1.min(GRID - 1) {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let inside = thin || {
                let (w0, w1, w2) = (
                    edge(q[1], q[2], p),
                    edge(q[2], q[0], p),
                    edge(q[0], q[1], p),
                );
                (w0 >= 0.0 && w1 >= 0.0 && w2 >= 0.0) || (w0 <= 0.0 && w1 <= 0.0 && w2 <= 0.0)
            };
            if inside {
                let cell = &mut values[y * GRID + x];
                *cell = cell.max(value);
            }
        }
    }
}

/// One separable box blur of radius [`BLUR_RADIUS`]; cells outside the grid count as zero.
fn blur(values: &mut [f32]) {
    let mut tmp = vec![0.0f32; values.len()];
    let n = (2 * BLUR_RADIUS + 1) as f32;
    for y in 0..GRID {
        for x in 0..GRID {
            let from = x.saturating_sub(BLUR_RADIUS);
            let to = (x + BLUR_RADIUS).min(GRID - 1);
            tmp[y * GRID + x] = values[y * GRID + from..=y * GRID + to].iter().sum::<f32>() / n;
        }
    }
    for y in 0..GRID {
        for x in 0..GRID {
            let from = y.saturating_sub(BLUR_RADIUS);
            let to = (y + BLUR_RADIUS).min(GRID - 1);
            values[y * GRID + x] = (from..=to).map(|k| tmp[k * GRID + x]).sum::<f32>() / n;
        }
    }
}
