#![doc = include_str!("../README.md")]

use std::path::{Path, PathBuf};

/// `$SHOWROOM_FIXTURES`, or `<workspace>/../shared/fixtures` when it is unset.
pub fn fixtures_root() -> PathBuf {
    std::env::var_os("SHOWROOM_FIXTURES").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    )
}

/// `<fixtures>/<sub>`; `None` (after printing `skipping: …`) when it does not exist, so a suite
/// runs on machines without the fixtures.
pub fn fixtures(sub: &str) -> Option<PathBuf> {
    let dir = fixtures_root().join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipping: fixtures not found at {}", dir.display());
        None
    }
}

/// The main files (`.glb` or `.gltf`) listed in the first column of `<fixtures>/<sub>/MANIFEST.tsv`,
/// in the manifest's order; `None` (after printing `skipping: …`) when the folder does not exist.
pub fn manifest_models(sub: &str) -> Option<Vec<PathBuf>> {
    let root = fixtures(sub)?;
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv"))
        .unwrap_or_else(|e| panic!("{}/MANIFEST.tsv: {e}", root.display()));
    let rows = manifest
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .filter(|path| path.ends_with(".glb") || path.ends_with(".gltf"))
        .map(|path| root.join(path))
        .collect();
    Some(rows)
}

/// The bytes of `<fixtures>/<path>`; `None` when the file is not there.
pub fn read_fixture(path: &str) -> Option<Vec<u8>> {
    std::fs::read(fixtures_root().join(path)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_none_and_a_missing_file_too() {
        assert!(fixtures("no/such/folder/anywhere").is_none());
        assert!(read_fixture("no/such/file.glb").is_none());
        assert!(manifest_models("no/such/folder/anywhere").is_none());
    }
}
