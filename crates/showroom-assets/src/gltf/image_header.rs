//! Image format and pixel size from the first bytes of a PNG, JPEG, WebP or KTX2 file, without
//! decoding the image.
//!
//! [`sniff`] is told whether it sees the whole file (`complete`); running out of bytes is then
//! `UnexpectedEnd`, otherwise the image is only `Unknown` size. JPEG markers are walked segment
//! by segment to the first frame header, in one pass bounded by the bytes given.

use serde::{Deserialize, Serialize};

/// The encodings we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Png,
    Jpeg,
    Webp,
    Ktx2,
}

impl ImageFormat {
    pub fn mime_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Ktx2 => "image/ktx2",
        }
    }
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    Image {
        format: ImageFormat,
        width: u32,
        height: u32,
    },
    /// Format known, size not within the bytes given (the file was cut by the reader).
    SizeUnknown(ImageFormat),
    Unrecognized,
    Invalid(&'static str),
    UnexpectedEnd,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const KTX2_IDENTIFIER: &[u8] = b"\xabKTX 20\xbb\r\n\x1a\n";

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le24(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        0,
    ]))
}

pub(crate) fn sniff(bytes: &[u8], complete: bool) -> Sniff {
    let short = |format| {
        if complete {
            Sniff::UnexpectedEnd
        } else {
            Sniff::SizeUnknown(format)
        }
    };
    if bytes.starts_with(PNG_SIGNATURE) {
        return match (
            be32(bytes, 8),
            bytes.get(12..16),
            be32(bytes, 16),
            be32(bytes, 20),
        ) {
            (Some(13), Some(b"IHDR"), Some(w), Some(h)) if w > 0 && h > 0 => {
                image(ImageFormat::Png, w, h)
            }
            (Some(_), Some(_), Some(_), Some(_)) => {
                Sniff::Invalid("the PNG does not start with a valid IHDR chunk")
            }
            _ => short(ImageFormat::Png),
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        return jpeg(bytes, complete);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return webp(bytes).unwrap_or(short(ImageFormat::Webp));
    }
    if bytes.starts_with(KTX2_IDENTIFIER) {
        return match (le32(bytes, 20), le32(bytes, 24)) {
            (Some(w), Some(h)) => image(ImageFormat::Ktx2, w, h.max(1)),
            _ => short(ImageFormat::Ktx2),
        };
    }
    if complete
        && bytes.len() < 12
        && (PNG_SIGNATURE.starts_with(bytes) || KTX2_IDENTIFIER.starts_with(bytes))
    {
        return Sniff::UnexpectedEnd;
    }
    Sniff::Unrecognized
}

fn image(format: ImageFormat, width: u32, height: u32) -> Sniff {
    Sniff::Image {
        format,
        width,
        height,
    }
}

fn jpeg(bytes: &[u8], complete: bool) -> Sniff {
    let mut at = 2;
    loop {
        let Some(&marker_start) = bytes.get(at) else {
            return if complete {
                Sniff::UnexpectedEnd
            } else {
                Sniff::SizeUnknown(ImageFormat::Jpeg)
            };
        };
        if marker_start != 0xFF {
            return Sniff::Invalid("a JPEG segment does not start with 0xFF");
        }
        // Fill bytes: any number of 0xFF before the marker code.
        while bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at + 1) else {
            return if complete {
                Sniff::UnexpectedEnd
            } else {
                Sniff::SizeUnknown(ImageFormat::Jpeg)
            };
        };
        match marker {
            0x00 => return Sniff::Invalid("a JPEG marker 0x00 outside entropy-coded data"),
            0xD9 | 0xDA => {
                return Sniff::Invalid("the JPEG has no frame header before its scan data")
            }
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            _ => {}
        }
        let Some(length) = be16(bytes, at + 2) else {
            return if complete {
                Sniff::UnexpectedEnd
            } else {
                Sniff::SizeUnknown(ImageFormat::Jpeg)
            };
        };
        if length < 2 {
            return Sniff::Invalid("a JPEG segment length below 2");
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            return match (be16(bytes, at + 5), be16(bytes, at + 7)) {
                (Some(h), Some(w)) if w > 0 && h > 0 => image(ImageFormat::Jpeg, w, h),
                (Some(_), Some(_)) => Sniff::Invalid("the JPEG frame has a zero dimension"),
                _ if complete => Sniff::UnexpectedEnd,
                _ => Sniff::SizeUnknown(ImageFormat::Jpeg),
            };
        }
        at += 2 + length as usize;
    }
}

fn webp(bytes: &[u8]) -> Option<Sniff> {
    let chunk = bytes.get(12..16)?;
    Some(match chunk {
        b"VP8 " => {
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return Some(Sniff::Invalid("the WebP VP8 frame has no start code"));
            }
            let w = u32::from(u16::from_le_bytes([*bytes.get(26)?, *bytes.get(27)?]) & 0x3FFF);
            let h = u32::from(u16::from_le_bytes([*bytes.get(28)?, *bytes.get(29)?]) & 0x3FFF);
            image(ImageFormat::Webp, w, h)
        }
        b"VP8L" => {
            if *bytes.get(20)? != 0x2F {
                return Some(Sniff::Invalid("the WebP VP8L stream has no signature"));
            }
            let bits = le32(bytes, 21)?;
            image(
                ImageFormat::Webp,
                (bits & 0x3FFF) + 1,
                ((bits >> 14) & 0x3FFF) + 1,
            )
        }
        b"VP8X" => image(
            ImageFormat::Webp,
            le24(bytes, 24)? + 1,
            le24(bytes, 27)? + 1,
        ),
        _ => Sniff::Invalid("unknown WebP chunk"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_size_comes_from_ihdr() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 13]);
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&2048u32.to_be_bytes());
        png.extend_from_slice(&1000u32.to_be_bytes());
        assert_eq!(sniff(&png, true), image(ImageFormat::Png, 2048, 1000));
        assert_eq!(sniff(&png[..16], true), Sniff::UnexpectedEnd);
        assert_eq!(
            sniff(&png[..16], false),
            Sniff::SizeUnknown(ImageFormat::Png)
        );
    }

    #[test]
    fn jpeg_size_comes_from_the_frame_header() {
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xC0, 0, 11, 8, 0, 3, 0, 5, 3,
        ];
        assert_eq!(sniff(&jpeg, true), image(ImageFormat::Jpeg, 5, 3));
        assert!(matches!(
            sniff(&[0xFF, 0xD8, 0xFF, 0, 0, 0], true),
            Sniff::Invalid(_)
        ));
    }

    #[test]
    fn lossless_webp_size_is_decoded_from_packed_bits() {
        let mut webp = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        let bits: u32 = 99 | (49 << 14);
        webp.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(sniff(&webp, true), image(ImageFormat::Webp, 100, 50));
    }
}
