//! Shared checks on USDZ packages, and where the fixtures are.
//!
//! The archive is read with the `zip` crate (which verifies each CRC-32 as it reads), and each
//! local header is measured by hand to find where its data starts; the layer is read as text.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use showroom_assets::gltf::AssetFile;
use showroom_assets::scene::{self, Scene};
use showroom_assets::usdz::{self, UsdzOptions};

pub use showroom_test_support::{fixtures, manifest_models};

/// What the checks need to know of a scene, kept instead of its (large) decoded textures.
#[derive(Debug, Clone)]
pub struct Summary {
    pub primitives: usize,
    pub points: usize,
    pub faces: usize,
    pub variants: Vec<String>,
}

impl Summary {
    pub fn of(scene: &Scene) -> Self {
        Self {
            primitives: scene.primitives.len(),
            points: scene.primitives.iter().map(|p| p.positions.len()).sum(),
            faces: scene.triangle_count(),
            variants: scene.variants.clone(),
        }
    }
}

/// One fixture model, packaged with the default options.
pub struct Packaged {
    pub name: String,
    pub summary: Summary,
    pub bytes: Vec<u8>,
}

/// Every fixture model packaged once per test binary, on every core, for all the tests that
/// look at them (packaging is slow in unoptimized builds: PNG encoding dominates).
pub fn fixture_packages() -> Option<&'static [Packaged]> {
    static PACKAGES: OnceLock<Option<Vec<Packaged>>> = OnceLock::new();
    PACKAGES
        .get_or_init(|| {
            let models = manifest_models("gltf/models")?;
            let next = AtomicUsize::new(0);
            let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
            let mut done: Vec<(usize, Packaged)> = std::thread::scope(|threads| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        threads.spawn(|| {
                            let mut mine = Vec::new();
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(path) = models.get(i) else {
                                    return mine;
                                };
                                let (name, scene) = (stem(path), decode_file(path));
                                let bytes = package(&name, &scene);
                                let summary = Summary::of(&scene);
                                mine.push((
                                    i,
                                    Packaged {
                                        name,
                                        summary,
                                        bytes,
                                    },
                                ));
                            }
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().expect("packaging panicked"))
                    .collect()
            });
            done.sort_by_key(|(i, _)| *i);
            Some(done.into_iter().map(|(_, p)| p).collect())
        })
        .as_deref()
}

/// The packaged fixture model named `name`.
pub fn fixture_package(name: &str) -> Option<&'static Packaged> {
    let found = fixture_packages()?.iter().find(|p| p.name == name);
    Some(found.unwrap_or_else(|| panic!("no fixture model {name}")))
}

pub fn decode_file(path: &Path) -> Scene {
    let file = AssetFile::open(path).unwrap();
    scene::decode_file(&file).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// The package of `scene` with the default options, also written to `$SHOWROOM_USDZ_OUT`.
pub fn package(name: &str, scene: &Scene) -> Vec<u8> {
    let bytes =
        usdz::from_scene(scene, &UsdzOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Some(dir) = std::env::var_os("SHOWROOM_USDZ_OUT") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.usdz")), &bytes).unwrap();
    }
    bytes
}

/// One file of a package.
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

/// Reads `bytes` as a zip and asserts the USDZ rules on every entry: stored, not encrypted,
/// data at a multiple of 64 bytes, CRC-32 right (the reader checks it), the first entry a
/// `.usda` layer.
pub fn read_package(name: &str, bytes: &[u8]) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .unwrap_or_else(|e| panic!("{name}: not a zip: {e}"));
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let entry = file.name().unwrap().into_owned();
        assert_eq!(
            file.compression(),
            zip::CompressionMethod::Stored,
            "{name}: {entry} is compressed"
        );
        assert!(!file.encrypted(), "{name}: {entry} is encrypted");
        let start = data_start(bytes, file.header_start() as usize);
        assert_eq!(start % 64, 0, "{name}: {entry}'s data starts at {start}");
        if let Some(reported) = file.data_start() {
            assert_eq!(reported as usize, start, "{name}: {entry}");
        }
        let mut data = Vec::new();
        file.read_to_end(&mut data)
            .unwrap_or_else(|e| panic!("{name}: {entry} does not read back (CRC?): {e}"));
        assert_eq!(data.len() as u64, file.size());
        assert_eq!(
            &bytes[start..start + data.len()],
            &data[..],
            "{name}: {entry}"
        );
        entries.push(Entry { name: entry, data });
    }
    assert!(
        entries.first().is_some_and(|e| e.name.ends_with(".usda")),
        "{name}: the first file is not the USD layer"
    );
    entries
}

