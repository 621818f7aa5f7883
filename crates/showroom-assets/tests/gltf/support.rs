//! Shared helpers: where the shared fixtures are, and how to build a small GLB in a test.

use serde_json::Value;

pub use showroom_test_support::fixtures;

/// A GLB with `json` (space-padded) and, when not empty, `bin` (zero-padded) as chunks.
pub fn glb(json: &Value, bin: &[u8]) -> Vec<u8> {
    let mut bin = bin.to_vec();
    while !bin.len().is_multiple_of(4) {
        bin.push(0);
    }
    showroom_test_support::glb_container(&serde_json::to_vec(json).unwrap(), &bin)
}

/// Little-endian bytes of `f32`s.
pub fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
