//! The processing report of an uploaded model, as the back office shows it: validation
//! problems with where they are (JSON pointers into the glTF), real dimensions in centimetres
//! and inches, triangles, vertices, materials and textures, sizes before and after
//! optimization, and a poster of every look.
//!
//! The stored report is read once through [`StoredReport`], a typed subset of the pipeline's
//! report (unknown fields ignored, missing ones defaulted), so a report written by an older or
//! newer pipeline still reads. Poster and model URLs are short-lived signed URLs: a draft's
//! files are private, and the merchant's browser has no admin token.

use std::collections::BTreeMap;

use serde::Deserialize;
use showroom_store::AssetRecord;

use crate::delivery::links::on_asset_host;
use crate::delivery::signing::{now_unix, signed_asset_path};
use crate::pages::format;
use crate::state::AppState;

/// How long the report page's signed URLs work: long enough to look around, then gone.
const URL_TTL_SECS: u64 = 2 * 3600;

#[derive(Debug, Default, Deserialize)]
struct StoredProblem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    pointer: String,
    #[serde(default)]
    message: String,
}

#[derive(Debug, Default, Deserialize)]
struct StoredValidation {
    #[serde(default)]
    errors: usize,
    #[serde(default)]
    warnings: usize,
    #[serde(default)]
    truncated: bool,
    #[serde(default)]
    problems: Vec<StoredProblem>,
}

