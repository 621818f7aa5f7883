//! A `.gltf` upload packed as a zip with its `.bin` and image files, read with bounded memory.
//!
//! The zip is untrusted: its directory can lie about sizes (a zip bomb declares small entries
//! that inflate to gigabytes), name paths with `..` or absolute roots, or hold thousands of
//! entries. So every entry is inflated through a reader capped at what is still allowed — at
//! most [`MAX_ENTRY_BYTES`] each and [`MAX_TOTAL_BYTES`] in all — whatever the directory says,
//! at most [`MAX_ENTRIES`] entries are looked at, and a path with an empty, `.` or `..` segment,
//! a backslash or a leading `/` is refused. Nothing is written to disk. The bundle must hold
//! exactly one `.gltf`; it resolves the files its URIs name relative to that file's folder.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use crate::gltf::{Fetched, ResolveError, Resolver};

/// Entries of the zip that are looked at.
pub const MAX_ENTRIES: usize = 4096;
/// Largest inflated entry.
pub const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
/// Largest inflated bundle, all held in memory while the job runs: about three times the
/// largest upload (100 MB), which real `.bin` and image files do not exceed (images are
/// compressed already, geometry deflates to a half or a third).
pub const MAX_TOTAL_BYTES: u64 = 320 * 1024 * 1024;

/// Why a zip upload cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("not a readable zip archive: {0}")]
    NotZip(String),
    #[error("the zip holds no .gltf file")]
    NoGltf,
    #[error("the zip holds more than one .gltf file ({0} and {1}); upload one model per zip")]
    SeveralGltf(String, String),
    #[error("the zip entry `{0}` has an unsafe path")]
    UnsafePath(String),
    #[error("the zip has more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    #[error("the zip inflates to more than its limit ({0}): a zip bomb or a too large model")]
    TooLarge(String),
    #[error("the zip entry `{0}` cannot be read: {1}")]
    Entry(String, String),
}

/// The `.gltf` of a zip upload and the files beside it.
#[derive(Debug, Clone, Default)]
pub struct GltfBundle {
    /// The path of the `.gltf` inside the zip.
    pub gltf_path: String,
    pub gltf: Vec<u8>,
    /// Every other file, by its path relative to the `.gltf`'s folder.
    files: BTreeMap<String, Vec<u8>>,
}

impl GltfBundle {
    pub fn from_zip(bytes: &[u8]) -> Result<Self, BundleError> {
        Self::from_zip_within(bytes, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES)
    }

    /// [`GltfBundle::from_zip`] with explicit inflated-size limits.
    pub fn from_zip_within(
        bytes: &[u8],
        max_entry_bytes: u64,
        max_total_bytes: u64,
    ) -> Result<Self, BundleError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| BundleError::NotZip(e.to_string()))?;
        if archive.len() > MAX_ENTRIES {
            return Err(BundleError::TooManyEntries);
        }
        let mut entries = BTreeMap::new();
        let mut total = 0u64;
        for index in 0..archive.len() {
            let mut entry = archive
                .by_index(index)
                .map_err(|e| BundleError::NotZip(e.to_string()))?;
            let name = entry
                .name()
                .map_err(|e| BundleError::NotZip(e.to_string()))?
                .into_owned();
            if entry.is_dir() || is_metadata(&name) {
                continue;
            }
            if !is_safe_path(&name) {
                return Err(BundleError::UnsafePath(name));
            }
            let allowed = max_entry_bytes.min(max_total_bytes.saturating_sub(total));
            let mut data = Vec::with_capacity(entry.size().min(allowed).min(64 << 20) as usize);
            (&mut entry)
                .take(allowed + 1)
                .read_to_end(&mut data)
                .map_err(|e| BundleError::Entry(name.clone(), e.to_string()))?;
            if data.len() as u64 > allowed {
                return Err(BundleError::TooLarge(name));
            }
            total += data.len() as u64;
            entries.insert(name, data);
        }
        let mut gltfs = entries
            .keys()
            .filter(|n| n.to_ascii_lowercase().ends_with(".gltf"));
        let gltf_path = gltfs.next().cloned().ok_or(BundleError::NoGltf)?;
        if let Some(second) = gltfs.next() {
            return Err(BundleError::SeveralGltf(gltf_path, second.clone()));
        }
        let folder = gltf_path
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let gltf = entries.remove(&gltf_path).unwrap_or_default();
        let files = entries
            .into_iter()
            .filter_map(|(name, data)| Some((name.strip_prefix(&folder)?.to_owned(), data)))
            .collect();
        Ok(Self {
            gltf_path,
            gltf,
            files,
        })
    }

    /// Paths of the files beside the `.gltf`, sorted.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

