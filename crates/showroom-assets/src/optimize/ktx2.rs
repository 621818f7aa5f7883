//! KTX2 (`KHR_texture_basisu`) images are never dropped: the delivery GLB carries them byte
//! for byte (the viewer transcodes them on the GPU's side), under `KHR_texture_basisu` as the
//! extension requires; a texture that had a KTX2 file as its core `source` (as some exporters
//! write) is moved there ([`super::sources`]).
//!
//! The plain GLB (Scene Viewer, old clients: core glTF only) cannot carry KTX2, so it leaves
//! those images out and its materials draw from their factors, as the report says.

pub(crate) const EXTENSION: &str = "KHR_texture_basisu";
pub(crate) const MIME: &str = "image/ktx2";
const IDENTIFIER: &[u8] = b"\xabKTX 20\xbb\r\n\x1a\n";

/// The pixel size in a KTX2 header; `None` when `bytes` is not a KTX2 file.
pub(crate) fn size(bytes: &[u8]) -> Option<[u32; 2]> {
    if !bytes.starts_with(IDENTIFIER) {
        return None;
    }
    let le32 = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some([le32(20)?, le32(24)?.max(1)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_gives_the_size() {
        let mut bytes = IDENTIFIER.to_vec();
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&512u32.to_le_bytes());
        bytes.extend_from_slice(&256u32.to_le_bytes());
        assert_eq!(size(&bytes), Some([512, 256]));
        assert_eq!(size(b"\x89PNG"), None);
    }
}
