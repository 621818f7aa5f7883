//! `showroom assets import PATH… [--product SLUG]`: brings model files into the shop the way an
//! upload through the admin API does — streamed to object storage under their SHA-256, recorded
//! with a processing job — then processes them here with a progress bar per file, and, with
//! `--product`, attaches each ready model (and its poster) to that product, linking its variants
//! to the model's looks by name.
//!
//! A `.glb` or a `.zip` is imported as it is; a `.gltf` is zipped with the files its buffers and
//! images name (relative URIs only, as the validator allows). Files already imported are not
//! processed again. Workers elsewhere (`showroom worker`, other instances) may pick up the jobs
//! too: progress is read back from the queue, so the bars are right whoever does the work.
//! Exit status: 0 when every file is ready, 1 otherwise (each failure says why).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use showroom_assets::pipeline;
use showroom_domain::Slug;
use showroom_shop::Shop;
use showroom_store::{AssetRecord, AssetStatus, ContentHash, DynCatalogStore, MediaKind};

use crate::worker::{WorkerContext, WorkerSettings, Workers};
use crate::Config;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Model files: .glb, a .zip holding a .gltf with its files, or a .gltf beside its files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Attach every imported model to the product with this slug.
    #[arg(long, value_name = "SLUG")]
    pub product: Option<String>,
}

/// One file on its way in.
struct Item {
    label: String,
    hash: ContentHash,
    bar: ProgressBar,
    last: Option<(AssetStatus, u8, String)>,
}

