//! The one pass behind [`validate`](super::validate) and [`inspect`](super::inspect):
//! container → JSON → typed document → buffers and ranges → mesh, node and data rules → image
//! headers. Each stage records its problems and hands the next only what it proved usable.

use std::path::Path;

use super::binary;
use super::document::Document;
use super::images::{self, ImageFacts};
use super::limits::MAX_RESOURCE_BYTES;
use super::problem::Validation;
use super::resource::{Budget, Resolver};
use super::{accessor_data, glb, mesh, nodes, parse};

/// The container of the main file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Binary glTF: a 12-byte header, a JSON chunk and an optional BIN chunk.
    Glb,
    /// JSON glTF, with resources beside it or embedded as data URIs.
    Gltf,
}

impl Format {
    /// By file extension (`.glb`, `.gltf`), else by the GLB magic at the start of `bytes`.
    pub fn detect(path: &Path, bytes: &[u8]) -> Self {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("glb") => Format::Glb,
            Some("gltf") => Format::Gltf,
            _ if bytes.starts_with(b"glTF") => Format::Glb,
            _ => Format::Gltf,
        }
    }
}

/// Everything the checks learned, for the inspector.
pub(crate) struct Analysis {
    pub doc: Document,
    pub images: Vec<ImageFacts>,
    /// Bytes of the main file and of every resource read (images at their real size).
    pub total_bytes: u64,
}

/// An [`Analysis`] with the loaded bytes it was made from, for decoders that read the data
/// (the scene decoder): `binary` holds only ranges the checks proved to exist.
pub(crate) struct Parts<'a> {
    pub analysis: Analysis,
    pub binary: binary::Binary<'a>,
    /// The JSON text (the GLB's JSON chunk, or the whole `.gltf`).
    pub json: &'a [u8],
}

pub(crate) fn analyze(
    bytes: &[u8],
    format: Format,
    resolver: &dyn Resolver,
    report: &mut Validation,
) -> Option<Analysis> {
    analyze_parts(bytes, format, resolver, report).map(|parts| parts.analysis)
}

pub(crate) fn analyze_parts<'a>(
    bytes: &'a [u8],
    format: Format,
    resolver: &dyn Resolver,
    report: &mut Validation,
) -> Option<Parts<'a>> {
    let (json, bin) = match format {
        Format::Glb => {
            let container = glb::split(bytes, report)?;
            (container.json, container.bin)
        }
        Format::Gltf => (bytes, None),
    };
    let doc = parse::parse(json, report)?;
    let mut budget = Budget {
        remaining: MAX_RESOURCE_BYTES,
    };
    let binary = binary::load(
        &doc,
        bin,
        format == Format::Glb,
        resolver,
        &mut budget,
        report,
    );
    mesh::check(&doc, report);
    nodes::check(&doc, report);
    accessor_data::check(&doc, &binary, report);
    let images = images::check(&doc, &binary, resolver, &mut budget, report);
    let external_buffers: u64 = doc
        .buffers
        .iter()
        .zip(&binary.buffers)
        .filter(|(b, _)| is_external(b.uri.as_deref()))
        .map(|(_, data)| data.as_ref().map_or(0, |d| d.len() as u64))
        .sum();
    let external_images: u64 = doc
        .images
        .iter()
        .zip(&images)
        .filter(|(i, _)| is_external(i.uri.as_deref()))
        .map(|(_, facts)| facts.bytes)
        .sum();
    Some(Parts {
        analysis: Analysis {
            total_bytes: bytes.len() as u64 + external_buffers + external_images,
            doc,
            images,
        },
        binary,
        json,
    })
}

/// A resource stored in its own file (data URIs are already counted in the main file).
fn is_external(uri: Option<&str>) -> bool {
    uri.is_some_and(|u| !u.starts_with("data:"))
}
