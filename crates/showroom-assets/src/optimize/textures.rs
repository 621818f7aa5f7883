//! Images for both outputs: kept, resized, re-encoded, deduplicated or dropped.
//!
//! - A PNG or JPEG whose sides are within the limit is kept byte for byte (re-encoding a JPEG
//!   losslessly would only make it bigger, and lossy again would lose quality for nothing).
//! - A larger PNG, JPEG or WebP is decoded (after its header passed the scene decoder's
//!   8192 px / 64 Mpx limits, and with the decoder held to them), scaled so its longest side is
//!   the limit (aspect kept, a power of two stays one), and re-encoded in its own format: JPEG at
//!   [`OptimizeOptions::jpeg_quality`], PNG losslessly in its own colour type.
//! - WebP within the limit is re-encoded as PNG: core glTF (the plain GLB) has no WebP.
//! - KTX2 is kept byte for byte ([`super::ktx2`]): the delivery GLB carries it; the plain GLB
//!   (core glTF) takes its transcode instead, as JPEG when opaque and PNG otherwise, scaled to
//!   the limit ([`plain_stand_in`]), so Scene Viewer, the posters and the USDZ show it too.
//! - Anything we cannot decode (a corrupt or oversized file) is dropped with a warning, and the textures that used it are removed from the materials,
//!   which then draw from their factors, as our renderer does for the input.
//! - Identical results are stored once.
//!
//! Images are independent, so they are processed on up to
//! `available_parallelism` threads; the result does not depend on the thread count.

use std::collections::HashMap;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageEncoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

use super::report::{OptimizeReport, TextureAction, TextureReport};
use super::source::Source;
use super::OptimizeOptions;
use crate::gltf::limits::MAX_RESOURCE_BYTES;
use crate::gltf::Resolver;
use crate::scene::texture::{bounded_reader, read_uri, MAX_TEXTURE_PIXELS, MAX_TEXTURE_SIDE};

