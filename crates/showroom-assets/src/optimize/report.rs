//! What the optimizer did to one model, for the asset record and the admin UI.
//!
//! Counts before are the input's inspection, counts after the delivery GLB's (as our own
//! inspector reads it back), so "triangles before == after" is checked on the real output.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::source::Source;
use crate::gltf::Inspection;

/// The optimizer's report (serialized as JSON into the asset record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizeReport {
    /// The input: main file plus every resource it names.
    pub bytes_in: u64,
    /// The delivery GLB.
    pub bytes_out: u64,
    /// The plain GLB (no `EXT_*`).
    pub plain_bytes_out: u64,
    pub triangles_before: u64,
    pub triangles_after: u64,
    pub vertices_before: u64,
    pub vertices_after: u64,
    pub draw_calls: u64,
    /// One entry per input image.
    pub textures: Vec<TextureReport>,
    pub textures_resized: usize,
    pub textures_reencoded: usize,
    pub textures_dropped: usize,
    /// Validation errors of the input that the output repairs.
    pub repairs: Vec<String>,
    /// Everything left out or worth a look (input warnings, dropped images).
    pub warnings: Vec<String>,
    pub time_ms: u64,
}

/// What happened to one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextureAction {
    /// Stored byte for byte.
    Kept,
    /// Scaled down to the texture limit and re-encoded in its own format.
    Resized,
    /// Re-encoded at the same size (a format the outputs cannot carry, e.g. WebP → PNG).
    Reencoded,
    /// Identical to an earlier image, which is used instead.
    Deduplicated,
    /// Left out (undecodable, e.g. KTX2 without a transcoder); its textures are removed.
    Dropped,
}

/// One input image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextureReport {
    pub image: usize,
    pub name: Option<String>,
    pub action: TextureAction,
    /// `image/png`, `image/jpeg`, ... of the input, when recognized.
    pub mime_type: Option<String>,
    pub size_before: Option<[u32; 2]>,
    pub size_after: Option<[u32; 2]>,
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Why it was dropped or re-encoded.
    pub reason: Option<String>,
}

impl OptimizeReport {
    pub(crate) fn start(input: &Source<'_>) -> Self {
        Self {
            bytes_in: input.inspection.file_bytes,
            bytes_out: 0,
            plain_bytes_out: 0,
            triangles_before: input.inspection.triangles,
            triangles_after: 0,
            vertices_before: input.inspection.vertices,
            vertices_after: 0,
            draw_calls: 0,
            textures: Vec::new(),
            textures_resized: 0,
            textures_reencoded: 0,
            textures_dropped: 0,
            repairs: input.repairs.clone(),
            warnings: input.warnings.clone(),
            time_ms: 0,
        }
    }

    pub(crate) fn finish(
        &mut self,
        delivery: &Inspection,
        bytes_out: usize,
        plain_bytes_out: usize,
        elapsed: Duration,
    ) {
        self.bytes_out = bytes_out as u64;
        self.plain_bytes_out = plain_bytes_out as u64;
        self.triangles_after = delivery.triangles;
        self.vertices_after = delivery.vertices;
        self.draw_calls = delivery.draw_calls;
        let count = |a: TextureAction| self.textures.iter().filter(|t| t.action == a).count();
        self.textures_resized = count(TextureAction::Resized);
        self.textures_reencoded = count(TextureAction::Reencoded);
        self.textures_dropped = count(TextureAction::Dropped);
        self.time_ms = elapsed.as_millis().try_into().unwrap_or(u64::MAX);
    }
}
