//! The package's textures: the scene's decoded RGBA images, at most `max_texture_px` on their
//! longer side: JPEG (quality [`JPEG_QUALITY`]) for opaque colour textures (base colour and
//! emissive, alpha 255 everywhere), whose photographs PNG stores many times larger; PNG for
//! everything else (alpha, and data such as metallic-roughness, which JPEG's chroma
//! subsampling would blur across channels).
//!
//! Guarantees: only textures whose pixel buffer matches their stated size are used (others are
//! left out and their materials fall back to factors); a texture over the cap is resized with
//! its aspect ratio kept (the longer side becomes exactly the cap, the shorter at least 1 px);
//! an image whose alpha is 255 everywhere is written as RGB; scene texture `i` is always named
//! `textures/texture_<i>.png` (or `.jpg`), so the same scene gives the same files, byte for
//! byte.

use std::collections::{BTreeMap, BTreeSet};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::{self, FilterType};
use image::{ExtendedColorType, ImageBuffer, ImageEncoder, Rgba, RgbaImage};

use super::UsdzError;
use crate::scene::{Scene, Texture};

/// JPEG quality of opaque colour textures.
pub const JPEG_QUALITY: u8 = 90;

/// The encoded textures and where each scene texture went.
#[derive(Debug, Default)]
pub struct TextureFiles {
    /// (path inside the package, PNG or JPEG bytes), in scene texture order.
    pub files: Vec<(String, Vec<u8>)>,
    paths: BTreeMap<usize, String>,
}

impl TextureFiles {
    /// The package path of scene texture `index`, when it was written.
    pub fn path(&self, index: Option<usize>) -> Option<&str> {
        self.paths.get(&index?).map(String::as_str)
    }
}

/// Whether scene texture `index` exists and holds as many bytes as its size says.
pub fn usable(scene: &Scene, index: Option<usize>) -> bool {
    index.and_then(|i| scene.textures.get(i)).is_some_and(|t| {
        t.width > 0
            && t.height > 0
            && (t.width as usize)
                .checked_mul(t.height as usize)
                .and_then(|n| n.checked_mul(4))
                == Some(t.rgba.len())
    })
}

/// Encodes the scene textures listed in `used` (unusable ones are skipped).
pub fn encode(
    scene: &Scene,
    used: &BTreeSet<usize>,
    max_px: u32,
) -> Result<TextureFiles, UsdzError> {
    let colour: BTreeSet<usize> = scene
        .materials
        .iter()
        .flat_map(|m| [m.base_color_texture, m.emissive_texture])
        .flatten()
        .collect();
    let mut out = TextureFiles::default();
    for &index in used.iter().filter(|&&i| usable(scene, Some(i))) {
        let (bytes, extension) = write(
            &scene.textures[index],
            max_px.max(1),
            colour.contains(&index),
        )
        .map_err(|reason| UsdzError::Texture { index, reason })?;
        let path = format!("textures/texture_{index}.{extension}");
        out.paths.insert(index, path.clone());
        out.files.push((path, bytes));
    }
    Ok(out)
}

/// The texture as (bytes, file extension): JPEG when it is opaque and `colour`, else PNG.
fn write(texture: &Texture, max_px: u32, colour: bool) -> Result<(Vec<u8>, &'static str), String> {
    let source: ImageBuffer<Rgba<u8>, &[u8]> =
        ImageBuffer::from_raw(texture.width, texture.height, &texture.rgba[..])
            .ok_or("the pixel buffer does not match the size")?;
    let (width, height) = capped(texture.width, texture.height, max_px);
    let resized: Option<RgbaImage> = ((width, height) != source.dimensions())
        .then(|| imageops::resize(&source, width, height, FilterType::CatmullRom));
    let rgba: &[u8] = resized.as_ref().map_or(&texture.rgba[..], |r| r.as_raw());
    let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
    let rgb = || -> Vec<u8> {
        rgba.chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    };
    let mut bytes = Vec::new();
    if opaque && colour {
        JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .write_image(&rgb(), width, height, ExtendedColorType::Rgb8)
            .map_err(|e| e.to_string())?;
        return Ok((bytes, "jpg"));
    }
    let encoder =
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, PngFilter::Adaptive);
    let result = if opaque {
        encoder.write_image(&rgb(), width, height, ExtendedColorType::Rgb8)
    } else {
        encoder.write_image(rgba, width, height, ExtendedColorType::Rgba8)
    };
    result.map_err(|e| e.to_string())?;
    Ok((bytes, "png"))
}

/// `width × height` scaled down so that neither side exceeds `max_px`, aspect kept.
pub fn capped(width: u32, height: u32, max_px: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_px {
        return (width, height);
    }
    let scale = |side: u32| {
        let longest = u64::from(longest);
        let scaled = (u64::from(side) * u64::from(max_px) + longest / 2) / longest;
        (scaled as u32).clamp(1, max_px)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::capped;

    #[test]
    fn capping_keeps_the_aspect_ratio_and_never_reaches_zero() {
        assert_eq!(capped(4096, 2048, 2048), (2048, 1024));
        assert_eq!(capped(1000, 3000, 2048), (683, 2048));
        assert_eq!(capped(8192, 1, 2048), (2048, 1));
        assert_eq!(capped(512, 512, 2048), (512, 512));
    }
}