/// An image as stored in the outputs.
pub(crate) struct OutImage {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub name: Option<String>,
    /// What the plain GLB stores instead (bytes, MIME type): the PNG or JPEG transcode of a
    /// KTX2 image; `None` for every other image, and for a KTX2 we could not transcode.
    pub plain: Option<(Vec<u8>, &'static str)>,
}

/// The outputs' images, and which one each input image became.
pub(crate) struct Prepared {
    /// `None` where the input image was dropped.
    pub map: Vec<Option<usize>>,
    pub images: Vec<OutImage>,
    /// Per image: its lossy WebP for the delivery GLB, where one is smaller
    /// ([`super::webp`]; empty until encoded).
    pub webp: Vec<Option<Vec<u8>>>,
}

/// The outcome for one input image, before deduplication.
struct Processed {
    result: Result<(Vec<u8>, &'static str, [u32; 2]), String>,
    plain: Option<(Vec<u8>, &'static str)>,
    action: TextureAction,
    mime_before: Option<String>,
    size_before: Option<[u32; 2]>,
    bytes_before: u64,
}

pub(crate) fn prepare(
    input: &Source<'_>,
    resolver: &dyn Resolver,
    options: &OptimizeOptions,
    report: &mut OptimizeReport,
) -> Prepared {
    let doc = input.doc();
    // External images are read whole here (the validator read only their headers), under the
    // same total as every other resource of the asset.
    let mut remaining = MAX_RESOURCE_BYTES;
    let sources: Vec<Result<Vec<u8>, String>> = doc
        .images
        .iter()
        .map(|image| match (&image.uri, image.buffer_view) {
            (Some(uri), _) => {
                let read = read_uri(uri, resolver, remaining);
                if let Ok(bytes) = &read {
                    remaining = remaining.saturating_sub(bytes.len() as u64);
                }
                read
            }
            (None, Some(view)) => input
                .parts
                .binary
                .view(view)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| "its bufferView is not readable".to_owned()),
            (None, None) => Err("it has no data".to_owned()),
        })
        .collect();
    let processed = process_all(&sources, options);
    let mut prepared = Prepared {
        map: Vec::with_capacity(processed.len()),
        images: Vec::new(),
        webp: Vec::new(),
    };
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    for (i, p) in processed.into_iter().enumerate() {
        let name = input.json["images"][i]["name"].as_str().map(str::to_owned);
        let mut entry = TextureReport {
            image: i,
            name: name.clone(),
            action: p.action,
            mime_type: p.mime_before,
            size_before: p.size_before,
            size_after: None,
            bytes_before: p.bytes_before,
            bytes_after: 0,
            reason: None,
        };
        match p.result {
            Ok((bytes, mime, size)) => {
                entry.size_after = Some(size);
                entry.bytes_after = bytes.len() as u64;
                let digest: [u8; 32] = Sha256::digest(&bytes).into();
                if let Some(&earlier) = seen.get(&digest) {
                    entry.action = TextureAction::Deduplicated;
                    prepared.map.push(Some(earlier));
                } else {
                    seen.insert(digest, prepared.images.len());
                    prepared.map.push(Some(prepared.images.len()));
                    prepared.images.push(OutImage {
                        bytes,
                        mime,
                        name,
                        plain: p.plain,
                    });
                }
            }
            Err(reason) => {
                report.warnings.push(format!(
                    "/images/{i} dropped: {reason}; its textures were removed and the materials use their factors"
                ));
                entry.action = TextureAction::Dropped;
                entry.reason = Some(reason);
                prepared.map.push(None);
            }
        }
        report.textures.push(entry);
    }
    prepared
}

/// Processes every image, spread over the available cores, in input order.
fn process_all(sources: &[Result<Vec<u8>, String>], options: &OptimizeOptions) -> Vec<Processed> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sources.len().max(1));
    if threads <= 1 {
        return sources.iter().map(|s| process(s, options)).collect();
    }
    let mut out: Vec<Option<Processed>> = (0..sources.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..sources.len())
                        .step_by(threads)
                        .map(|i| (i, process(&sources[i], options)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            // A panic inside the image codecs is not expected; it would leave the image dropped.
            if let Ok(done) = worker.join() {
                for (i, p) in done {
                    out[i] = Some(p);
                }
            }
        }
    });
    out.into_iter()
        .map(|p| {
            p.unwrap_or(Processed {
                result: Err("the image could not be processed".to_owned()),
                plain: None,
                action: TextureAction::Dropped,
                mime_before: None,
                size_before: None,
                bytes_before: 0,
            })
        })
        .collect()
}

fn process(source: &Result<Vec<u8>, String>, options: &OptimizeOptions) -> Processed {
    let mut processed = Processed {
        result: Err(String::new()),
        plain: None,
        action: TextureAction::Dropped,
        mime_before: None,
        size_before: None,
        bytes_before: 0,
    };
    let bytes = match source {
        Ok(bytes) => bytes,
        Err(reason) => {
            processed.result = Err(format!("unreadable: {reason}"));
            return processed;
        }
    };
    processed.bytes_before = bytes.len() as u64;
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => f,
        _ if super::ktx2::size(bytes).is_some() => {
            // Passed through: the delivery GLB carries it under KHR_texture_basisu.
            let size = super::ktx2::size(bytes).unwrap_or([0, 0]);
            processed.mime_before = Some(super::ktx2::MIME.to_owned());
            processed.size_before = Some(size);
            processed.action = TextureAction::Kept;
            processed.result = Ok((bytes.clone(), super::ktx2::MIME, size));
            processed.plain = plain_stand_in(bytes, options).ok();
            return processed;
        }
        _ => {
            processed.result = Err("not a PNG, JPEG or WebP image".to_owned());
            return processed;
        }
    };
    processed.mime_before = Some(format.to_mime_type().to_owned());
    let (width, height) =
        match ImageReader::with_format(Cursor::new(bytes), format).into_dimensions() {
            Ok(size) => size,
            Err(e) => {
                processed.result = Err(format!("unreadable image header: {e}"));
                return processed;
            }
        };
    processed.size_before = Some([width, height]);
    let fits = width.max(height) <= options.max_texture_px;
    if fits && format != ImageFormat::WebP {
        processed.action = TextureAction::Kept;
        processed.result = Ok((bytes.clone(), format.to_mime_type(), [width, height]));
        return processed;
    }
    processed.action = if fits {
        TextureAction::Reencoded
    } else {
        TextureAction::Resized
    };
    processed.result = reencode(bytes, format, [width, height], options);
    processed
}