pub async fn run(config: &Config, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let (shop, backends) = crate::build_shop(config).await?;
    let product = match &args.product {
        Some(raw) => {
            let slug = Slug::parse(raw).map_err(|e| anyhow::anyhow!("--product: {}", e.0))?;
            let found = backends.store.product_by_slug(&slug).await?;
            Some(
                found
                    .ok_or_else(|| anyhow::anyhow!("--product: no product has the slug `{raw}`"))?,
            )
        }
        None => None,
    };
    let interactive = std::io::stderr().is_terminal();
    let bars = MultiProgress::new();
    let style = ProgressStyle::with_template("{prefix:>24} [{bar:30}] {pos:>3}% {msg}")
        .expect("a valid template")
        .progress_chars("=> ");
    let mut items = Vec::new();
    let mut refused = 0usize;
    for path in &args.paths {
        let label = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        // A file that cannot be stored is reported and skipped; the others still come in.
        let registered = match read_upload(path) {
            Ok(bytes) => register(&shop, &label, bytes).await,
            Err(e) => Err(e),
        };
        let record = match registered {
            Ok(record) => record,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                refused += 1;
                continue;
            }
        };
        let bar = bars.add(ProgressBar::new(100).with_style(style.clone()));
        bar.set_prefix(shorten(&label, 24));
        if !interactive {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        items.push(Item {
            label,
            hash: record.hash,
            bar,
            last: None,
        });
    }

    let mut settings = WorkerSettings::from_config(config);
    settings.concurrency = settings.concurrency.max(1);
    let workers = Workers::start(WorkerContext {
        queue: backends.store.clone(),
        blobs: backends.blobs.clone(),
        settings: Arc::new(settings),
    });
    let records = watch(&backends.store, &mut items, interactive).await;
    workers.stop(Duration::from_secs(10)).await;
    let records = records?;

    let mut all_ready = refused == 0;
    for (item, record) in items.iter().zip(&records) {
        if record.status != AssetStatus::Ready {
            all_ready = false;
            eprintln!(
                "error: {}: {}",
                item.label,
                record.failure.as_deref().unwrap_or("not processed")
            );
            continue;
        }
        println!(
            "{}: ready as {} ({})",
            item.label,
            record.hash.as_str(),
            summary(record)
        );
        if let Some(product) = &product {
            attach(&backends.store, product.id, record).await?;
            println!("  attached to {}", product.slug.as_str());
        }
    }
    if product.is_some() {
        showroom_shop::invalidate_catalog(backends.cache.as_ref()).await;
    }
    Ok(if all_ready {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The bytes to upload for `path`: the file itself, or a zip of a `.gltf` and what it names.
fn read_upload(path: &Path) -> Result<Vec<u8>, String> {
    let is_gltf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gltf"));
    if !is_gltf {
        return std::fs::read(path).map_err(|e| e.to_string());
    }
    let json = std::fs::read(path).map_err(|e| e.to_string())?;
    let document: serde_json::Value =
        serde_json::from_slice(&json).map_err(|e| format!("not a glTF JSON file: {e}"))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    zip.start_file(name.as_ref(), options)
        .map_err(|e| e.to_string())?;
    zip.write_all(&json).map_err(|e| e.to_string())?;
    let mut seen = std::collections::BTreeSet::new();
    for uri in resource_uris(&document) {
        let Some(relative) = local_path(&uri) else {
            continue;
        };
        if !seen.insert(relative.clone()) {
            continue;
        }
        let file = folder.join(&relative);
        let bytes = std::fs::read(&file)
            .map_err(|e| format!("{} (named by the .gltf): {e}", file.display()))?;
        zip.start_file(relative.as_str(), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

fn resource_uris(document: &serde_json::Value) -> Vec<String> {
    ["buffers", "images"]
        .iter()
        .filter_map(|key| document.get(*key)?.as_array())
        .flatten()
        .filter_map(|item| Some(item.get("uri")?.as_str()?.to_owned()))
        .collect()
}

/// A relative, percent-decoded path without `..`; `None` for `data:` and anything else.
fn local_path(uri: &str) -> Option<String> {
    if uri.contains(':') || uri.starts_with('/') {
        return None;
    }
    let base = url::Url::parse("file:///model/").ok()?;
    let joined = base.join(uri).ok()?;
    let decoded = joined.to_file_path().ok()?;
    let relative = decoded.strip_prefix("/model").ok()?;
    let text = relative.to_str()?.to_owned();
    (!text.is_empty() && !text.split('/').any(|s| s == "..")).then_some(text)
}

async fn register(shop: &Shop, label: &str, bytes: Vec<u8>) -> Result<AssetRecord, String> {
    let stream = futures::stream::iter([Ok::<_, std::convert::Infallible>(Bytes::from(bytes))]);
    let (record, _created) = shop
        .uploads
        .ingest(stream, label.to_owned())
        .await
        .map_err(|e| e.to_string())?;
    Ok(record)
}

/// Polls every item's record until all are ready or failed, drawing progress.
async fn watch(
    store: &DynCatalogStore,
    items: &mut [Item],
    interactive: bool,
) -> anyhow::Result<Vec<AssetRecord>> {
    loop {
        let mut records = Vec::with_capacity(items.len());
        for item in items.iter_mut() {
            let record = store
                .asset(&item.hash)
                .await?
                .ok_or_else(|| anyhow::anyhow!("{}: the asset record disappeared", item.label))?;
            let now = (record.status, record.progress, record.stage.clone());
            if item.last.as_ref() != Some(&now) {
                item.bar.set_position(u64::from(record.progress));
                item.bar.set_message(record.stage.clone());
                if !interactive {
                    eprintln!(
                        "{}: {} {}% {}",
                        item.label,
                        record.status.as_str(),
                        record.progress,
                        record.stage
                    );
                }
                match record.status {
                    AssetStatus::Ready => item.bar.finish_with_message("ready"),
                    AssetStatus::Failed => item.bar.abandon_with_message("failed"),
                    _ => {}
                }
                item.last = Some(now);
            }
            records.push(record);
        }
        let done = records
            .iter()
            .all(|r| matches!(r.status, AssetStatus::Ready | AssetStatus::Failed));
        if done {
            return Ok(records);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Attaches a ready model and its largest default poster, then links variants to its looks.
async fn attach(
    store: &DynCatalogStore,
    product_id: uuid::Uuid,
    record: &AssetRecord,
) -> anyhow::Result<()> {
    let report = record
        .report
        .as_ref()
        .and_then(pipeline::PipelineReport::from_stored);
    let poster = report
        .as_ref()
        .and_then(|r| r.default_poster().map(str::to_owned));
    let alt = format!("{} in 3D", record.original_name);
    let mut media = vec![(MediaKind::Model, pipeline::DELIVERY_GLB.to_owned())];
    media.extend(poster.map(|p| (MediaKind::Image, p)));
    for (kind, file_name) in media {
        store
            .add_media(
                product_id,
                showroom_store::NewMedia {
                    kind,
                    asset_hash: record.hash.clone(),
                    file_name,
                    alt: alt.clone(),
                },
            )
            .await?;
    }
    let names = report.map(|r| r.variants).unwrap_or_default();
    if !names.is_empty() {
        store.link_material_variants(product_id, &names).await?;
    }
    Ok(())
}

fn summary(record: &AssetRecord) -> String {
    let report = record
        .report
        .as_ref()
        .and_then(pipeline::PipelineReport::from_stored);
    let triangles = report.as_ref().map_or(0, |r| r.inspection.triangles);
    let dims = report
        .map(|r| {
            r.dimensions_m
                .iter()
                .map(|v| format!("{:.1}", v * 100.0))
                .collect::<Vec<_>>()
                .join(" × ")
        })
        .unwrap_or_default();
    format!("{triangles} triangles, {dims} cm")
}

fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let tail: String = text
        .chars()
        .rev()
        .take(width - 1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}