#[derive(Debug, Default, Deserialize)]
struct StoredInspection {
    #[serde(default)]
    triangles: u64,
    #[serde(default)]
    vertices: u64,
    #[serde(default)]
    materials: usize,
    #[serde(default)]
    textures: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct StoredTexture {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    size_before: Option<[u32; 2]>,
    #[serde(default)]
    size_after: Option<[u32; 2]>,
    #[serde(default)]
    bytes_before: u64,
    #[serde(default)]
    bytes_after: u64,
}

#[derive(Debug, Default, Deserialize)]
struct StoredOptimization {
    #[serde(default)]
    bytes_in: u64,
    #[serde(default)]
    bytes_out: u64,
    #[serde(default)]
    plain_bytes_out: u64,
    #[serde(default)]
    triangles_before: u64,
    #[serde(default)]
    triangles_after: u64,
    #[serde(default)]
    vertices_before: u64,
    #[serde(default)]
    vertices_after: u64,
    #[serde(default)]
    textures: Vec<StoredTexture>,
}

#[derive(Debug, Default, Deserialize)]
struct StoredPoster {
    #[serde(default)]
    look: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    sizes: Vec<u32>,
}

/// The fields of the pipeline's report the back office reads.
#[derive(Debug, Default, Deserialize)]
struct StoredReport {
    #[serde(default)]
    validation: Option<StoredValidation>,
    #[serde(default)]
    inspection: Option<StoredInspection>,
    #[serde(default)]
    dimensions_m: Option<[f64; 3]>,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    repairs: Vec<String>,
    #[serde(default)]
    optimization: Option<StoredOptimization>,
    #[serde(default)]
    posters: Vec<StoredPoster>,
    #[serde(default)]
    files: BTreeMap<String, u64>,
    #[serde(default)]
    processing_ms: Option<u64>,
}

pub struct ProblemView {
    pub severity: String,
    pub code: String,
    pub pointer: String,
    pub message: String,
}

pub struct TextureView {
    pub name: String,
    pub format: String,
    pub before: String,
    pub after: String,
    pub action: String,
}

pub struct LookView {
    /// `Default look` or the variant's name.
    pub title: String,
    /// The `KHR_materials_variants` name; empty for the default look.
    pub variant: String,
    pub poster: Option<String>,
}

/// Validation as a merchant reads it.
pub struct ValidationView {
    pub errors: usize,
    pub warnings: usize,
    pub truncated: bool,
    pub problems: Vec<ProblemView>,
}

/// Everything the report page shows of a processed model.
pub struct ReportView {
    pub validation: Option<ValidationView>,
    pub size_cm: String,
    pub size_in: String,
    pub size_hint: String,
    pub triangles: String,
    pub vertices: String,
    pub materials: usize,
    pub texture_count: usize,
    pub textures: Vec<TextureView>,
    pub bytes_before: String,
    pub bytes_after: String,
    pub bytes_plain: String,
    pub bytes_usdz: String,
    pub saving: String,
    pub warnings: Vec<String>,
    pub repairs: Vec<String>,
    pub looks: Vec<LookView>,
    /// The `KHR_materials_variants` names (what variants can be linked to).
    pub variants: Vec<String>,
    pub processing: String,
}

fn grouped(value: u64) -> String {
    let text = value.to_string();
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pixels(size: Option<[u32; 2]>) -> String {
    size.map(|[w, h]| format!("{w} × {h}"))
        .unwrap_or_else(|| "—".into())
}

/// A signed URL of `file` under the asset, on the asset host.
pub fn signed_url(state: &AppState, hash: &str, file: &str) -> String {
    let settings = &state.delivery.settings;
    let path = signed_asset_path(&settings.signing_key, hash, file, now_unix() + URL_TTL_SECS);
    on_asset_host(settings.asset_base_url.as_deref(), &path)
}

/// Validation problems, from a processed report or a refusal's.
fn validation(stored: Option<StoredValidation>) -> Option<ValidationView> {
    stored.map(|v| ValidationView {
        errors: v.errors,
        warnings: v.warnings,
        truncated: v.truncated,
        problems: v
            .problems
            .into_iter()
            .map(|p| ProblemView {
                severity: p.severity,
                code: p.code,
                pointer: if p.pointer.is_empty() {
                    "the whole file".into()
                } else {
                    p.pointer
                },
                message: p.message,
            })
            .collect(),
    })
}

/// The validation part of any stored report (a refused upload keeps only that).
pub fn validation_of(record: &AssetRecord) -> Option<ValidationView> {
    let report = record.report.as_ref()?;
    validation(StoredReport::deserialize(report).ok()?.validation)
}

/// The report of a processed (ready) model; `None` before there is one.
pub fn report_of(state: &AppState, record: &AssetRecord) -> Option<ReportView> {
    let stored = StoredReport::deserialize(record.report.as_ref()?).ok()?;
    let inspection = stored.inspection?;
    let hash = record.hash.as_str();
    let (size_cm, size_in, size_hint) = match stored.dimensions_m {
        Some(m) => {
            let (cm, inches) = format::dimensions(m);
            (cm, inches, format::size_hint(m))
        }
        None => ("—".into(), "—".into(), String::new()),
    };
    let optimization = stored.optimization.unwrap_or_default();
    let usdz = stored
        .files
        .get(showroom_assets::pipeline::USDZ)
        .copied()
        .unwrap_or(0);
    let saving = if optimization.bytes_in > 0 && optimization.bytes_out > 0 {
        let share = 100.0 - optimization.bytes_out as f64 * 100.0 / optimization.bytes_in as f64;
        format!("{share:.0} % smaller")
    } else {
        String::new()
    };
    let looks = stored
        .posters
        .iter()
        .map(|poster| {
            let side = poster
                .sizes
                .iter()
                .copied()
                .filter(|s| *s <= 512)
                .max()
                .or_else(|| poster.sizes.iter().copied().min());
            let file = side.map(|s| format!("poster-{}-{s}.png", poster.label));
            let is_default = poster.look == "default";
            LookView {
                title: if is_default {
                    "Default look".into()
                } else {
                    poster.look.clone()
                },
                variant: if is_default {
                    String::new()
                } else {
                    poster.look.clone()
                },
                poster: file
                    .filter(|f| stored.files.contains_key(f))
                    .map(|f| signed_url(state, hash, &f)),
            }
        })
        .collect();
    Some(ReportView {
        validation: validation(stored.validation),
        size_cm,
        size_in,
        size_hint,
        triangles: format!(
            "{} → {}",
            grouped(optimization.triangles_before.max(inspection.triangles)),
            grouped(optimization.triangles_after)
        ),
        vertices: format!(
            "{} → {}",
            grouped(optimization.vertices_before.max(inspection.vertices)),
            grouped(optimization.vertices_after)
        ),
        materials: inspection.materials,
        texture_count: inspection.textures.len(),
        textures: optimization
            .textures
            .into_iter()
            .enumerate()
            .map(|(i, t)| TextureView {
                name: t.name.unwrap_or_else(|| format!("Image {}", i + 1)),
                format: t.mime_type.unwrap_or_else(|| "unknown".into()),
                before: format!(
                    "{} · {}",
                    pixels(t.size_before),
                    super::dashboard::bytes(t.bytes_before)
                ),
                after: format!(
                    "{} · {}",
                    pixels(t.size_after),
                    super::dashboard::bytes(t.bytes_after)
                ),
                action: t.action.replace('_', " "),
            })
            .collect(),
        bytes_before: super::dashboard::bytes(optimization.bytes_in),
        bytes_after: super::dashboard::bytes(optimization.bytes_out),
        bytes_plain: super::dashboard::bytes(optimization.plain_bytes_out),
        bytes_usdz: super::dashboard::bytes(usdz),
        saving,
        warnings: stored.warnings,
        repairs: stored.repairs,
        looks,
        variants: stored.variants,
        processing: stored
            .processing_ms
            .map(|ms| format!("{:.1} s", ms as f64 / 1000.0))
            .unwrap_or_default(),
    })
}

/// Why processing failed, in a merchant's words, with what to do about it. `failure` is the
/// pipeline's own reason, shown beneath for the technically minded.
pub fn failure_advice(failure: &str) -> &'static str {
    let lower = failure.to_ascii_lowercase();
    if lower.contains("validation error") || lower.contains("not a readable gltf") {
        "The file is not a valid 3D model: the validator found mistakes in it (listed below, with where they are). Export the model again from your 3D tool — as glTF 2.0 binary (.glb) — and upload the new file."
    } else if lower.contains("bundle") || lower.contains("zip") {
        "The zip does not hold a complete glTF model. Put the .gltf file together with every .bin and texture file it names in one zip, and upload that."
    } else if lower.contains("missing") && lower.contains("upload it again") {
        "The uploaded file is no longer in storage. Upload it again."
    } else if lower.contains("storage") || lower.contains("object") {
        "Storage was not reachable while the model was processed. This is on our side: try processing it again in a minute."
    } else if lower.contains("texture") || lower.contains("image") {
        "One of the model's textures could not be read. Save the textures as PNG or JPEG, export the model again and upload it."
    } else {
        "The model could not be prepared for the shop. Try processing it again; if it fails again, export it from your 3D tool as a .glb and upload the new file."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_get_advice_a_merchant_can_act_on() {
        assert!(failure_advice("the model has 3 validation error(s); first: ACCESSOR_INDEX_OOB at /accessors/2: out of range").starts_with("The file is not a valid 3D model"));
        assert!(failure_advice("object storage: connection refused").contains("our side"));
        assert!(failure_advice("something else").contains("Try processing it again"));
    }

    #[test]
    fn a_partial_or_older_report_still_reads() {
        let stored = serde_json::json!({
            "validation": {"errors": 1, "warnings": 0, "problems": [
                {"code": "MESH_PRIMITIVE_NO_POSITION", "severity": "error", "pointer": "/meshes/0", "message": "no positions"}
            ]},
            "something_new": true
        });
        let report = StoredReport::deserialize(&stored).unwrap();
        let view = validation(report.validation).unwrap();
        assert_eq!(view.errors, 1);
        assert_eq!(view.problems[0].pointer, "/meshes/0");
        assert!(report.inspection.is_none());
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
