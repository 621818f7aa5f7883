//! Splits a GLB container into its JSON chunk and its optional BIN chunk.
//!
//! Checks the 12-byte header (magic `glTF`, version 2, total length against the real byte
//! count), then walks the chunks: each header must be complete, each length a multiple of 4 and
//! inside the file, the first chunk JSON, a BIN chunk only second, unknown chunk types skipped
//! with a warning. Nothing is copied: the chunks are slices of the input.

use super::problem::Validation;

const MAGIC: &[u8; 4] = b"glTF";
const CHUNK_JSON: u32 = 0x4E4F_534A;
const CHUNK_BIN: u32 = 0x004E_4942;

/// The chunks of a GLB file.
pub(crate) struct Container<'a> {
    pub json: &'a [u8],
    pub bin: Option<&'a [u8]>,
}

fn u32_at(bytes: &[u8], offset: usize) -> Option<u32> {
    let word = bytes.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
}

/// Returns the chunks, or `None` (with errors recorded) when no JSON chunk can be found.
pub(crate) fn split<'a>(bytes: &'a [u8], report: &mut Validation) -> Option<Container<'a>> {
    if bytes.len() < 12 {
        report.error(
            "GLB_UNEXPECTED_END_OF_HEADER",
            "",
            format!(
                "the GLB header needs 12 bytes, the file has {}",
                bytes.len()
            ),
        );
        return None;
    }
    if &bytes[0..4] != MAGIC {
        report.error(
            "GLB_INVALID_MAGIC",
            "",
            "the file does not start with the GLB magic `glTF`",
        );
        return None;
    }
    let version = u32_at(bytes, 4)?;
    if version != 2 {
        report.error(
            "GLB_INVALID_VERSION",
            "",
            format!("GLB version {version} is not supported (only 2)"),
        );
        return None;
    }
    let declared = u32_at(bytes, 8)? as usize;
    let end = if declared > bytes.len() {
        report.error(
            "GLB_LENGTH_MISMATCH",
            "",
            format!(
                "the header declares {declared} bytes, the file has {}",
                bytes.len()
            ),
        );
        bytes.len()
    } else {
        if declared < bytes.len() {
            report.warning(
                "GLB_EXTRA_DATA",
                "",
                format!(
                    "{} bytes follow the declared end of the GLB at byte {declared}",
                    bytes.len() - declared
                ),
            );
        }
        declared
    };
    walk_chunks(&bytes[..end], report)
}

fn walk_chunks<'a>(bytes: &'a [u8], report: &mut Validation) -> Option<Container<'a>> {
    let mut json = None;
    let mut bin = None;
    let mut offset = 12usize;
    let mut index = 0usize;
    while offset < bytes.len() {
        let (Some(length), Some(kind)) = (u32_at(bytes, offset), u32_at(bytes, offset + 4)) else {
            report.error(
                "GLB_UNEXPECTED_END_OF_CHUNK_HEADER",
                "",
                format!("a chunk header at byte {offset} is cut short by the end of the file"),
            );
            break;
        };
        let length = length as usize;
        if !length.is_multiple_of(4) {
            report.error(
                "GLB_CHUNK_LENGTH_UNALIGNED",
                "",
                format!("the chunk at byte {offset} has length {length}, not a multiple of 4"),
            );
        }
        let start = offset + 8;
        let available = bytes.len() - start.min(bytes.len());
        let data = if length > available {
            report.error(
                "GLB_UNEXPECTED_END_OF_CHUNK_DATA",
                "",
                format!(
                    "the chunk at byte {offset} declares {length} bytes, only {available} remain"
                ),
            );
            &bytes[start.min(bytes.len())..]
        } else {
            &bytes[start..start + length]
        };
        match (kind, index) {
            (CHUNK_JSON, 0) => json = Some(data),
            (CHUNK_JSON, _) => report.error(
                "GLB_DUPLICATE_CHUNK",
                "",
                format!("a second JSON chunk at byte {offset}"),
            ),
            (CHUNK_BIN, 1) => bin = Some(data),
            (CHUNK_BIN, 0) => report.error(
                "GLB_UNEXPECTED_FIRST_CHUNK",
                "",
                "the first chunk must be JSON, found BIN",
            ),
            (CHUNK_BIN, _) => report.error(
                "GLB_UNEXPECTED_BIN_CHUNK",
                "",
                format!("a BIN chunk at byte {offset}: it may only be the second chunk"),
            ),
            (_, 0) => report.error(
                "GLB_UNEXPECTED_FIRST_CHUNK",
                "",
                format!("the first chunk must be JSON, found type 0x{kind:08x}"),
            ),
            _ => report.warning(
                "GLB_UNKNOWN_CHUNK_TYPE",
                "",
                format!("unknown chunk type 0x{kind:08x} at byte {offset} is ignored"),
            ),
        }
        index += 1;
        offset = start.saturating_add(length);
    }
    match json {
        Some(json) => Some(Container { json, bin }),
        None => {
            if index == 0 {
                report.error("GLB_MISSING_JSON_CHUNK", "", "the GLB has no chunks");
            }
            None
        }
    }
}
