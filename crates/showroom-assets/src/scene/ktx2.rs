//! KTX2 textures (`KHR_texture_basisu`: Basis Universal ETC1S or UASTC, optionally Zstandard
//! supercompressed) transcoded to RGBA8 for the posters, with the pure-Rust `basisu` crate.
//!
//! The file is untrusted, and the transcoder sizes its buffers from the header (a Zstandard
//! level is inflated to the length the level index declares), so [`check_header`] reads the
//! header and level index first and refuses before anything is allocated: a side over
//! [`MAX_TEXTURE_SIDE`] or a texture over [`MAX_TEXTURE_PIXELS`] (or over what is left of the
//! model's budget), arrays, cubemaps and 3D textures, more mip levels than the size allows, a
//! level whose bytes lie outside the file, and a level whose declared uncompressed length is
//! more than its 4 × 4 blocks can take (16 bytes each). The transcoder then runs inside
//! `catch_unwind`, so a defect of the decoder on a hostile file costs that texture, not the
//! worker. The largest level no wider than [`POSTER_TEXTURE_SIDE`] is transcoded: posters are
//! at most 1024 px, and a smaller mip is faster and no worse for them.

use basisu::{DecodeFlags, TargetFormat, Transcoder};

use super::texture::{Texture, MAX_SCENE_TEXTURE_PIXELS, MAX_TEXTURE_PIXELS, MAX_TEXTURE_SIDE};

/// The KTX2 file identifier.
pub const MAGIC: &[u8; 12] = b"\xabKTX 20\xbb\r\n\x1a\n";

/// Longest side of the mip level transcoded for posters (when the file has such a level).
pub const POSTER_TEXTURE_SIDE: u32 = 2048;

/// Bytes of the fixed header before the level index.
const HEADER_BYTES: usize = 80;
/// Bytes of one level index entry.
const LEVEL_BYTES: usize = 24;

/// What [`check_header`] found: the base size and the level index entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub levels: u32,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// Blocks of 4 × 4 pixels covering `width` × `height`.
fn blocks(width: u32, height: u32) -> u64 {
    u64::from(width.div_ceil(4)) * u64::from(height.div_ceil(4))
}

/// Checks the header and level index against the file's length and our limits, before the
/// transcoder allocates anything.
pub fn check_header(bytes: &[u8], pixels_left: u64) -> Result<Header, String> {
    let short = || "a truncated KTX2 header".to_owned();
    if !bytes.starts_with(MAGIC) {
        return Err("not a KTX2 file".to_owned());
    }
    let field = |i: usize| u32_at(bytes, 12 + 4 * i).ok_or_else(short);
    let (width, height, depth) = (field(2)?, field(3)?, field(4)?);
    let (layers, faces, levels) = (field(5)?, field(6)?, field(7)?);
    if width == 0 || height == 0 || depth > 1 || layers > 1 || faces != 1 {
        return Err(format!(
            "a {width} × {height} × {depth} KTX2 texture with {layers} layers and {faces} faces is not a 2D texture"
        ));
    }
    let pixels = u64::from(width) * u64::from(height);
    if width.max(height) > MAX_TEXTURE_SIDE || pixels > MAX_TEXTURE_PIXELS {
        return Err(format!(
            "{width} × {height} px is over the {MAX_TEXTURE_SIDE} px / {} Mpx limit",
            MAX_TEXTURE_PIXELS >> 20
        ));
    }
    if pixels > pixels_left {
        return Err(format!(
            "{width} × {height} px would take the model's textures past their {} Mpx limit",
            MAX_SCENE_TEXTURE_PIXELS >> 20
        ));
    }
    let most_levels = 32 - width.max(height).leading_zeros();
    if levels > most_levels {
        return Err(format!(
            "{levels} mip levels, more than a {width} × {height} texture has"
        ));
    }
    let entries = levels.max(1) as usize;
    for level in 0..entries {
        let at = HEADER_BYTES + level * LEVEL_BYTES;
        let (offset, length, unpacked) = (
            u64_at(bytes, at).ok_or_else(short)?,
            u64_at(bytes, at + 8).ok_or_else(short)?,
            u64_at(bytes, at + 16).ok_or_else(short)?,
        );
        if offset
            .checked_add(length)
            .is_none_or(|end| end > bytes.len() as u64)
        {
            return Err(format!("mip level {level} lies outside the file"));
        }
        let (w, h) = ((width >> level).max(1), (height >> level).max(1));
        if unpacked > blocks(w, h) * 16 {
            return Err(format!(
                "mip level {level} declares {unpacked} bytes, more than a {w} × {h} level holds"
            ));
        }
    }
    // The supercompression global data (ETC1S codebooks) must lie inside the file too.
    let (sgd_offset, sgd_length) = (
        u64_at(bytes, 64).ok_or_else(short)?,
        u64_at(bytes, 72).ok_or_else(short)?,
    );
    if sgd_offset
        .checked_add(sgd_length)
        .is_none_or(|end| end > bytes.len() as u64)
    {
        return Err("the supercompression data lies outside the file".to_owned());
    }
    Ok(Header {
        width,
        height,
        levels: levels.max(1),
    })
}

