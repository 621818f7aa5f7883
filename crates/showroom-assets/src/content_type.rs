//! The media type to serve a stored file with, chosen by its extension alone.
//!
//! The answer is always one of a fixed set of `'static` strings, so it is safe to put straight
//! into a `Content-Type` header; anything unknown is `application/octet-stream`.

/// The media type for `file_name`, by its (case-insensitive) extension.
pub fn content_type_for(file_name: &str) -> &'static str {
    let extension = match file_name.rsplit_once('.') {
        Some((_, extension)) => extension.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match extension.as_str() {
        "glb" => "model/gltf-binary",
        "gltf" => "model/gltf+json",
        "usdz" => "model/vnd.usdz+zip",
        "png" => "image/png",
        "webp" => "image/webp",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type_for;

    #[test]
    fn known_extensions_map_to_their_media_types() {
        assert_eq!(content_type_for("model.glb"), "model/gltf-binary");
        assert_eq!(content_type_for("scene.GLTF"), "model/gltf+json");
        assert_eq!(content_type_for("model.usdz"), "model/vnd.usdz+zip");
        assert_eq!(content_type_for("poster.png"), "image/png");
        assert_eq!(content_type_for("poster.webp"), "image/webp");
        assert_eq!(content_type_for("poster.jpg"), "image/jpeg");
        assert_eq!(content_type_for("poster.jpeg"), "image/jpeg");
    }

    #[test]
    fn unknown_or_missing_extensions_are_octet_stream() {
        assert_eq!(content_type_for("original"), "application/octet-stream");
        assert_eq!(content_type_for("x.exe"), "application/octet-stream");
    }
}
