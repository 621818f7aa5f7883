//! Lossy WebP (`EXT_texture_webp`) for the delivery GLB's textures, with the quality chosen by
//! what the texture is for: colour (base colour, emissive, sheen colour) and data
//! (metallic-roughness, occlusion, masks) at 80, the default of `sharp` that glTF Transform
//! ships, and normal maps at 81, whose errors show as bumps. An image used in several roles
//! gets the highest quality of them. Every image is encoded with libwebp's method 5 (trellis
//! quantization), about 5 % smaller than its default method 4 at the same quality for about
//! 15 % more time; method 6 saves 2 % more but takes about three times as long. A WebP that is
//! not smaller than the PNG or JPEG it replaces is not used. The plain GLB keeps PNG and JPEG.
//!
//! Images are decoded under the same limits as every other texture (they already fit
//! [`OptimizeOptions::max_texture_px`](super::OptimizeOptions)), and encoded on up to
//! `available_parallelism` threads; the bytes do not depend on the thread count.

use serde_json::Value;

use super::textures::Prepared;
use crate::scene::texture::bounded_reader;

pub(crate) const EXTENSION: &str = "EXT_texture_webp";
pub(crate) const MIME: &str = "image/webp";

/// What a texture is for, in increasing need of fidelity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    Color,
    Data,
    Normal,
}

impl Role {
    fn of(key: &str) -> Self {
        match key {
            "normalTexture" | "clearcoatNormalTexture" => Role::Normal,
            "baseColorTexture"
            | "emissiveTexture"
            | "sheenColorTexture"
            | "diffuseTexture"
            | "specularColorTexture" => Role::Color,
            _ => Role::Data,
        }
    }

    pub fn quality(self) -> f32 {
        match self {
            Role::Color | Role::Data => 80.0,
            Role::Normal => 81.0,
        }
    }
}

/// libwebp's effort, 0 (fastest) to 6 (smallest at a given quality).
const METHOD: i32 = 5;

/// The role of each input image, from every texture reference in the materials.
pub(crate) fn input_roles(json: &Value) -> Vec<Option<Role>> {
    let count = json["images"].as_array().map_or(0, Vec::len);
    let mut roles = vec![None; count];
    for material in json["materials"].as_array().into_iter().flatten() {
        visit(json, material, 0, &mut roles);
    }
    roles
}

fn visit(json: &Value, value: &Value, depth: usize, roles: &mut [Option<Role>]) {
    let Some(map) = value.as_object().filter(|_| depth <= 8) else {
        return;
    };
    for (key, child) in map {
        if key == "extras" {
            continue;
        }
        match child["index"].as_u64().filter(|_| key.ends_with("Texture")) {
            Some(texture) => {
                let texture = &json["textures"][texture as usize];
                let ext_sources = texture["extensions"]
                    .as_object()
                    .into_iter()
                    .flat_map(|e| e.values().filter_map(|x| x["source"].as_u64()));
                for image in texture["source"].as_u64().into_iter().chain(ext_sources) {
                    if let Some(slot) = roles.get_mut(image as usize) {
                        *slot = (*slot).max(Some(Role::of(key)));
                    }
                }
            }
            None => visit(json, child, depth + 1, roles),
        }
    }
}

