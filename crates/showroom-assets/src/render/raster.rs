//! The visibility pass: every triangle is scan-converted once into a supersampled buffer that
//! keeps, per sample, the depth and the id of the nearest triangle. Shading happens later, once
//! per triangle per pixel (see [`super::shade`]), so the cost of lighting does not grow with
//! the supersampling factor.
//!
//! Sample centres are at `(i + 0.5, j + 0.5)` and coverage uses edge functions with a top-left
//! style tie rule (a sample on a shared edge belongs to one triangle), so there are no cracks or
//! double hits between neighbours. Depth is NDC z, which is affine in screen space. Faces are
//! not culled: posters show closed products from outside, and open or double-sided meshes then
//! need no special case. `MASK` materials discard samples whose alpha is below the cutoff here,
//! so what is behind them can win the depth test.

use glam::{Vec2, Vec3};

use super::geometry::Geometry;

/// No triangle at this sample.
pub(crate) const EMPTY: u32 = u32::MAX;

/// A triangle in sample coordinates: (x, y, z_ndc) per vertex and 1/w per vertex.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScreenTriangle {
    pub p: [Vec3; 3],
    pub inv_w: [f32; 3],
}

impl ScreenTriangle {
    /// Perspective-correct barycentric weights at sample position `s`.
    pub fn weights(&self, s: Vec2) -> [f32; 3] {
        let [a, b, c] = self.p.map(|p| p.truncate());
        let area = edge(a, b, c);
        if area == 0.0 {
            return [1.0 / 3.0; 3];
        }
        let l = [
            edge(b, c, s) / area,
            edge(c, a, s) / area,
            edge(a, b, s) / area,
        ];
        let w = [
            l[0] * self.inv_w[0],
            l[1] * self.inv_w[1],
            l[2] * self.inv_w[2],
        ];
        let sum = w[0] + w[1] + w[2];
        if sum == 0.0 {
            return l;
        }
        w.map(|v| v / sum)
    }
}

pub(crate) fn edge(a: Vec2, b: Vec2, p: Vec2) -> f32 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

pub(crate) struct VisibilityBuffer {
    pub id: Vec<u32>,
    /// NDC depth of the nearest drawn sample (`INFINITY` where none is).
    pub depth: Vec<f32>,
}

/// Side of a square tile, in samples: its depth buffer (64 KiB) stays in cache.
const TILE: usize = 128;

/// Rasterizes every opaque or masked triangle of `geometry` whose vertices are all in front of
/// the camera (translucent ones are drawn later, over this buffer's depth).
/// `keep(triangle, weights)` decides for alpha-masked triangles whether a sample is drawn.
///
/// Triangles are first binned into [`TILE`]-sample tiles by bounding box, then each tile is
/// drawn alone with a small depth buffer, in triangle order, so the result is the same as one
/// pass over the whole buffer without its cache misses.
pub(crate) fn rasterize(
    geometry: &Geometry,
    screen: &[Option<ScreenTriangle>],
    side: usize,
    keep: impl Fn(usize, [f32; 3]) -> bool,
) -> VisibilityBuffer {
    let mut id = vec![EMPTY; side * side];
    let mut full_depth = vec![f32::INFINITY; side * side];
    let tiles = side.div_ceil(TILE);
    let mut bins: Vec<Vec<u32>> = vec![Vec::new(); tiles * tiles];
    let limit = side as f32;
    for (t, tri) in screen.iter().enumerate() {
        let Some(tri) = tri else { continue };
        if geometry.translucent[geometry.triangles[t].primitive as usize] {
            continue;
        }
        let [a, b, c] = tri.p;
        let area = edge(a.truncate(), b.truncate(), c.truncate());
        if area == 0.0 || !area.is_finite() {
            continue;
        }
        let Some([x0, y0, x1, y1]) = bounds(tri, limit, side) else {
            continue;
        };
        for ty in y0 / TILE..=y1 / TILE {
            for tx in x0 / TILE..=x1 / TILE {
                bins[ty * tiles + tx].push(t as u32);
            }
        }
    }
    let mut depth = vec![f32::INFINITY; TILE * TILE];
    for (tile, bin) in bins.iter().enumerate() {
        if bin.is_empty() {
            continue;
        }
        let (tx, ty) = ((tile % tiles) * TILE, (tile / tiles) * TILE);
        let window = [tx, ty, (tx + TILE).min(side) - 1, (ty + TILE).min(side) - 1];
        depth.fill(f32::INFINITY);
        let mut target = Target {
            id: &mut id,
            depth: &mut depth,
            side,
            window,
        };
        for &t in bin {
            let t = t as usize;
            let tri = screen[t].expect("binned triangles are on screen");
            let masked = geometry.masked[geometry.triangles[t].primitive as usize];
            draw(&mut target, t, &tri, masked, &keep);
        }
        for y in window[1]..=window[3] {
            let row = (y - ty) * TILE;
            let width = window[2] - tx + 1;
            full_depth[y * side + tx..y * side + tx + width]
                .copy_from_slice(&depth[row..row + width]);
        }
    }
    VisibilityBuffer {
        id,
        depth: full_depth,
    }
}