/// Where an entry's data starts: after its local header, name and extra field.
fn data_start(bytes: &[u8], header: usize) -> usize {
    assert_eq!(&bytes[header..header + 4], b"PK\x03\x04");
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    header + 30 + u16_at(header + 26) + u16_at(header + 28)
}

/// What the layer text says, read from the lines `usdz::layer` writes.
#[derive(Debug, Default)]
pub struct Layer {
    pub meshes: usize,
    pub points: usize,
    pub faces: usize,
    pub materials: usize,
    /// Texture paths of `asset inputs:file = @…@`.
    pub textures: Vec<String>,
    /// The variants of `materialVariant`, and the default selection.
    pub variants: Vec<String>,
    pub selection: Option<String>,
}

impl Layer {
    pub fn parse(text: &str) -> Self {
        let mut layer = Self::default();
        let mut in_variant_set = false;
        for line in text.lines().map(str::trim) {
            let items = || &line[line.find(" = [").unwrap() + 4..line.rfind(']').unwrap()];
            if line.starts_with("def Mesh ") {
                layer.meshes += 1;
            } else if line.starts_with("def Material ") {
                layer.materials += 1;
            } else if line.starts_with("point3f[] points = [") {
                layer.points += items().matches('(').count();
            } else if line.starts_with("int[] faceVertexCounts = [") {
                layer.faces += items().split(',').filter(|s| !s.trim().is_empty()).count();
            } else if let Some(rest) = line.strip_prefix("asset inputs:file = @") {
                layer.textures.push(rest.trim_end_matches('@').to_owned());
            } else if let Some(rest) = line.strip_prefix("string materialVariant = \"") {
                layer.selection = Some(rest.trim_end_matches('"').to_owned());
            } else if line.starts_with("variantSet \"materialVariant\" = {") {
                in_variant_set = true;
            } else if in_variant_set && line.starts_with('"') && line.ends_with(" {") {
                layer.variants.push(line[1..line.len() - 3].to_owned());
            }
        }
        layer
    }
}

/// Asserts everything a package of a scene summed up by `scene` must be, and returns its layer.
pub fn check_package(name: &str, scene: &Summary, bytes: &[u8]) -> Layer {
    let entries = read_package(name, bytes);
    let text = std::str::from_utf8(&entries[0].data).expect("the layer is UTF-8");
    assert!(text.starts_with("#usda 1.0\n"), "{name}");
    for metadata in [
        "defaultPrim = \"Root\"",
        "upAxis = \"Y\"",
        "metersPerUnit = 1",
    ] {
        assert!(text.contains(metadata), "{name}: no {metadata}");
    }
    let layer = Layer::parse(text);
    assert_eq!(layer.meshes, scene.primitives, "{name}: meshes");
    assert_eq!(layer.points, scene.points, "{name}: points");
    assert_eq!(layer.faces, scene.faces, "{name}: faces");
    for texture in &layer.textures {
        let entry = entries
            .iter()
            .find(|e| &e.name == texture)
            .unwrap_or_else(|| panic!("{name}: {texture} is referenced but not packaged"));
        // PNG, or JPEG for opaque colour textures; the name says which.
        let format = if texture.ends_with(".jpg") {
            image::ImageFormat::Jpeg
        } else {
            image::ImageFormat::Png
        };
        let image = image::load_from_memory_with_format(&entry.data, format)
            .unwrap_or_else(|e| panic!("{name}: {texture} is not a {format:?}: {e}"));
        assert!(
            image.width().max(image.height()) <= 2048,
            "{name}: {texture} is {} × {}",
            image.width(),
            image.height()
        );
    }
    if scene.variants.is_empty() {
        assert!(
            layer.variants.is_empty() && layer.selection.is_none(),
            "{name}"
        );
    } else {
        let selection = layer.selection.as_ref().expect("a default selection");
        assert!(layer.variants.contains(selection), "{name}: {selection}");
        assert!(layer.variants.len() >= scene.variants.len(), "{name}");
    }
    layer
}
