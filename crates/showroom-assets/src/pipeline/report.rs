//! The processing report, typed: what [`process`](super::process) writes into `report.json` and
//! the asset record, and what the rest of the system reads back from a stored record.
//!
//! [`PipelineReport`] is written once, as JSON, and read back with [`PipelineReport::from_stored`]
//! (one `serde` pass over the stored value, no field looked up by key), so the report's shape is
//! declared in this one module. Fields added after reports were first stored are
//! `#[serde(default)]`, so a record written by an older pipeline still reads (without them).
//! A refused upload stores a [`RejectionReport`] instead: the validation alone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PosterStats;
use crate::gltf::{Inspection, Validation};
use crate::optimize::OptimizeReport;
use crate::render::PosterCamera;

/// Everything processing measured and made, as stored with the asset record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineReport {
    /// Counts and every listed problem.
    pub validation: Validation,
    pub inspection: Inspection,
    /// Width, height and depth in metres (the inspection's, repeated for readers).
    pub dimensions_m: [f64; 3],
    /// `KHR_materials_variants` names, in order.
    pub variants: Vec<String>,
    /// Validation errors the outputs repair, one sentence each.
    pub repairs: Vec<String>,
    /// 3D Commerce guidelines, validation warnings, what the optimizer or the renderer left out.
    pub warnings: Vec<String>,
    pub optimization: OptimizeReport,
    /// One entry per look (the default look first, then each variant).
    pub posters: Vec<PosterStats>,
    /// The camera of every poster, in `<model-viewer>`'s attribute units; `None` in reports
    /// written before it was recorded.
    #[serde(default)]
    pub camera: Option<PosterCamera>,
    /// The [revision](super::PipelineOptions::revision) the derived files are kept under
    /// (`<hash>/<revision>/<file>`); empty in reports written before revisions, whose files sit
    /// next to the original.
    #[serde(default)]
    pub revision: String,
    /// Every derived file: name → bytes.
    pub files: BTreeMap<String, u64>,
    pub processing_ms: u64,
}

/// What a refused upload's record keeps: why the validator refused it, or why a zip upload is
/// not a glTF bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectionReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
}

impl PipelineReport {
    /// Reads a report stored by [`process`](super::process). `None` when `stored` is not one (a
    /// [`RejectionReport`], or a value of some other shape).
    pub fn from_stored(stored: &serde_json::Value) -> Option<Self> {
        Self::deserialize(stored).ok()
    }

    /// The report as the JSON value stored with the asset record.
    pub fn to_stored(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the report is plain data and always serializes")
    }

    /// The file name of the largest PNG poster of the default look.
    pub fn default_poster(&self) -> Option<&str> {
        self.files
            .keys()
            .filter_map(|name| {
                let size = name
                    .strip_prefix("poster-default-")?
                    .strip_suffix(".png")?
                    .parse::<u32>()
                    .ok()?;
                Some((size, name.as_str()))
            })
            .max()
            .map(|(_, name)| name)
    }
}

impl RejectionReport {
    /// The validator refused the model.
    pub fn invalid(validation: Validation) -> Self {
        Self {
            validation: Some(validation),
            bundle: None,
        }
    }

    /// The zip upload is not a glTF bundle, for `reason`.
    pub fn unreadable_bundle(reason: String) -> Self {
        Self {
            validation: None,
            bundle: Some(reason),
        }
    }

    /// The report as the JSON value stored with the asset record.
    pub fn to_stored(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("the report is plain data and always serializes")
    }
}