/// Transcodes a KTX2 Basis Universal texture to RGBA8, rows top to bottom (glTF's KTX2
/// images are stored with the first row at the top).
pub fn decode(bytes: &[u8], pixels_left: u64) -> Result<Texture, String> {
    let header = check_header(bytes, pixels_left)?;
    let level = (0..header.levels)
        .find(|l| (header.width.max(header.height) >> l) <= POSTER_TEXTURE_SIDE)
        .unwrap_or(0);
    std::panic::catch_unwind(|| transcode(bytes, level))
        .unwrap_or_else(|_| Err("the KTX2 transcoder failed on this file".to_owned()))
}

fn transcode(bytes: &[u8], level: u32) -> Result<Texture, String> {
    let transcoder =
        Transcoder::new(bytes).map_err(|e| format!("not a Basis Universal KTX2 file: {e:?}"))?;
    let info = transcoder
        .image_level_info(level)
        .map_err(|e| format!("mip level {level}: {e:?}"))?;
    let rgba = transcoder
        .transcode(level, TargetFormat::Rgba32, DecodeFlags::NONE)
        .map_err(|e| format!("cannot transcode mip level {level}: {e:?}"))?;
    let (width, height) = (info.width, info.height);
    if rgba.len() as u64 != u64::from(width) * u64::from(height) * 4 {
        return Err(format!(
            "the transcoder gave {} bytes for {width} × {height} px",
            rgba.len()
        ));
    }
    Ok(Texture {
        width,
        height,
        rgba,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with one level of `width` × `height` whose bytes follow the level index.
    fn header(width: u32, height: u32, levels: u32, unpacked: u64) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        for v in [0, 1, width, height, 0, 0, 1, levels, 2, 0, 0, 0, 0] {
            bytes.extend_from_slice(&u32::to_le_bytes(v));
        }
        bytes.extend_from_slice(&[0; 16]);
        assert_eq!(bytes.len(), HEADER_BYTES);
        let data = (HEADER_BYTES + LEVEL_BYTES * levels.max(1) as usize) as u64;
        for _ in 0..levels.max(1) {
            for v in [data, 16, unpacked] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        bytes.extend_from_slice(&[0; 16]);
        bytes
    }

    #[test]
    fn a_well_formed_header_passes() {
        let bytes = header(64, 32, 1, 16 * 16 * 8);
        let found = check_header(&bytes, u64::MAX).unwrap();
        assert_eq!((found.width, found.height, found.levels), (64, 32, 1));
    }

    #[test]
    fn a_level_declaring_more_bytes_than_its_blocks_is_refused_before_allocating() {
        let bytes = header(64, 32, 1, 16 * 16 * 8 + 1);
        let refused = check_header(&bytes, u64::MAX).unwrap_err();
        assert!(refused.contains("more than a 64 × 32 level"), "{refused}");
        // The transcoder is never reached: decode gives the same reason.
        assert_eq!(decode(&bytes, u64::MAX).unwrap_err(), refused);
    }

    #[test]
    fn sizes_and_mip_counts_past_the_limits_are_refused() {
        let too_wide = header(MAX_TEXTURE_SIDE + 1, 4, 1, 0);
        assert!(check_header(&too_wide, u64::MAX)
            .unwrap_err()
            .contains("limit"));
        let many_levels = header(4, 4, 4, 0);
        assert!(check_header(&many_levels, u64::MAX)
            .unwrap_err()
            .contains("mip levels"));
        let over_budget = header(64, 64, 1, 0);
        assert!(check_header(&over_budget, 64 * 64 - 1)
            .unwrap_err()
            .contains("past their"));
    }

    #[test]
    fn a_level_outside_the_file_and_a_truncated_header_are_refused() {
        let mut bytes = header(8, 8, 1, 64);
        bytes.truncate(bytes.len() - 1);
        assert!(check_header(&bytes, u64::MAX)
            .unwrap_err()
            .contains("outside the file"));
        assert!(check_header(&bytes[..40], u64::MAX)
            .unwrap_err()
            .contains("truncated"));
    }
}
