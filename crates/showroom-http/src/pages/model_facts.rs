//! What a product page needs to know about a product's 3D model, read once from the asset's
//! processing report: whether it is ready, its looks (the default and each
//! `KHR_materials_variants` variant) with their poster file labels, the poster sizes, the real
//! dimensions, the poster camera, and which AR packages exist.
//!
//! Facts are kept per content address in a small in-process cache. A ready asset's files never
//! change under its address, so its facts are kept for minutes; an asset still processing is
//! looked up again after a second, so pictures appear as soon as their job finishes.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use showroom_assets::pipeline;
use showroom_store::{AssetStatus, ContentHash, Media, MediaKind, StoreError};

use super::camera::{poster_camera, ViewerCamera};
use crate::delivery::links::derived_url;
use crate::state::AppState;

const READY_TTL: Duration = Duration::from_secs(300);
const PENDING_TTL: Duration = Duration::from_secs(1);

/// One look of a model: its `KHR_materials_variants` name (`None` for the default materials)
/// and the label its poster files carry (`poster-<label>-<size>.webp`).
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    pub name: Option<String>,
    pub label: String,
}

/// Where a product's model stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFacts {
    pub hash: ContentHash,
    /// The file the viewer loads (the optimized GLB), by its plain name.
    pub model_file: String,
    /// The pipeline revision the derived files are kept under (empty for an asset processed
    /// before revisions); [`ModelFacts::url`] puts it in every URL.
    revision: String,
    /// Every derived file is stored: posters, optimized GLBs, USDZ.
    pub ready: bool,
    /// `uploaded`, `processing`, `failed`, or `unknown` for a model without an asset record.
    pub status: &'static str,
    pub looks: Vec<Look>,
    /// Poster sides in pixels, ascending.
    pub poster_sizes: Vec<u32>,
    /// Width (x), height (y), depth (z) in metres.
    pub dimensions_m: Option<[f64; 3]>,
    pub camera: Option<ViewerCamera>,
    files: BTreeSet<String>,
}

