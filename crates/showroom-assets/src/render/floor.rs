//! The floor seen through each output pixel: the background, darkened by the contact
//! [`Shadow`] where the pixel's ray meets the ground plane.
//!
//! The floor term depends only on the pixel, so it is computed once per output pixel (never per
//! sample). The shadow is non-zero only over its grid, so [`Floor`] projects the grid's corners
//! once and answers every pixel outside that screen rectangle with the plain background, without
//! casting a ray.

use glam::Vec4;

use super::camera::Camera;
use super::shadow::{Shadow, OPACITY};
use super::Background;

pub(crate) struct Floor<'a> {
    camera: &'a Camera,
    shadow: &'a Shadow,
    size: usize,
    background: Background,
    /// Pixels `x0..x1` × `y0..y1` may see the shadow; all others see the plain background.
    rect: [usize; 4],
}

impl<'a> Floor<'a> {
    pub fn new(
        camera: &'a Camera,
        shadow: &'a Shadow,
        size: usize,
        background: Background,
    ) -> Self {
        let s = size as f32;
        let mut rect = [0, 0, size, size];
        let clip = shadow.corners().map(|p| camera.clip(p));
        if clip.iter().all(|c| c.w > 1e-6 && c.is_finite()) {
            let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
            for c in clip {
                let q = [(c.x / c.w * 0.5 + 0.5) * s, (0.5 - c.y / c.w * 0.5) * s];
                for k in 0..2 {
                    lo[k] = lo[k].min(q[k]);
                    hi[k] = hi[k].max(q[k]);
                }
            }
            // One pixel of slack on every side for rounding.
            let from = |v: f32| (v - 1.0).clamp(0.0, s) as usize;
            let to = |v: f32| ((v + 2.0).clamp(0.0, s) as usize).min(size);
            rect = [from(lo[0]), from(lo[1]), to(hi[0]), to(hi[1])];
        }
        Self {
            camera,
            shadow,
            size,
            background,
            rect,
        }
    }

    /// Premultiplied linear colour of the floor seen through pixel `(px, py)`.
    pub fn color(&self, px: usize, py: usize) -> Vec4 {
        let [x0, y0, x1, y1] = self.rect;
        let darkness = if (x0..x1).contains(&px) && (y0..y1).contains(&py) {
            self.darkness(px, py)
        } else {
            0.0
        };
        match self.background {
            Background::Transparent => Vec4::new(0.0, 0.0, 0.0, darkness),
            Background::White => Vec4::new(1.0 - darkness, 1.0 - darkness, 1.0 - darkness, 1.0),
        }
    }

    fn darkness(&self, px: usize, py: usize) -> f32 {
        let size = self.size as f32;
        let x = (px as f32 + 0.5) / size * 2.0 - 1.0;
        let y = 1.0 - (py as f32 + 0.5) / size * 2.0;
        let (origin, direction) = self.camera.ray(x, y);
        if direction.y < -1e-6 {
            let t = (self.shadow.ground - origin.y) / direction.y;
            let hit = origin + direction * t;
            self.shadow.at(hit.x, hit.z) * OPACITY
        } else {
            0.0
        }
    }
}