impl Resolver for GltfBundle {
    fn read(&self, path: &str, max_bytes: u64) -> Result<Fetched, ResolveError> {
        let data = self.files.get(path).ok_or(ResolveError::NotFound)?;
        let take = usize::try_from(max_bytes)
            .unwrap_or(usize::MAX)
            .min(data.len());
        Ok(Fetched {
            bytes: data[..take].to_vec(),
            total_len: data.len() as u64,
        })
    }
}

/// Files that archivers add and a model never uses (`__MACOSX/…`, `.DS_Store`).
fn is_metadata(name: &str) -> bool {
    name.starts_with("__MACOSX/") || name.rsplit('/').next() == Some(".DS_Store")
}

fn is_safe_path(name: &str) -> bool {
    !name.starts_with('/')
        && !name.contains('\\')
        && name
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_of(files: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, data) in files {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn resolves_files_relative_to_the_gltf_folder() {
        let zip = zip_of(
            &[
                ("shoe/shoe.gltf", b"{}"),
                ("shoe/shoe.bin", b"1234"),
                ("shoe/tex/a.png", b"png"),
                ("__MACOSX/shoe/._shoe.gltf", b"junk"),
            ],
            zip::CompressionMethod::Deflated,
        );
        let bundle = GltfBundle::from_zip(&zip).unwrap();
        assert_eq!(bundle.gltf_path, "shoe/shoe.gltf");
        assert_eq!(bundle.gltf, b"{}");
        assert_eq!(bundle.read("shoe.bin", 2).unwrap().bytes, b"12");
        assert_eq!(bundle.read("shoe.bin", 99).unwrap().total_len, 4);
        assert_eq!(bundle.read("tex/a.png", 99).unwrap().bytes, b"png");
        assert_eq!(bundle.read("../x", 9), Err(ResolveError::NotFound));
        assert_eq!(
            bundle.file_names().collect::<Vec<_>>(),
            ["shoe.bin", "tex/a.png"]
        );
    }

    #[test]
    fn refuses_unsafe_paths_missing_or_several_models_and_non_zips() {
        let stored = zip::CompressionMethod::Stored;
        let traversal = zip_of(&[("a.gltf", b"{}"), ("../../etc/passwd", b"x")], stored);
        assert!(matches!(
            GltfBundle::from_zip(&traversal),
            Err(BundleError::UnsafePath(_))
        ));
        let none = zip_of(&[("a.bin", b"x")], stored);
        assert_eq!(
            GltfBundle::from_zip(&none).unwrap_err(),
            BundleError::NoGltf
        );
        let two = zip_of(&[("a.gltf", b"{}"), ("b.gltf", b"{}")], stored);
        assert!(matches!(
            GltfBundle::from_zip(&two),
            Err(BundleError::SeveralGltf(..))
        ));
        assert!(matches!(
            GltfBundle::from_zip(b"glTF not a zip"),
            Err(BundleError::NotZip(_))
        ));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit_without_inflating_it_all() {
        // 64 MiB of zeros deflate to a few dozen kilobytes; the entry limit here is 8 MiB.
        let mut out = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file("model.gltf", options).unwrap();
        writer.write_all(b"{}").unwrap();
        writer.start_file("bomb.bin", options).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            writer.write_all(&zeros).unwrap();
        }
        writer.finish().unwrap();
        let zip = out.into_inner();
        assert!(zip.len() < 1 << 20, "{} bytes", zip.len());
        assert_eq!(
            GltfBundle::from_zip_within(&zip, 8 << 20, 16 << 20).unwrap_err(),
            BundleError::TooLarge("bomb.bin".into())
        );
    }
}
