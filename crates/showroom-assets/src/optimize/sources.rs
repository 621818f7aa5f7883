//! Texture sources that live in an extension (`KHR_texture_basisu`, `EXT_texture_webp`) in the
//! delivery GLB: a core `source` whose image is of the extension's kind moves under the
//! extension, and the extension is required when a texture is left without a core (PNG or
//! JPEG) fallback, since a viewer without it would draw nothing.

use serde_json::{json, Value};

/// Moves core sources for which `is_kind(image)` holds under `extension`.
pub(crate) fn move_under(json: &mut Value, extension: &str, is_kind: impl Fn(u64) -> bool) {
    for texture in json["textures"].as_array_mut().into_iter().flatten() {
        let Some(object) = texture.as_object_mut() else {
            continue;
        };
        if let Some(source) = object
            .get("source")
            .and_then(Value::as_u64)
            .filter(|&s| is_kind(s))
        {
            object.remove("source");
            let extensions = object.entry("extensions").or_insert_with(|| json!({}));
            extensions[extension] = json!({ "source": source });
        }
    }
}

/// Makes an `extension`'s source the texture's core `source` where the texture has none, and
/// removes the extension: the plain GLB stores a core image (a transcode) in its place.
pub(crate) fn move_to_core(json: &mut Value, extension: &str) {
    for texture in json["textures"].as_array_mut().into_iter().flatten() {
        let Some(object) = texture.as_object_mut() else {
            continue;
        };
        let Some(extensions) = object.get_mut("extensions").and_then(Value::as_object_mut) else {
            continue;
        };
        let source = extensions
            .remove(extension)
            .and_then(|e| e.get("source").cloned());
        if extensions.is_empty() {
            object.remove("extensions");
        }
        if let Some(source) = source {
            object.entry("source").or_insert(source);
        }
    }
}

/// Requires `extension` when some texture uses it without a core fallback; run after the
/// extension lists were written.
pub(crate) fn require_without_fallback(json: &mut Value, extension: &str) {
    let required = json["textures"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["extensions"].get(extension).is_some() && t.get("source").is_none());
    if !required {
        return;
    }
    let list = json.as_object_mut().map(|root| {
        root.entry("extensionsRequired")
            .or_insert_with(|| json!([]))
    });
    if let Some(Value::Array(list)) = list {
        if !list.iter().any(|n| n == extension) {
            list.push(json!(extension));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_source_moves_under_the_extension_which_becomes_required() {
        let mut json = json!({"textures": [{"source": 0}, {"source": 1}]});
        move_under(&mut json, "KHR_texture_basisu", |i| i == 0);
        require_without_fallback(&mut json, "KHR_texture_basisu");
        assert_eq!(
            json["textures"][0],
            json!({"extensions": {"KHR_texture_basisu": {"source": 0}}})
        );
        assert_eq!(json["textures"][1], json!({"source": 1}));
        assert_eq!(json["extensionsRequired"], json!(["KHR_texture_basisu"]));
    }

    #[test]
    fn an_extension_source_becomes_the_core_source_only_where_there_is_none() {
        let mut json = json!({"textures": [
            {"extensions": {"KHR_texture_basisu": {"source": 2}}},
            {"source": 0, "extensions": {"KHR_texture_basisu": {"source": 1}}},
        ]});
        move_to_core(&mut json, "KHR_texture_basisu");
        assert_eq!(json["textures"][0], json!({"source": 2}));
        assert_eq!(json["textures"][1], json!({"source": 0}));
    }
}
