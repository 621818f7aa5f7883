//! Product posters on the CPU: our own small rasterizer on `glam` and `image`.
//!
//! [`render`] draws a decoded [`Scene`] in four steps:
//!
//! 1. [`camera`] frames every vertex and the shadow's footprint in a three-quarter
//!    view like `<model-viewer>`'s default orbit, so the product lies fully inside the frame;
//! 2. [`raster`] scan-converts every triangle into a supersampled visibility buffer
//!    ([`supersample`]² samples per pixel, z-buffered);
//! 3. each output pixel is shaded once per distinct triangle among its samples
//!    ([`shade`]: perspective-correct UVs, bilinear base colour, metallic-roughness under a
//!    fixed studio rig, Khronos PBR Neutral tone mapping), weighted by coverage, over the
//!    background and the soft contact [`shadow`];
//! 4. `BLEND` and transmissive surfaces are laid over that ([`translucent`]: weighted blended
//!    order-independent transparency against the opaque depth);
//! 5. the result is sRGB-encoded (straight alpha for a transparent background).
//!
//! `MASK` materials cut out below their cutoff, in both passes. Glass lets the floor (or the
//! transparent background) show through, tinted and with its reflections. The same scene and
//! options always give the same pixels.
//! [`encode`] writes PNG or lossless WebP; [`compare::ssim`] says how alike two posters are.

mod camera;
pub mod compare;
mod encode;
mod floor;
mod geometry;
mod lobes;
mod raster;
mod shade;
mod shadow;
mod translucent;

use glam::{Vec2, Vec3, Vec4};
use image::RgbaImage;

use crate::scene::{Material, Scene};

pub use camera::PosterCamera;
pub use encode::{encode, PosterFormat};

/// Samples per pixel along each axis: 3 × 3 up to 512 px, 2 × 2 above, where pixels are
/// small enough that 4 samples hide the stairs and the 250 ms budget of a 1024 px poster
/// needs the saving.
pub fn supersample(size: u32) -> usize {
    if size <= 512 {
        3
    } else {
        2
    }
}

/// What the poster is drawn over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Background {
    #[default]
    Transparent,
    White,
}

/// How to draw one poster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Width and height in pixels.
    pub size: u32,
    pub background: Background,
    /// A `KHR_materials_variants` index ([`Scene::variant`]); `None` is the default look.
    pub variant: Option<usize>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            size: 512,
            background: Background::Transparent,
            variant: None,
        }
    }
}

/// Largest poster side we draw.
pub const MAX_SIZE: u32 = 4096;

/// A poster and how much of it the product takes.
#[derive(Debug, Clone)]
pub struct Poster {
    pub image: RgbaImage,
    /// Share of pixels where some part of the product is drawn (also a blended or masked part
    /// that lets the floor show through), 0–1. The shadow does not count.
    pub coverage: f64,
    /// True when no product pixel lies on the outermost row or column.
    pub inside_frame: bool,
    /// Where the poster was taken from; `None` for an empty scene.
    pub camera: Option<PosterCamera>,
}

/// Draws one poster. An empty scene gives an empty (background-only) image.
pub fn render(scene: &Scene, options: &RenderOptions) -> RgbaImage {
    render_measured(scene, options).image
}

/// The camera [`render`] takes every poster of `scene` from (the same for every variant and
/// size); `None` for an empty scene.
pub fn poster_camera(scene: &Scene) -> Option<PosterCamera> {
    let default_material = Material::default();
    let geometry = geometry::flatten(scene, None, &default_material);
    let (lo, hi) = scene.bounds()?;
    let shadow = shadow::Shadow::build(&geometry, lo, hi);
    Some(frame(&geometry, &shadow, lo, hi).orbit)
}

/// Every vertex (not just the box corners, which would leave round products small) and the
/// visible shadow: what the camera must keep inside the frame.
fn frame(
    geometry: &geometry::Geometry,
    shadow: &shadow::Shadow,
    lo: Vec3,
    hi: Vec3,
) -> camera::Camera {
    let mut points = geometry.positions.clone();
    points.extend(shadow.footprint());
    camera::Camera::frame(&points, hi - lo)
}