/// The sample bounding box `[x0, y0, x1, y1]` (inclusive) of a triangle, clipped to the buffer.
fn bounds(tri: &ScreenTriangle, limit: f32, side: usize) -> Option<[usize; 4]> {
    let [a, b, c] = tri.p;
    let x0 = a.x.min(b.x).min(c.x).max(0.0).floor() as usize;
    let y0 = a.y.min(b.y).min(c.y).max(0.0).floor() as usize;
    let x1 = (a.x.max(b.x).max(c.x).min(limit - 1.0).ceil() as usize).min(side - 1);
    let y1 = (a.y.max(b.y).max(c.y).min(limit - 1.0).ceil() as usize).min(side - 1);
    (x0 <= x1 && y0 <= y1).then_some([x0, y0, x1, y1])
}

/// One tile being drawn: the shared id buffer, the tile's depth, and its inclusive window.
struct Target<'a> {
    id: &'a mut [u32],
    depth: &'a mut [f32],
    side: usize,
    window: [usize; 4],
}

/// Draws triangle `t` into the tile.
fn draw(
    target: &mut Target,
    t: usize,
    tri: &ScreenTriangle,
    masked: bool,
    keep: &impl Fn(usize, [f32; 3]) -> bool,
) {
    let [a, b, c] = tri.p;
    let mut area = edge(a.truncate(), b.truncate(), c.truncate());
    // Orient every triangle the same way so one inside test serves both windings.
    let (b, c) = if area < 0.0 {
        area = -area;
        (c, b)
    } else {
        (b, c)
    };
    let Some([x0, y0, x1, y1]) = bounds(tri, target.side as f32, target.side) else {
        return;
    };
    let [wx0, wy0, wx1, wy1] = target.window;
    let (x0, y0, x1, y1) = (x0.max(wx0), y0.max(wy0), x1.min(wx1), y1.min(wy1));
    if x0 > x1 || y0 > y1 {
        return;
    }
    let (a2, b2, c2) = (a.truncate(), b.truncate(), c.truncate());
    let bias = [bias_of(b2, c2), bias_of(c2, a2), bias_of(a2, b2)];
    let inv_area = 1.0 / area;
    // Each edge function is linear along a row, so the covered span of a row is found
    // by solving three inequalities instead of testing every sample of the bounding box.
    let slopes = [-(c2.y - b2.y), -(a2.y - c2.y), -(b2.y - a2.y)];
    for y in y0..=y1 {
        let py = y as f32 + 0.5;
        let start = Vec2::new(x0 as f32 + 0.5, py);
        let w_start = [
            edge(b2, c2, start),
            edge(c2, a2, start),
            edge(a2, b2, start),
        ];
        let (mut from, mut to) = (x0 as f32, x1 as f32);
        for k in 0..3 {
            let (w, slope) = (w_start[k] + bias[k], slopes[k]);
            if slope > 0.0 {
                from = from.max(x0 as f32 + (-w / slope).floor());
            } else if slope < 0.0 {
                to = to.min(x0 as f32 + (w / -slope).ceil());
            } else if w <= 0.0 {
                to = -1.0;
            }
        }
        if to < from {
            continue;
        }
        let row = y * target.side;
        let depth_row = (y - wy0) * TILE;
        for x in from.max(x0 as f32) as usize..=(to.min(x1 as f32) as usize) {
            let p = Vec2::new(x as f32 + 0.5, py);
            let w0 = edge(b2, c2, p);
            let w1 = edge(c2, a2, p);
            let w2 = edge(a2, b2, p);
            if w0 + bias[0] <= 0.0 || w1 + bias[1] <= 0.0 || w2 + bias[2] <= 0.0 {
                continue;
            }
            let z = (w0 * a.z + w1 * b.z + w2 * c.z) * inv_area;
            let d = depth_row + (x - wx0);
            if z >= target.depth[d] || !(-1.0..=1.0).contains(&z) {
                continue;
            }
            if masked && !keep(t, tri.weights(p)) {
                continue;
            }
            target.depth[d] = z;
            target.id[row + x] = t as u32;
        }
    }
}

/// Top-left tie rule: a sample exactly on an edge counts only for top or left edges.
fn bias_of(from: Vec2, to: Vec2) -> f32 {
    let d = to - from;
    let top_left = (d.y == 0.0 && d.x < 0.0) || d.y > 0.0;
    if top_left {
        f32::EPSILON
    } else {
        0.0
    }
}