/// A WebP for each output image where one is smaller, else `None`.
pub(crate) fn encode_all(
    prepared: &Prepared,
    input_roles: &[Option<Role>],
) -> Vec<Option<Vec<u8>>> {
    let mut roles = vec![None; prepared.images.len()];
    for (input, out) in prepared.map.iter().enumerate() {
        if let Some(out) = *out {
            roles[out] = roles[out].max(input_roles.get(input).copied().flatten());
        }
    }
    let jobs: Vec<(&[u8], Role)> = prepared
        .images
        .iter()
        .zip(&roles)
        .map(|(image, role)| (image.bytes.as_slice(), role.unwrap_or(Role::Color)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let mut out: Vec<Option<Vec<u8>>> = vec![None; jobs.len()];
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let jobs = &jobs;
                scope.spawn(move || {
                    (t..jobs.len())
                        .step_by(threads)
                        .map(|i| (i, encode(jobs[i].0, jobs[i].1)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            // A panic in the codec leaves the image as it was (PNG or JPEG).
            if let Ok(done) = worker.join() {
                for (i, webp) in done {
                    out[i] = webp;
                }
            }
        }
    });
    out
}

/// The image as lossy WebP at its role's quality, when that is smaller.
fn encode(bytes: &[u8], role: Role) -> Option<Vec<u8>> {
    let format = match image::guess_format(bytes).ok()? {
        f @ (image::ImageFormat::Png | image::ImageFormat::Jpeg) => f,
        _ => return None,
    };
    let image = bounded_reader(bytes, format, 8).decode().ok()?;
    let (width, height) = (image.width(), image.height());
    let mut config = webp::WebPConfig::new().ok()?;
    config.quality = role.quality();
    config.method = METHOD;
    // Alpha only when some pixel uses it: an opaque alpha channel would cost bytes for nothing.
    let rgba = image
        .color()
        .has_alpha()
        .then(|| image.to_rgba8())
        .filter(|rgba| rgba.pixels().any(|p| p.0[3] != 255));
    let rgb = rgba.is_none().then(|| image.to_rgb8());
    let encoder = match (&rgba, &rgb) {
        (Some(rgba), _) => webp::Encoder::from_rgba(rgba, width, height),
        (None, Some(rgb)) => webp::Encoder::from_rgb(rgb, width, height),
        (None, None) => return None,
    };
    let webp = encoder.encode_advanced(&config).ok()?.to_vec();
    (webp.len() < bytes.len() && webp.starts_with(b"RIFF")).then_some(webp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::Cursor;

    #[test]
    fn an_image_used_as_colour_and_normal_gets_the_normal_quality() {
        let json = json!({
            "images": [{}, {}, {}],
            "textures": [{"source": 0}, {"source": 1}, {"extensions": {"EXT_texture_webp": {"source": 2}}}],
            "materials": [{
                "pbrMetallicRoughness": {"baseColorTexture": {"index": 0}, "metallicRoughnessTexture": {"index": 2}},
                "normalTexture": {"index": 0},
                "extensions": {"KHR_materials_sheen": {"sheenColorTexture": {"index": 1}}}
            }]
        });
        assert_eq!(
            input_roles(&json),
            [Some(Role::Normal), Some(Role::Color), Some(Role::Data)]
        );
    }

    #[test]
    fn a_photo_like_png_becomes_a_smaller_webp() {
        let image = image::RgbImage::from_fn(256, 256, |x, y| {
            image::Rgb([
                (x * 7 % 251) as u8,
                (y * 3 % 241) as u8,
                ((x ^ y) % 256) as u8,
            ])
        });
        let mut png = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let webp = encode(&png, Role::Color).expect("smaller");
        assert!(webp.len() < png.len());
        assert_eq!(&webp[8..12], b"WEBP");
        assert_eq!(encode(b"not an image", Role::Color), None);
    }

    fn png_of(image: image::DynamicImage) -> Vec<u8> {
        let mut png = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    fn noisy(x: u32, y: u32) -> u8 {
        (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).rotate_left(x % 7) as u8
    }

    #[test]
    fn a_normal_map_spends_more_bytes_than_the_same_pixels_as_colour() {
        let png = png_of(image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(
            192,
            192,
            |x, y| image::Rgb([noisy(x, y), noisy(y, x), 200]),
        )));
        let colour = encode(&png, Role::Color).expect("smaller");
        let data = encode(&png, Role::Data).expect("smaller");
        let normal = encode(&png, Role::Normal).expect("smaller");
        assert_eq!(colour, data, "colour and data share one quality");
        assert!(
            normal.len() > colour.len(),
            "{} vs {}",
            normal.len(),
            colour.len()
        );
    }

    #[test]
    fn alpha_is_kept_only_where_a_pixel_is_translucent() {
        let pixels = |alpha: fn(u32) -> u8| {
            image::RgbaImage::from_fn(128, 128, move |x, y| {
                image::Rgba([noisy(x, y), noisy(y, x), 90, alpha(x)])
            })
        };
        let opaque = encode(&png_of(pixels(|_| 255).into()), Role::Color).expect("smaller");
        let cut_out = encode(
            &png_of(pixels(|x| if x < 64 { 0 } else { 255 }).into()),
            Role::Color,
        )
        .expect("smaller");
        let has_alpha = |webp: &[u8]| webp.windows(4).any(|w| w == b"ALPH");
        assert!(!has_alpha(&opaque));
        assert!(has_alpha(&cut_out));
    }
}