/// [`render`], measuring the product's coverage from the visibility buffer.
pub fn render_measured(scene: &Scene, options: &RenderOptions) -> Poster {
    let size = options.size.clamp(1, MAX_SIZE) as usize;
    let default_material = Material::default();
    let geometry = geometry::flatten(scene, options.variant, &default_material);
    let Some((lo, hi)) = scene.bounds() else {
        return Poster {
            image: background_only(size, options.background),
            coverage: 0.0,
            inside_frame: true,
            camera: None,
        };
    };
    let shadow = shadow::Shadow::build(&geometry, lo, hi);
    let camera = frame(&geometry, &shadow, lo, hi);
    let ss = supersample(size as u32);
    let side = size * ss;
    let screen: Vec<Option<raster::ScreenTriangle>> = geometry
        .triangles
        .iter()
        .map(|t| {
            project(
                &camera,
                t.vertices.map(|i| geometry.positions[i as usize]),
                side,
            )
        })
        .collect();
    let srgb = shade::SrgbTable::new();
    let encode = shade::EncodeTable::new();
    let keep = |t: usize, weights: [f32; 3]| {
        let triangle = geometry.triangles[t];
        let material = geometry.materials[triangle.primitive as usize];
        let uv = interpolate(&geometry.uvs, triangle.vertices, weights);
        shade::base_color(material, &scene.textures, uv, &srgb).w >= material.alpha_cutoff
    };
    let visibility = raster::rasterize(&geometry, &screen, side, keep);
    let rig = shade::Rig::new(&camera);
    let floor = floor::Floor::new(&camera, &shadow, size, options.background);
    let shade_sample = |id: u32, at: Vec2| -> Vec4 {
        let Some(tri) = screen[id as usize] else {
            return Vec4::ZERO;
        };
        let triangle = geometry.triangles[id as usize];
        let weights = tri.weights(at);
        let v = triangle.vertices;
        let color = rig.shade(
            geometry.materials[triangle.primitive as usize],
            &scene.textures,
            interpolate(&geometry.positions, v, weights),
            interpolate(&geometry.normals, v, weights),
            geometry.tangents[id as usize],
            interpolate(&geometry.uvs, v, weights),
            &srgb,
        );
        shade::pbr_neutral(color.truncate().max(Vec3::ZERO)).extend(1.0)
    };
    // Nearer translucent layers weigh more: (reference distance / distance)⁶, bounded.
    let reference = camera
        .eye
        .distance(Vec3::from_array(camera.orbit.target_m.map(|v| v as f32)));
    let fragment = |t: usize, at: Vec2| -> Option<translucent::Fragment> {
        let tri = screen[t]?;
        let triangle = geometry.triangles[t];
        let p = triangle.primitive as usize;
        let material = geometry.materials[p];
        let weights = tri.weights(at);
        let v = triangle.vertices;
        let uv = interpolate(&geometry.uvs, v, weights);
        if geometry.masked[p]
            && shade::base_color(material, &scene.textures, uv, &srgb).w < material.alpha_cutoff
        {
            return None;
        }
        let position = interpolate(&geometry.positions, v, weights);
        let color = rig.shade(
            material,
            &scene.textures,
            position,
            interpolate(&geometry.normals, v, weights),
            geometry.tangents[t],
            uv,
            &srgb,
        );
        let opacity = color.w.clamp(0.0, 1.0);
        if opacity <= 0.0 {
            return None;
        }
        let straight = (color.truncate() / opacity).max(Vec3::ZERO);
        let ratio = reference / position.distance(camera.eye).max(1e-6);
        Some(translucent::Fragment {
            color: (shade::pbr_neutral(straight) * opacity).extend(opacity),
            weight: ratio.powi(6).clamp(1e-3, 1e3),
        })
    };
    let layers =
        translucent::Layers::draw(&geometry, &screen, &visibility.depth, size, ss, fragment);
    let mut pixels = vec![0u8; size * size * 4];
    let mut groups: Vec<(u32, u32, Vec2)> = Vec::with_capacity(ss * ss);
    let samples = (ss * ss) as f32;
    let (mut covered, mut touches_edge) = (0usize, false);
    for (py, row) in pixels.chunks_exact_mut(size * 4).enumerate() {
        for (px, out) in row.chunks_exact_mut(4).enumerate() {
            let first = visibility.id[py * ss * side + px * ss];
            let uniform = (0..ss).all(|sy| {
                let start = (py * ss + sy) * side + px * ss;
                visibility.id[start..start + ss]
                    .iter()
                    .all(|&id| id == first)
            });
            let translucent_here = layers.as_ref().is_some_and(|l| l.touches(px, py));
            if !(uniform && first == raster::EMPTY) || translucent_here {
                covered += 1;
                touches_edge |= px == 0 || py == 0 || px + 1 == size || py + 1 == size;
            }
            // Premultiplied linear RGBA, averaged over the pixel's samples.
            let sum = if uniform && first == raster::EMPTY {
                floor.color(px, py)
            } else if uniform {
                let centre = Vec2::new(px as f32 + 0.5, py as f32 + 0.5) * ss as f32;
                shade_sample(first, centre)
            } else {
                groups.clear();
                for sy in 0..ss {
                    for sx in 0..ss {
                        let (x, y) = (px * ss + sx, py * ss + sy);
                        let id = visibility.id[y * side + x];
                        let at = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                        match groups.iter_mut().find(|g| g.0 == id) {
                            Some(g) => {
                                g.1 += 1;
                                g.2 += at;
                            }
                            None => groups.push((id, 1, at)),
                        }
                    }
                }
                groups
                    .iter()
                    .map(|&(id, count, at)| {
                        let color = if id == raster::EMPTY {
                            floor.color(px, py)
                        } else {
                            shade_sample(id, at / count as f32)
                        };
                        color * (count as f32 / samples)
                    })
                    .sum()
            };
            let sum = match &layers {
                Some(layers) => layers.composite(px, py, sum),
                None => sum,
            };
            out.copy_from_slice(&to_pixel(sum, &encode).0);
        }
    }
    Poster {
        image: RgbaImage::from_raw(size as u32, size as u32, pixels)
            .expect("buffer matches the size"),
        coverage: covered as f64 / (size * size) as f64,
        inside_frame: !touches_edge,
        camera: Some(camera.orbit.clone()),
    }
}

