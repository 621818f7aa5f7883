//! The web front end's own files (`web/` at the repository root: CSS, our JavaScript modules,
//! the vendored model-viewer and its decoders), compiled into the binary and served under
//! content-hashed URLs with immutable caching.
//!
//! A URL is `/static/<hash>/<path>`, where `<hash>` is the SHA-256 (12 hex digits) of the file's
//! *group*: every file under the same top-level folder (`css/`, `js/`) or vendored package
//! (`vendor/draco/`) shares one hash. Sharing it keeps relative references working — our ES
//! modules import each other by relative path, three.js finds `draco_decoder.wasm` next to
//! `draco_wasm_wrapper.js` — while any change in a group still changes every URL in it.
//!
//! Guarantees: a URL names exactly one content forever (`Cache-Control: public,
//! max-age=31536000, immutable`, a strong `ETag`); a URL whose hash is not the current one is a
//! 404, never another version's bytes under the old name; text files (JS, CSS, WASM) leave
//! brotli- or gzip-compressed once, compressed on first use (or by [`warm_up`] at start-up) and
//! kept, never per request.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::delivery::precompressed;

/// Every file served, relative to `web/`. A unit test checks this list against the folder, so
/// a file added to `web/` and forgotten here fails the build's tests.
macro_rules! web_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/", $path)) as &[u8])),*]
    };
}

static FILES: &[(&str, &[u8])] = web_files![
    "css/site.css",
    "css/admin.css",
    "img/icon.svg",
    "js/site.js",
    "js/admin/admin.js",
    "js/admin/model.js",
    "js/admin/upload.js",
    "js/product.js",
    "js/viewer.js",
    "vendor/model-viewer/model-viewer.min.js",
    "vendor/draco/draco_decoder.wasm",
    "vendor/draco/draco_wasm_wrapper.js",
    "vendor/basis/basis_transcoder.js",
    "vendor/basis/basis_transcoder.wasm",
    "vendor/meshopt/meshopt_decoder.js",
];

/// One served file.
pub struct StaticFile {
    pub path: &'static str,
    pub bytes: &'static [u8],
    /// The group's hash, the URL segment.
    pub hash: String,
    /// `/static/<hash>/<path>`.
    pub url: String,
    content_type: &'static str,
    etag: HeaderValue,
    /// Identity, brotli and gzip framed together (see `precompressed`), made on first use.
    compressed: OnceLock<Bytes>,
}

struct Catalog {
    by_path: HashMap<&'static str, StaticFile>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(build);

fn group_of(path: &str) -> &str {
    let mut segments = path.splitn(3, '/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("vendor"), Some(package), Some(_)) => &path[.."vendor/".len() + package.len()],
        (Some(top), Some(_), _) => top,
        _ => path,
    }
}

fn build() -> Catalog {
    let mut groups: HashMap<&str, Sha256> = HashMap::new();
    for (path, bytes) in FILES {
        let hasher = groups.entry(group_of(path)).or_default();
        hasher.update(path.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let hashes: HashMap<&str, String> = groups
        .into_iter()
        .map(|(group, hasher)| (group, hex::encode(&hasher.finalize()[..6])))
        .collect();
    let by_path = FILES
        .iter()
        .map(|&(path, bytes)| {
            let hash = hashes[group_of(path)].clone();
            let file_hash = hex::encode(&Sha256::digest(bytes)[..12]);
            let file = StaticFile {
                path,
                bytes,
                url: format!("/static/{hash}/{path}"),
                hash,
                content_type: content_type(path),
                etag: HeaderValue::from_str(&format!("\"{file_hash}\"")).expect("hex is ASCII"),
                compressed: OnceLock::new(),
            };
            (path, file)
        })
        .collect();
    Catalog { by_path }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "application/octet-stream",
    }
}

fn is_compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type == "application/wasm"
        || content_type == "image/svg+xml"
}

/// The hashed URL of `path` (relative to `web/`). Panics on a path that is not served: every
/// caller names a constant, and the page tests render every template.
pub fn url(path: &str) -> &'static str {
    match CATALOG.by_path.get(path) {
        Some(file) => &file.url,
        None => panic!("web/{path} is not in the static file list"),
    }
}

/// The hashed folder URL of a vendored package (`vendor/draco` → `/static/<hash>/vendor/draco/`),
/// for loaders that find their files by name inside a folder.
pub fn folder_url(group: &str) -> String {
    let file = CATALOG
        .by_path
        .values()
        .find(|f| group_of(f.path) == group)
        .unwrap_or_else(|| panic!("web/{group} has no served file"));
    format!("/static/{}/{group}/", file.hash)
}

/// Compresses every text file ahead of the first request (a blocking task at start-up).
pub fn warm_up() {
    for file in CATALOG.by_path.values() {
        let _ = compressed(file);
    }
}

fn compressed(file: &StaticFile) -> Option<&Bytes> {
    is_compressible(file.content_type).then(|| {
        file.compressed
            .get_or_init(|| precompressed::encode_frame(file.bytes))
    })
}

pub async fn serve(Path((hash, path)): Path<(String, String)>, request: HeaderMap) -> Response {
    let Some(file) = CATALOG
        .by_path
        .get(path.as_str())
        .filter(|f| f.hash == hash)
    else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "no-store")],
            "no such static file",
        )
            .into_response();
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::ETAG, file.etag.clone());
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == file.etag.as_bytes());
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let body = match compressed(file).and_then(|frame| precompressed::pick(frame, &request)) {
        Some((body, encoding)) => {
            if let Some(coding) = encoding.header_value() {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            }
            body
        }
        None => Bytes::from_static(file.bytes),
    };
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed_on_disk(dir: &std::path::Path, prefix: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            if entry.file_type().unwrap().is_dir() {
                if name != "types" {
                    listed_on_disk(&entry.path(), &format!("{path}/"), out);
                }
            } else if [".css", ".js", ".wasm", ".svg", ".png", ".webp"]
                .iter()
                .any(|ext| name.ends_with(ext))
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_servable_file_in_web_is_listed() {
        let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
        let mut on_disk = Vec::new();
        listed_on_disk(&web, "", &mut on_disk);
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "web/ and the FILES list disagree");
    }

    #[test]
    fn files_of_one_group_share_a_hash_and_groups_differ() {
        let draco = folder_url("vendor/draco");
        assert!(url("vendor/draco/draco_decoder.wasm").starts_with(&draco));
        assert!(url("vendor/draco/draco_wasm_wrapper.js").starts_with(&draco));
        assert!(!url("vendor/basis/basis_transcoder.js").starts_with(&draco));
        let js = url("js/site.js").rsplit_once('/').unwrap().0.to_owned();
        assert_eq!(url("js/product.js").rsplit_once('/').unwrap().0, js);
        assert_eq!(group_of("css/site.css"), "css");
        assert_eq!(
            group_of("vendor/meshopt/meshopt_decoder.js"),
            "vendor/meshopt"
        );
    }
}
