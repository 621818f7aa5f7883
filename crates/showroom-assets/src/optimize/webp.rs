//! Lossy WebP (`EXT_texture_webp`) for the delivery GLB's textures, with the quality chosen by
//! what the texture is for: colour (base colour, emissive, sheen colour) at 80, data
//! (metallic-roughness, occlusion, masks) at 85, normal maps at 90, whose errors show as
//! bumps. An image used in several roles gets the highest quality of them. A WebP that is not
//! smaller than the PNG or JPEG it replaces is not used. The plain GLB keeps PNG and JPEG.
//!
//! Images are decoded under the same limits as every other texture (they already fit
//! [`OptimizeOptions::max_texture_px`](super::OptimizeOptions)), and encoded on up to
//! `available_parallelism` threads; the bytes do not depend on the thread count.

use std::io::Cursor;

use image::{ImageReader, Limits};
use serde_json::Value;

use super::textures::Prepared;
use crate::scene::texture::{MAX_TEXTURE_PIXELS, MAX_TEXTURE_SIDE};

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
            Role::Color => 80.0,
            Role::Data => 85.0,
            Role::Normal => 90.0,
        }
    }
}

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
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_TEXTURE_SIDE);
    limits.max_image_height = Some(MAX_TEXTURE_SIDE);
    limits.max_alloc = Some(MAX_TEXTURE_PIXELS * 8);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    let (width, height) = (image.width(), image.height());
    let webp = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        if rgba.pixels().all(|p| p.0[3] == 255) {
            let rgb = image.to_rgb8();
            webp::Encoder::from_rgb(&rgb, width, height)
                .encode(role.quality())
                .to_vec()
        } else {
            webp::Encoder::from_rgba(&rgba, width, height)
                .encode(role.quality())
                .to_vec()
        }
    } else {
        let rgb = image.to_rgb8();
        webp::Encoder::from_rgb(&rgb, width, height)
            .encode(role.quality())
            .to_vec()
    };
    (webp.len() < bytes.len() && webp.starts_with(b"RIFF")).then_some(webp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