fn project(camera: &camera::Camera, p: [Vec3; 3], side: usize) -> Option<raster::ScreenTriangle> {
    let clip = p.map(|v| camera.clip(v));
    if clip.iter().any(|c| c.w <= 1e-6 || !c.is_finite()) {
        return None;
    }
    let s = side as f32;
    Some(raster::ScreenTriangle {
        p: clip.map(|c| {
            let ndc = c.truncate() / c.w;
            Vec3::new((ndc.x * 0.5 + 0.5) * s, (0.5 - ndc.y * 0.5) * s, ndc.z)
        }),
        inv_w: clip.map(|c| 1.0 / c.w),
    })
}

fn interpolate<T>(values: &[T], v: [u32; 3], w: [f32; 3]) -> T
where
    T: Copy + std::ops::Mul<f32, Output = T> + std::ops::Add<Output = T>,
{
    values[v[0] as usize] * w[0] + values[v[1] as usize] * w[1] + values[v[2] as usize] * w[2]
}

fn to_pixel(premultiplied: Vec4, encode: &shade::EncodeTable) -> image::Rgba<u8> {
    let alpha = premultiplied.w.clamp(0.0, 1.0);
    let alpha_byte = (alpha * 255.0 + 0.5) as u8;
    if alpha_byte == 0 {
        return image::Rgba([0, 0, 0, 0]);
    }
    let rgb = premultiplied.truncate() / alpha;
    image::Rgba([
        encode.byte(rgb.x),
        encode.byte(rgb.y),
        encode.byte(rgb.z),
        alpha_byte,
    ])
}

fn background_only(size: usize, background: Background) -> RgbaImage {
    let pixel = match background {
        Background::Transparent => image::Rgba([0, 0, 0, 0]),
        Background::White => image::Rgba([255, 255, 255, 255]),
    };
    RgbaImage::from_pixel(size as u32, size as u32, pixel)
}
