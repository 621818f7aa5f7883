//! The whole 3D pipeline for one upload, as a pure function of its bytes: validate → inspect →
//! optimize → posters per material variant → USDZ. It knows no database and no blob store; the
//! job worker feeds it the original and stores what it returns.
//!
//! Policy for broken uploads (what a merchant would want): a model with validation errors is
//! refused with the first error in words, except `SCENE_NON_ROOT_NODE` (a scene listing a node
//! that is also a child), which is repaired — the optimized files list the node's root ancestor
//! instead — and recorded under `repairs` in the report. Images we cannot decode (a corrupt
//! file) do not stop the model: it becomes ready with a warning, and its posters are drawn from
//! the material factors. KTX2 (`KHR_texture_basisu`) images are never dropped: the delivery GLB
//! carries them; the plain GLB, which the posters and the USDZ are made from, carries their
//! transcode (core glTF has no KTX2), so posters and AR show those textures too.
//!
//! Derived files are addressed by revision: [`PipelineOptions::revision`] names the pipeline
//! version and the options that shaped the bytes, the report records it, and the worker stores
//! every derived file under it (`<hash>/<revision>/<file>`). A pipeline that draws or packs
//! differently bumps [`PIPELINE_VERSION`], so reprocessing writes new addresses and never changes
//! the bytes behind an address that browsers and CDNs cache for a year.
//!
//! Guarantees: every output file passed our own validator (the optimizer checks its outputs);
//! the posters and the USDZ are made from the plain optimized GLB, so they show exactly the
//! geometry shoppers download; the same input and options always give the same bytes.

mod posters;
pub mod report;

use std::time::Instant;

use crate::gltf::{self, Format, NoResources, Resolver, Severity};
use crate::optimize::{self, OptimizeError, OptimizeOptions};
use crate::render::{Background, PosterFormat};
use crate::{scene, usdz, FileName};

pub use posters::{looks, poster_file_name, Look, PosterStats};
pub use report::{PipelineReport, RejectionReport};

/// File names of the derived files, stored next to the original under its content address.
pub const DELIVERY_GLB: &str = "model.glb";
pub const PLAIN_GLB: &str = "model-plain.glb";
pub const USDZ: &str = "model.usdz";
pub const REPORT: &str = "report.json";

/// The version of what the pipeline makes: bump it with any change that alters a derived file's
/// bytes (renderer, optimizer, USDZ writer, report layout), so reprocessed files get new
/// addresses.
pub const PIPELINE_VERSION: u32 = 3;

/// Codes of validation errors the pipeline repairs instead of refusing the model (the same
/// policy as the scene decoder and the optimizer).
pub use crate::gltf::REPAIRABLE;

/// How to process a model.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Poster sides in pixels; the largest is drawn, the others are downscaled from it.
    pub poster_sizes: Vec<u32>,
    pub poster_formats: Vec<PosterFormat>,
    pub background: Background,
    pub optimize: OptimizeOptions,
    pub usdz: usdz::UsdzOptions,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        Self {
            poster_sizes: vec![256, 512, 1024],
            poster_formats: vec![PosterFormat::Png, PosterFormat::Webp],
            background: Background::Transparent,
            optimize: OptimizeOptions::default(),
            usdz: usdz::UsdzOptions::default(),
        }
    }
}

impl PipelineOptions {
    /// The revision these options make files at: `v<PIPELINE_VERSION>-<8 hex digits>`, the digits
    /// a digest of the options, so another poster size or background gets new addresses too.
    /// Stable for the same binary and options.
    pub fn revision(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{PIPELINE_VERSION}:{self:?}").as_bytes());
        format!("v{PIPELINE_VERSION}-{}", hex::encode(&digest[..4]))
    }
}

/// Where a derived file `name` of a report with `revision` is kept: under the revision, or — for
/// a report written before revisions (`revision` empty) — next to the original, as then.
pub fn stored_name(revision: &str, name: &FileName) -> FileName {
    if revision.is_empty() {
        return name.clone();
    }
    FileName::in_revision(revision, name).unwrap_or_else(|_| name.clone())
}

/// One derived file.
#[derive(Debug, Clone)]
pub struct DerivedFile {
    pub name: FileName,
    pub bytes: Vec<u8>,
}

/// Everything processing made.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Optimized GLBs, USDZ, posters, and `report.json`.
    pub files: Vec<DerivedFile>,
    /// The report as stored with the asset record (also in `report.json`).
    pub report: PipelineReport,
}

/// Why processing stopped.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProcessError {
    /// The upload itself is unusable; retrying cannot help. `report` holds the validation.
    #[error("{reason}")]
    Rejected {
        reason: String,
        report: RejectionReport,
    },
    /// Our own code failed (e.g. an output did not validate): a bug to fix, not the merchant's.
    #[error("{0}")]
    Internal(String),
}

/// A pipeline step and the share of the work done when it starts, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Validate,
    Optimize,
    Posters,
    Usdz,
    Store,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Validate => "validate",
            Step::Optimize => "optimize",
            Step::Posters => "posters",
            Step::Usdz => "usdz",
            Step::Store => "store",
        }
    }
    pub fn percent(self) -> u8 {
        match self {
            Step::Validate => 5,
            Step::Optimize => 15,
            Step::Posters => 45,
            Step::Usdz => 80,
            Step::Store => 90,
        }
    }
}