/// The plain GLB's stand-in for a KTX2 image: transcoded (under the scene decoder's limits),
/// scaled to the texture limit, and encoded as JPEG when every pixel is opaque, else PNG.
fn plain_stand_in(
    bytes: &[u8],
    options: &OptimizeOptions,
) -> Result<(Vec<u8>, &'static str), String> {
    let texture = crate::scene::ktx2::decode(bytes, MAX_TEXTURE_PIXELS)?;
    let rgba = image::RgbaImage::from_raw(texture.width, texture.height, texture.rgba)
        .ok_or("the transcoded size does not match its pixels")?;
    let opaque = rgba.pixels().all(|p| p.0[3] == 255);
    let image = DynamicImage::ImageRgba8(rgba);
    let image = fit(image, options.max_texture_px);
    let mut out = Vec::new();
    if opaque {
        let encoder = JpegEncoder::new_with_quality(&mut out, options.jpeg_quality);
        image
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(|e| format!("cannot encode JPEG: {e}"))?;
        return Ok((out, "image/jpeg"));
    }
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive);
    encoder
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .map_err(|e| format!("cannot encode PNG: {e}"))?;
    Ok((out, "image/png"))
}

/// `image` scaled so its longest side is at most `max_px` (aspect kept).
fn fit(image: DynamicImage, max_px: u32) -> DynamicImage {
    let (width, height) = (image.width(), image.height());
    let longest = width.max(height);
    if longest <= max_px {
        return image;
    }
    let scale = f64::from(max_px) / f64::from(longest);
    let w = ((f64::from(width) * scale).round() as u32).clamp(1, max_px);
    let h = ((f64::from(height) * scale).round() as u32).clamp(1, max_px);
    image.resize_exact(w, h, FilterType::Triangle)
}

fn reencode(
    bytes: &[u8],
    format: ImageFormat,
    [width, height]: [u32; 2],
    options: &OptimizeOptions,
) -> Result<(Vec<u8>, &'static str, [u32; 2]), String> {
    if width.max(height) > MAX_TEXTURE_SIDE
        || u64::from(width) * u64::from(height) > MAX_TEXTURE_PIXELS
    {
        return Err(format!(
            "{width} × {height} px is over the {MAX_TEXTURE_SIDE} px / {} Mpx we decode",
            MAX_TEXTURE_PIXELS >> 20
        ));
    }
    let decoded = bounded_reader(bytes, format, 16)
        .decode()
        .map_err(|e| format!("cannot decode: {e}"))?;
    let image = fit(decoded, options.max_texture_px);
    let size = [image.width(), image.height()];
    let mut out = Vec::new();
    if format == ImageFormat::Jpeg {
        let encoder = JpegEncoder::new_with_quality(&mut out, options.jpeg_quality);
        let result = match image {
            DynamicImage::ImageLuma8(gray) => gray.write_with_encoder(encoder),
            other => other.to_rgb8().write_with_encoder(encoder),
        };
        result.map_err(|e| format!("cannot encode JPEG: {e}"))?;
        return Ok((out, "image/jpeg", size));
    }
    let image = match image {
        // PNG carries 8- and 16-bit grey and colour, with or without alpha; floats it cannot.
        DynamicImage::ImageRgb32F(_) | DynamicImage::ImageRgba32F(_) => {
            DynamicImage::ImageRgba16(image.to_rgba16())
        }
        other => other,
    };
    let encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive);
    encoder
        .write_image(image.as_bytes(), size[0], size[1], image.color().into())
        .map_err(|e| format!("cannot encode PNG: {e}"))?;
    Ok((out, "image/png", size))
}
