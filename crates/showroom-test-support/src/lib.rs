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

/// A GLB container: the `json` chunk (padded with spaces to a multiple of four bytes) and, when
/// `bin` is not empty, a BIN chunk holding `bin` as given (a test that wants it aligned pads it).
pub fn glb_container(json: &[u8], bin: &[u8]) -> Vec<u8> {
    let mut json = json.to_vec();
    while !json.len().is_multiple_of(4) {
        json.push(b' ');
    }
    let total = 12 + 8 + json.len() + if bin.is_empty() { 0 } else { 8 + bin.len() };
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&json);
    if !bin.is_empty() {
        out.extend_from_slice(&(bin.len() as u32).to_le_bytes());
        out.extend_from_slice(b"BIN\0");
        out.extend_from_slice(bin);
    }
    out
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

    #[test]
    fn a_glb_container_pads_its_json_and_leaves_out_an_empty_bin() {
        let glb = glb_container(b"{}", &[]);
        assert_eq!(&glb[..4], b"glTF");
        assert_eq!(glb.len(), 12 + 8 + 4);
        assert_eq!(&glb[20..], b"{}  ");
        let with_bin = glb_container(b"{}", &[1, 2, 3, 4]);
        assert_eq!(u32::from_le_bytes(with_bin[8..12].try_into().unwrap()), 36);
        assert_eq!(&with_bin[28..32], b"BIN\0");
        assert_eq!(&with_bin[32..], [1, 2, 3, 4]);
    }
}
