//! KTX2 (`KHR_texture_basisu`) images are never dropped: the delivery GLB carries them byte
//! for byte (the viewer transcodes them on the GPU's side), under `KHR_texture_basisu` as the
//! extension requires; a texture that had a KTX2 file as its core `source` (as some exporters
//! write) is moved there. When a texture has no PNG or JPEG fallback the extension is required.
//!
//! The plain GLB (Scene Viewer, old clients: core glTF only) cannot carry KTX2, so it leaves
//! those images out and its materials draw from their factors, as the report says.

use serde_json::{json, Value};

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

/// Moves KTX2 core sources under `KHR_texture_basisu`. `is_ktx2(image)` tells which output
/// images are KTX2.
pub(crate) fn move_to_basisu(json: &mut Value, is_ktx2: impl Fn(u64) -> bool) {
    for texture in json["textures"].as_array_mut().into_iter().flatten() {
        let Some(object) = texture.as_object_mut() else {
            continue;
        };
        if let Some(source) = object
            .get("source")
            .and_then(Value::as_u64)
            .filter(|&s| is_ktx2(s))
        {
            object.remove("source");
            let extensions = object.entry("extensions").or_insert_with(|| json!({}));
            extensions[EXTENSION] = json!({ "source": source });
        }
    }
}

/// Requires `KHR_texture_basisu` when some texture has no core (PNG or JPEG) fallback; run
/// after the extension lists were written.
pub(crate) fn require_without_fallback(json: &mut Value) {
    let required = json["textures"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["extensions"].get(EXTENSION).is_some() && t.get("source").is_none());
    if !required {
        return;
    }
    let list = json.as_object_mut().map(|root| {
        root.entry("extensionsRequired")
            .or_insert_with(|| json!([]))
    });
    if let Some(Value::Array(list)) = list {
        if !list.iter().any(|n| n == EXTENSION) {
            list.push(json!(EXTENSION));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ktx2_core_source_moves_under_the_extension_which_becomes_required() {
        let mut json = json!({
            "extensionsUsed": ["KHR_texture_basisu"],
            "textures": [{"source": 0}, {"source": 1}],
        });
        move_to_basisu(&mut json, |i| i == 0);
        require_without_fallback(&mut json);
        assert_eq!(
            json["textures"][0],
            json!({"extensions": {EXTENSION: {"source": 0}}})
        );
        assert_eq!(json["textures"][1], json!({"source": 1}));
        assert_eq!(json["extensionsRequired"], json!([EXTENSION]));
    }

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
