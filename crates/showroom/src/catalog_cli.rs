//! `showroom catalog import FILE.csv [--dry-run]` and `showroom catalog export [-o FILE]`: a whole
//! catalog in and out as Shopify product CSV, against the configured database (see
//! `showroom_shop::catalog_file`). Prices are read in the shop's `currency`.
//!
//! Import shows a progress bar on a terminal and a plain line every few seconds otherwise, then a
//! summary on stdout and every refused record (`line N: why`) on stderr. Exit status: `0` when
//! every record was used, `1` when some were refused (the good ones are kept) or the file or
//! database failed.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use showroom_domain::Currency;
use showroom_shop::catalog_file::{export_catalog, CatalogImport, ImportProgress, ImportReport};

use crate::backends;
use crate::config::Config;

/// Refused records printed at most; the count of the rest follows.
const MAX_PRINTED_PROBLEMS: usize = 200;

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Import a Shopify product CSV: products created or updated by handle, variants by SKU.
    Import {
        file: PathBuf,
        /// Read and check every record, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Products per transaction.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u16).range(1..=5000))]
        batch_size: u16,
    },
    /// Write every product as Shopify product CSV to stdout (or `-o FILE`).
    Export {
        #[arg(short = 'o', long = "out")]
        out: Option<PathBuf>,
    },
}

pub async fn run(config: &Config, command: CatalogCommand) -> anyhow::Result<()> {
    let store = backends::connect_catalog(config).await?;
    match command {
        CatalogCommand::Import {
            file,
            dry_run,
            batch_size,
        } => {
            let currency = Currency::parse(&config.currency)
                .map_err(|e| anyhow!("{}: {}", crate::config::setting_name("currency"), e.0))?;
            let size = std::fs::metadata(&file)
                .with_context(|| format!("{}", file.display()))?
                .len();
            let reader =
                std::fs::File::open(&file).with_context(|| format!("{}", file.display()))?;
            let mut import = CatalogImport::new(store.clone(), currency);
            import.dry_run = dry_run;
            import.batch_size = usize::from(batch_size);
            let started = Instant::now();
            let mut shown = Progress::new(size);
            let report = import
                .run(std::io::BufReader::with_capacity(1 << 20, reader), |p| {
                    shown.update(p)
                })
                .await
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            shown.finish();
            if !dry_run {
                // The running servers' caches, if they share this one (Redis), see the new catalog.
                if let Ok(cache) = backends::connect_cache(config).await {
                    showroom_shop::invalidate_catalog(cache.as_ref()).await;
                }
            }
            print_report(&file, &report, dry_run, started.elapsed());
            if report.problems.is_empty() {
                Ok(())
            } else {
                Err(anyhow!("{} records were refused", report.problems.len()))
            }
        }
        CatalogCommand::Export { out } => {
            let started = Instant::now();
            let written = match &out {
                Some(path) => {
                    let file = std::fs::File::create(path)
                        .with_context(|| format!("{}", path.display()))?;
                    export_catalog(&store, std::io::BufWriter::new(file), |_| {}).await?
                }
                None => export_catalog(&store, std::io::stdout().lock(), |_| {}).await?,
            };
            eprintln!(
                "exported {written} products in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

fn print_report(file: &std::path::Path, report: &ImportReport, dry_run: bool, took: Duration) {
    let products = if dry_run {
        report.checked
    } else {
        report.created + report.updated
    };
    let rate = products as f64 / took.as_secs_f64().max(0.001);
    if dry_run {
        println!(
            "{}: dry run: {} products and {} variants would be written; nothing was",
            file.display(),
            report.checked,
            report.variants
        );
    } else {
        println!(
            "{}: {} products created, {} updated, {} variants, {} categories created",
            file.display(),
            report.created,
            report.updated,
            report.variants,
            report.categories_created
        );
    }
    println!(
        "{} records refused, {} image-only records skipped; {:.1} s, {:.0} products/s",
        report.problems.len(),
        report.images_skipped,
        took.as_secs_f64(),
        rate
    );
    for problem in report.problems.iter().take(MAX_PRINTED_PROBLEMS) {
        eprintln!("line {}: {}", problem.line, problem.reason);
    }
    if report.problems.len() > MAX_PRINTED_PROBLEMS {
        eprintln!(
            "… and {} more",
            report.problems.len() - MAX_PRINTED_PROBLEMS
        );
    }
}

/// A bar over the file's bytes on a terminal; otherwise a plain line at most every 5 seconds.
struct Progress {
    bar: Option<ProgressBar>,
    size: u64,
    last_line: Instant,
}

impl Progress {
    fn new(size: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(size);
            bar.set_style(
                ProgressStyle::with_template("[{bar:40}] {percent:>3}% {msg} ({eta} left)")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar
        });
        Self {
            bar,
            size,
            last_line: Instant::now(),
        }
    }

    fn update(&mut self, progress: ImportProgress) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(progress.bytes);
                bar.set_message(format!("{} products", progress.products));
            }
            None if self.last_line.elapsed() >= Duration::from_secs(5) => {
                self.last_line = Instant::now();
                let percent = progress.bytes * 100 / self.size.max(1);
                eprintln!("import: {percent}%, {} products", progress.products);
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
