//! Our own bounded glTF 2.0 validator and inspector, for untrusted uploads.
//!
//! - [`validate`] checks a `.glb` or `.gltf` (with its resources through a [`Resolver`]) and
//!   returns every [`Problem`] with a Khronos-style code, a severity and a JSON pointer.
//! - [`inspect`] reports what a shop needs: triangles, vertices, draw calls, materials,
//!   textures, extensions, material variants, and the real-world size from the world-space
//!   bounding box, plus 3D Commerce guideline warnings.
//! - [`AssetFile`] opens a file from disk with its directory as the resolver.
//!
//! Guarantees, for any input bytes: no panic; memory bounded by the real input and the
//! [`limits`] (declared sizes are compared with real bytes before anything is allocated);
//! time linear in the input (each stage is one pass, accessor scans are budgeted); no URL is
//! ever fetched and no file outside the asset's directory is ever read.
//!
//! The `gltf` crate is not used here: it rejects some valid files (quantized attributes
//! required) and panics on others, so the JSON is walked as `serde_json::Value` and accessors
//! are decoded by hand.

mod accessor_data;
mod analyze;
mod attribute_values;
mod binary;
mod document;
pub mod draco;
pub(crate) mod elements;
mod glb;
mod image_header;
mod images;
mod inspect;
mod json;
pub mod limits;
mod mesh;
pub(crate) mod meshopt;
mod nodes;
mod parse;
mod problem;
mod resource;

use std::io;
use std::path::{Path, PathBuf};

pub use analyze::Format;
// For the scene decoder, which reads what the checks proved usable (crate-internal).
pub(crate) use analyze::{analyze_parts, Parts};
pub(crate) use binary::Binary;
pub(crate) use document::{ComponentType, Document, ElementType, Primitive};
pub use image_header::ImageFormat;
pub(crate) use inspect::build as build_inspection;
pub use inspect::{Bounds, Inspection, TextureInfo};
pub(crate) use nodes::world_matrices;
pub use problem::{Problem, Severity, Validation, REPAIRABLE};
pub(crate) use resource::{classify, decode_base64, Uri};
pub use resource::{DirResolver, Fetched, NoResources, ResolveError, Resolver};

/// Validation and, when the document could be parsed, inspection of one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub validation: Validation,
    /// `None` when the container or the JSON is unreadable.
    pub inspection: Option<Inspection>,
}

/// Validates and inspects in one pass.
pub fn check(bytes: &[u8], format: Format, resolver: &dyn Resolver) -> Checked {
    let mut validation = Validation::default();
    let analysis = analyze::analyze(bytes, format, resolver, &mut validation);
    let inspection = analysis.map(|a| inspect::build(&a, format, validation.errors));
    Checked {
        validation,
        inspection,
    }
}

/// Every problem of an asset.
pub fn validate(bytes: &[u8], format: Format, resolver: &dyn Resolver) -> Validation {
    check(bytes, format, resolver).validation
}

/// The inspection report. It is produced for any parseable document, also one with errors
/// (its `errors` field says how many); `Err` carries the validation of an unreadable one.
pub fn inspect(
    bytes: &[u8],
    format: Format,
    resolver: &dyn Resolver,
) -> Result<Inspection, Validation> {
    let checked = check(bytes, format, resolver);
    checked.inspection.ok_or(checked.validation)
}

/// A `.glb` or `.gltf` read from disk, its resources resolved from its directory.
#[derive(Debug, Clone)]
pub struct AssetFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub format: Format,
    resolver: DirResolver,
}

impl AssetFile {
    /// Reads `path` (at most [`limits::MAX_FILE_BYTES`]).
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        use std::io::Read;
        let path = path.as_ref();
        let file = std::fs::File::open(path)?;
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        if metadata.len() > limits::MAX_FILE_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} bytes is more than the {} we accept",
                    metadata.len(),
                    limits::MAX_FILE_BYTES
                ),
            ));
        }
        let mut bytes = Vec::with_capacity(metadata.len() as usize);
        file.take(limits::MAX_FILE_BYTES).read_to_end(&mut bytes)?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Self {
            format: Format::detect(path, &bytes),
            path: path.to_path_buf(),
            bytes,
            resolver: DirResolver::new(if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            }),
        })
    }

    pub fn check(&self) -> Checked {
        check(&self.bytes, self.format, &self.resolver)
    }

    pub fn validate(&self) -> Validation {
        validate(&self.bytes, self.format, &self.resolver)
    }

    pub fn inspect(&self) -> Result<Inspection, Validation> {
        inspect(&self.bytes, self.format, &self.resolver)
    }

    /// Reads the file's resources (its directory), e.g. for [`crate::scene::decode`].
    pub fn resolver(&self) -> &dyn Resolver {
        &self.resolver
    }
}
