//! Decoded textures: PNG, JPEG and WebP through the `image` crate, KTX2 (Basis Universal)
//! through [`ktx2`](super::ktx2), as 8-bit RGBA.
//!
//! The image's bytes come from a bufferView or a URI (a `data:` payload, or a relative file
//! through the [`Resolver`], both under the same refusal rules as the validator). Before any
//! pixel is decoded, the header's dimensions are checked against [`MAX_TEXTURE_SIDE`] and
//! [`MAX_TEXTURE_PIXELS`], and the decoder runs with the same limits, so a 16k × 16k texture
//! costs its header read, not a gigabyte. Anything that fails is an `Err` with a reason the
//! caller records as a warning; the material then keeps its factors.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use crate::gltf::{classify, decode_base64, Resolver, Uri};

/// Longest side of a texture we decode.
pub const MAX_TEXTURE_SIDE: u32 = 8192;
/// Most pixels of a texture we decode.
pub const MAX_TEXTURE_PIXELS: u64 = 64 * 1024 * 1024;

/// An RGBA8 texture, rows top to bottom (glTF UV (0, 0) is the top-left corner).
#[derive(Debug, Clone)]
pub struct Texture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// Reads the encoded bytes of an image given by `uri`, refusing a file of more than
/// `max_bytes` (which is then read no further than that).
pub(crate) fn read_uri(
    uri: &str,
    resolver: &dyn Resolver,
    max_bytes: u64,
) -> Result<Vec<u8>, String> {
    match classify(uri) {
        Uri::Data { payload, .. } => {
            decode_base64(payload).ok_or_else(|| "invalid base64 data URI".to_owned())
        }
        Uri::Relative(path) => {
            let fetched = resolver
                .read(&path, max_bytes)
                .map_err(|e| format!("`{path}`: {e}"))?;
            if fetched.total_len > fetched.bytes.len() as u64 {
                return Err(format!(
                    "`{path}` has {} bytes, more than the {max_bytes} left to read",
                    fetched.total_len
                ));
            }
            Ok(fetched.bytes)
        }
        Uri::Refused(reason) | Uri::Invalid(reason) => Err(reason.to_owned()),
    }
}

/// Most texture pixels one model may have decoded at once (its posters are drawn with all of
/// them in memory, as RGBA8: 512 MiB): a model may hold many textures, each under the
/// per-texture limit, that together would take the shop's memory.
pub const MAX_SCENE_TEXTURE_PIXELS: u64 = 128 * 1024 * 1024;

/// Decodes an encoded PNG, JPEG or WebP image after checking its header dimensions against the
/// per-texture limits and `pixels_left`, what remains of the model's
/// [`MAX_SCENE_TEXTURE_PIXELS`].
pub fn decode(bytes: &[u8], pixels_left: u64) -> Result<Texture, String> {
    if bytes.starts_with(super::ktx2::MAGIC) {
        return super::ktx2::decode(bytes, pixels_left);
    }
    let format = image::guess_format(bytes).map_err(|_| "not a PNG, JPEG or WebP image")?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(format!("{format:?} images are not decoded"));
    }
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("unreadable image header: {e}"))?;
    if width.max(height) > MAX_TEXTURE_SIDE
        || u64::from(width) * u64::from(height) > MAX_TEXTURE_PIXELS
    {
        return Err(format!(
            "{width} × {height} px is over the {MAX_TEXTURE_SIDE} px / {} Mpx limit",
            MAX_TEXTURE_PIXELS >> 20
        ));
    }
    if u64::from(width) * u64::from(height) > pixels_left {
        return Err(format!(
            "{width} × {height} px would take the model's textures past their {} Mpx limit",
            MAX_SCENE_TEXTURE_PIXELS >> 20
        ));
    }
    // RGBA8 plus the decoder's own working copy.
    let rgba = bounded_reader(bytes, format, 8)
        .decode()
        .map_err(|e| format!("cannot decode: {e}"))?
        .into_rgba8();
    Ok(Texture {
        width: rgba.width(),
        height: rgba.height(),
        rgba: rgba.into_raw(),
    })
}

/// A decoder of `bytes` as `format` that refuses images over [`MAX_TEXTURE_SIDE`] on a side and
/// allocations over `bytes_per_pixel` × [`MAX_TEXTURE_PIXELS`], whatever the image's header claims.
pub(crate) fn bounded_reader(
    bytes: &[u8],
    format: ImageFormat,
    bytes_per_pixel: u64,
) -> ImageReader<Cursor<&[u8]>> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_TEXTURE_SIDE);
    limits.max_image_height = Some(MAX_TEXTURE_SIDE);
    limits.max_alloc = Some(MAX_TEXTURE_PIXELS * bytes_per_pixel);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    reader
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 255]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_texture_past_what_is_left_of_the_models_budget_is_not_decoded() {
        let bytes = png(64, 32);
        let decoded = decode(&bytes, 64 * 32).expect("fits exactly");
        assert_eq!((decoded.width, decoded.height), (64, 32));
        let refused = decode(&bytes, 64 * 32 - 1).unwrap_err();
        assert!(refused.contains("past their"), "{refused}");
    }
}