impl ModelFacts {
    fn from_record(media: &Media, record: Option<showroom_store::AssetRecord>) -> Self {
        let mut facts = Self {
            hash: media.asset_hash.clone(),
            model_file: plain_name(&media.file_name).to_owned(),
            revision: String::new(),
            ready: false,
            status: "unknown",
            looks: Vec::new(),
            poster_sizes: Vec::new(),
            dimensions_m: None,
            camera: None,
            files: BTreeSet::new(),
        };
        let Some(record) = record else {
            return facts;
        };
        facts.status = record.status.as_str();
        facts.ready = record.status == AssetStatus::Ready;
        let Some(report) = record.report.filter(|_| facts.ready) else {
            return facts;
        };
        facts.revision = report
            .get("revision")
            .and_then(|r| r.as_str())
            .unwrap_or_default()
            .to_owned();
        facts.files = report
            .get("files")
            .and_then(|f| f.as_object())
            .map(|f| f.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(posters) = report.get("posters").and_then(|p| p.as_array()) {
            for (index, poster) in posters.iter().enumerate() {
                let (Some(look), Some(label)) = (
                    poster.get("look").and_then(|l| l.as_str()),
                    poster.get("label").and_then(|l| l.as_str()),
                ) else {
                    continue;
                };
                facts.looks.push(Look {
                    name: (index > 0).then(|| look.to_owned()),
                    label: label.to_owned(),
                });
                if facts.poster_sizes.is_empty() {
                    facts.poster_sizes = poster
                        .get("sizes")
                        .and_then(|s| s.as_array())
                        .map(|s| {
                            s.iter()
                                .filter_map(|v| v.as_u64())
                                .map(|v| v as u32)
                                .collect()
                        })
                        .unwrap_or_default();
                    facts.poster_sizes.sort_unstable();
                }
            }
        }
        facts.dimensions_m = report.get("dimensions_m").and_then(|d| {
            let d = d.as_array()?;
            Some([
                d.first()?.as_f64()?,
                d.get(1)?.as_f64()?,
                d.get(2)?.as_f64()?,
            ])
        });
        facts.camera = poster_camera(&report);
        facts
    }

    /// The look showing material variant `name` (the default look for `None` or an unknown
    /// name).
    pub fn look(&self, name: Option<&str>) -> Option<&Look> {
        name.and_then(|n| self.looks.iter().find(|l| l.name.as_deref() == Some(n)))
            .or_else(|| self.looks.first())
    }

    pub fn has_posters(&self) -> bool {
        self.ready && !self.looks.is_empty() && !self.poster_sizes.is_empty()
    }

    /// The immutable URL of derived file `file` (a plain name): under the model's revision.
    pub fn url(&self, file: &str) -> String {
        derived_url(self.hash.as_str(), &self.revision, file)
    }

    /// `srcset` of a look's posters in one format (`webp` or `png`).
    pub fn srcset(&self, label: &str, extension: &str) -> String {
        self.poster_sizes
            .iter()
            .map(|size| {
                let file = pipeline::poster_file_name(label, *size, extension);
                format!("{} {size}w", self.url(file.as_str()))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The poster closest to `side` pixels (the fallback `src`, Open Graph image).
    pub fn poster_url(&self, label: &str, side: u32, extension: &str) -> Option<String> {
        let size = self
            .poster_sizes
            .iter()
            .copied()
            .min_by_key(|s| s.abs_diff(side))?;
        Some(self.url(pipeline::poster_file_name(label, size, extension).as_str()))
    }

    /// The USDZ for iOS Quick Look: the look's own package when the pipeline made one
    /// (`model-<label>.usdz`), else the default package.
    pub fn usdz_url(&self, label: &str) -> Option<String> {
        let own = format!("model-{label}.usdz");
        if self.files.contains(&own) {
            return Some(self.url(&own));
        }
        self.files
            .contains(pipeline::USDZ)
            .then(|| self.url(pipeline::USDZ))
    }

    /// The plain GLB (no compression extensions) that Android's Scene Viewer can open.
    pub fn plain_glb_url(&self) -> Option<String> {
        self.files
            .contains(pipeline::PLAIN_GLB)
            .then(|| self.url(pipeline::PLAIN_GLB))
    }

    /// The viewer may load the model: processed, or a model attached without an asset record.
    pub fn viewable(&self) -> bool {
        self.ready || self.status == "unknown"
    }
}

struct Entry {
    facts: Option<Arc<ModelFacts>>,
    fetched: Instant,
}

/// The per-process cache of [`ModelFacts`], keyed by content address and file.
pub struct FactsCache {
    entries: moka::sync::Cache<String, Arc<Entry>>,
}

impl Default for FactsCache {
    fn default() -> Self {
        Self {
            entries: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(READY_TTL)
                .build(),
        }
    }
}

/// A media file's name without the revision segment the store adds (`model.glb` for
/// `v2-1a2b3c4d/model.glb`).
fn plain_name(file_name: &str) -> &str {
    file_name
        .split_once('/')
        .map_or(file_name, |(_, plain)| plain)
}

/// The facts of the product's first 3D model, if it has one.
pub async fn model_facts(
    state: &AppState,
    media: &[Media],
) -> Result<Option<Arc<ModelFacts>>, StoreError> {
    let Some(model) = media.iter().find(|m| m.kind == MediaKind::Model) else {
        return Ok(None);
    };
    let key = format!("{}/{}", model.asset_hash.as_str(), model.file_name);
    let cache = &state.pages.facts.entries;
    if let Some(entry) = cache.get(&key) {
        let fresh =
            entry.facts.as_ref().is_some_and(|f| f.ready) || entry.fetched.elapsed() < PENDING_TTL;
        if fresh {
            return Ok(entry.facts.clone());
        }
    }
    let record = state.catalog.asset(&model.asset_hash).await?;
    let facts = Some(Arc::new(ModelFacts::from_record(model, record)));
    cache.insert(
        key,
        Arc::new(Entry {
            facts: facts.clone(),
            fetched: Instant::now(),
        }),
    );
    Ok(facts)
}