/// Runs the pipeline on `bytes` (a GLB, or a `.gltf` whose resources `resolver` reads).
/// `progress` is called as each step starts (and within the posters step, per look).
pub fn process(
    bytes: &[u8],
    format: Format,
    resolver: &dyn Resolver,
    options: &PipelineOptions,
    progress: &mut dyn FnMut(Step, u8),
) -> Result<Processed, ProcessError> {
    let started = Instant::now();
    progress(Step::Validate, Step::Validate.percent());
    let checked = gltf::check(bytes, format, resolver);
    let validation = checked.validation;
    let Some(inspection) = checked.inspection else {
        return Err(rejected(validation));
    };
    if validation.blocking_error().is_some() {
        return Err(rejected(validation));
    }
    let repairs: Vec<String> = validation
        .repairable()
        .map(|p| format!("{p} — repaired by listing the node's root ancestor in the scene"))
        .collect();

    progress(Step::Optimize, Step::Optimize.percent());
    let optimized = optimize::optimize(bytes, format, resolver, &options.optimize)
        .map_err(|e| optimize_failed(e, &validation))?;

    progress(Step::Posters, Step::Posters.percent());
    let drawn = scene::decode(&optimized.plain_glb, Format::Glb, &NoResources)
        .map_err(|e| ProcessError::Internal(format!("the optimized model cannot be drawn: {e}")))?;
    let mut files = Vec::new();
    let (poster_stats, camera) =
        posters::render_all(&drawn, options, &mut files, &mut |done, total| {
            let span = Step::Usdz.percent() - Step::Posters.percent();
            let share = (u32::from(span) * done as u32 / total.max(1) as u32) as u8;
            progress(Step::Posters, Step::Posters.percent() + share);
        })?;

    progress(Step::Usdz, Step::Usdz.percent());
    let usdz_bytes = usdz::from_scene(&drawn, &options.usdz)
        .map_err(|e| ProcessError::Internal(format!("USDZ: {e}")))?;

    let mut warnings: Vec<String> = inspection
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.code, w.message))
        .collect();
    warnings.extend(
        validation
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .map(|p| p.to_string()),
    );
    warnings.extend(optimized.report.warnings.iter().cloned());
    warnings.extend(
        drawn
            .warnings
            .iter()
            .filter(|w| !w.starts_with("repaired"))
            .cloned(),
    );
    warnings.dedup();

    files.push(derived(DELIVERY_GLB, optimized.glb));
    files.push(derived(PLAIN_GLB, optimized.plain_glb));
    files.push(derived(USDZ, usdz_bytes));
    files.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    let report = PipelineReport {
        validation,
        dimensions_m: inspection.dimensions_m,
        variants: inspection.variants.clone(),
        inspection,
        repairs,
        warnings,
        optimization: optimized.report,
        posters: poster_stats,
        camera,
        revision: options.revision(),
        files: files
            .iter()
            .map(|f| (f.name.as_str().to_owned(), f.bytes.len() as u64))
            .collect(),
        processing_ms: started.elapsed().as_millis() as u64,
    };
    let report_bytes = serde_json::to_vec_pretty(&report)
        .map_err(|e| ProcessError::Internal(format!("report: {e}")))?;
    files.push(derived(REPORT, report_bytes));
    Ok(Processed { files, report })
}

fn derived(name: &str, bytes: Vec<u8>) -> DerivedFile {
    DerivedFile {
        name: FileName::parse(name).expect("a constant file name is valid"),
        bytes,
    }
}

fn rejected(validation: gltf::Validation) -> ProcessError {
    let first = validation
        .blocking_error()
        .or_else(|| validation.problems.first());
    let reason = match first {
        Some(p) if p.pointer.is_empty() => format!(
            "the model has {} validation error(s); first: {}: {}",
            validation.errors.max(1),
            p.code,
            p.message
        ),
        Some(p) => format!(
            "the model has {} validation error(s); first: {p}",
            validation.errors.max(1),
        ),
        None => "not a readable glTF document".to_owned(),
    };
    ProcessError::Rejected {
        reason,
        report: RejectionReport::invalid(validation),
    }
}

fn optimize_failed(error: OptimizeError, validation: &gltf::Validation) -> ProcessError {
    if error.is_client_error() {
        ProcessError::Rejected {
            reason: error.to_string(),
            report: RejectionReport::invalid(validation.clone()),
        }
    } else {
        ProcessError::Internal(error.to_string())
    }
}

#[cfg(test)]
mod revision_tests {
    use super::*;

    #[test]
    fn the_revision_names_the_version_and_changes_with_the_options_that_shape_the_bytes() {
        let default = PipelineOptions::default();
        assert_eq!(default.revision(), PipelineOptions::default().revision());
        assert!(default
            .revision()
            .starts_with(&format!("v{PIPELINE_VERSION}-")));
        let larger = PipelineOptions {
            poster_sizes: vec![256, 512, 2048],
            ..PipelineOptions::default()
        };
        assert_ne!(default.revision(), larger.revision());
        assert!(FileName::parse(&default.revision()).is_ok());
    }

    #[test]
    fn files_of_a_report_without_a_revision_stay_next_to_the_original() {
        let name = FileName::parse(DELIVERY_GLB).unwrap();
        assert_eq!(stored_name("", &name).as_str(), "model.glb");
        assert_eq!(
            stored_name("v2-00ff00ff", &name).as_str(),
            "v2-00ff00ff/model.glb"
        );
    }
}
