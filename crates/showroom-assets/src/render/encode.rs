//! Poster files: PNG, or lossless WebP, through the `image` crate's encoders.

use std::io::Cursor;

use image::{ImageFormat, RgbaImage};

/// The file formats a poster is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosterFormat {
    Png,
    /// Lossless WebP.
    Webp,
}

impl PosterFormat {
    /// The file extension (and the CLI's name for the format).
    pub fn extension(self) -> &'static str {
        match self {
            PosterFormat::Png => "png",
            PosterFormat::Webp => "webp",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "png" => Some(PosterFormat::Png),
            "webp" => Some(PosterFormat::Webp),
            _ => None,
        }
    }
}

/// Encodes a poster.
pub fn encode(image: &RgbaImage, format: PosterFormat) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Cursor::new(Vec::new());
    let format = match format {
        PosterFormat::Png => ImageFormat::Png,
        PosterFormat::Webp => ImageFormat::WebP,
    };
    image.write_to(&mut out, format)?;
    Ok(out.into_inner())
}
