//! Brotli and gzip for text: JSON API responses, problem documents, pages and the OpenAPI
//! document, negotiated by `Accept-Encoding`, always with `Vary: Accept-Encoding`.
//!
//! Two paths: the cached storefront responses (product list, product detail, category tree) are
//! cached already compressed, in the encoding each request prefers, and leave with their
//! `Content-Encoding` already set (see [`super::precompressed`]); this layer skips them. Every
//! other text response (admin API, problems, pages, the OpenAPI document) is compressed on the
//! way out by tower-http's `CompressionLayer` at brotli quality 5.
//!
//! Only an allow-list of text media types is ever compressed. GLB models (often meshopt- or
//! Draco-compressed already), images, USDZ (a zip) and every other asset pass through as stored,
//! so their strong ETags, `Content-Length` and byte ranges stay exact. Bodies under 256 bytes are
//! left alone: the encoding overhead would outweigh the gain.

use axum::http::{header, Response};
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// The response layer.
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(5))
        .compress_when(SizeAbove::new(256).and(TextOnly))
}

/// Media types worth compressing: text, JSON and the like. Everything else is left alone.
#[derive(Debug, Clone, Copy)]
pub struct TextOnly;

impl Predicate for TextOnly {
    fn should_compress<B>(&self, response: &Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_compressible)
    }
}

fn is_compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/problem+json"
                | "application/javascript"
                | "application/xml"
                | "image/svg+xml"
        )
}

#[cfg(test)]
mod tests {
    use super::is_compressible;

    #[test]
    fn only_text_types_are_compressed() {
        for yes in [
            "application/json",
            "application/problem+json",
            "text/html; charset=utf-8",
            "text/css",
            "image/svg+xml",
        ] {
            assert!(is_compressible(yes), "{yes}");
        }
        for no in [
            "model/gltf-binary",
            "model/vnd.usdz+zip",
            "image/png",
            "image/webp",
            "application/octet-stream",
            "model/gltf+json",
        ] {
            assert!(!is_compressible(no), "{no}");
        }
    }
}
