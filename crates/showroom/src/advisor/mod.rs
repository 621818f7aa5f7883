//! `showroom advisor`: a capacity and cost report from measured load, in the spirit of AWS
//! Trusted Advisor. It reads the `/metrics` of running instances (scraped twice, `--window-secs`
//! apart) or a recording of such scrapes (`--metrics FILE`), optionally an edge access log, and
//! prints:
//! - requests/s per instance and per route, CPU busy, memory, a p99 bound;
//! - requests per CPU-second for the measured route mix, the response-cache and edge hit ratios;
//! - how many reference instances a peak (`--peak-rps`) needs at the target CPU;
//! - idle or oversized resources;
//! - the monthly AWS cost of the reference deployment (`deploy/aws`) at that load, line by line
//!   from the dated, sourced price table `deploy/aws/prices.toml`.
//!
//! It needs no configuration, database or cache: only the instances' metrics.

mod capacity;
mod edge_log;
mod exposition;
mod measure;
mod prices;
mod recording;
mod report;

use std::path::PathBuf;
use std::time::Duration;

/// Flags of `showroom advisor`.
#[derive(Debug, clap::Args)]
pub struct AdvisorArgs {
    /// A running instance (`http://host:port`, or its `/metrics` URL); repeat for each instance.
    #[arg(long = "url", value_name = "URL", required_unless_present = "metrics")]
    pub urls: Vec<String>,
    /// A recording of /metrics snapshots instead of live instances (see `--record`).
    #[arg(long, value_name = "FILE", conflicts_with = "urls")]
    pub metrics: Option<PathBuf>,
    /// Seconds between the two scrapes of live instances.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub window_secs: u64,
    /// Also write the scraped snapshots to FILE (a recording `--metrics` can read later).
    #[arg(long, value_name = "FILE", requires = "urls")]
    pub record: Option<PathBuf>,
    /// Edge access log with `cache=STATUS bytes=N` fields (the nginx edge of deploy/local).
    #[arg(long, value_name = "FILE")]
    pub edge_log: Option<PathBuf>,
    /// The peak to size the fleet for, in requests/s at the instances (default: the measured rate).
    #[arg(long, value_name = "N")]
    pub peak_rps: Option<f64>,
    /// The month's average requests/s at the edge, for traffic-priced items (default: the peak).
    #[arg(long, value_name = "N")]
    pub average_rps: Option<f64>,
    /// CPU utilization to size for, in percent.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(10..=95))]
    pub target_cpu_percent: u32,
    /// Mean response size in bytes when no edge log measures it.
    #[arg(long, value_name = "BYTES")]
    pub bytes_per_response: Option<f64>,
    /// Stored models (GB) in the model bucket.
    #[arg(long, default_value_t = 50.0, value_name = "GB")]
    pub model_storage_gb: f64,
    /// Another price table (same fields as deploy/aws/prices.toml).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

/// Mean response size assumed when neither an edge log nor `--bytes-per-response` gives one.
const ASSUMED_BYTES_PER_RESPONSE: f64 = 20_000.0;

/// Runs the advisor and returns its report.
pub async fn run(args: &AdvisorArgs) -> anyhow::Result<String> {
    let positive = |name: &str, value: Option<f64>| match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => {
            Err(anyhow::anyhow!("{name} must be a number ≥ 0, not {v}"))
        }
        _ => Ok(()),
    };
    positive("--peak-rps", args.peak_rps)?;
    positive("--average-rps", args.average_rps)?;
    positive("--bytes-per-response", args.bytes_per_response)?;
    positive("--model-storage-gb", Some(args.model_storage_gb))?;
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
    };
    let table_text = match &args.prices {
        Some(path) => read(path)?,
        None => prices::BUILT_IN.to_owned(),
    };
    let table = prices::PriceTable::parse(&table_text).map_err(anyhow::Error::msg)?;
    let snapshots = match &args.metrics {
        Some(path) => recording::parse_recording(&read(path)?)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        None => {
            let snapshots =
                recording::scrape_twice(&args.urls, Duration::from_secs(args.window_secs))
                    .await
                    .map_err(anyhow::Error::msg)?;
            if let Some(path) = &args.record {
                std::fs::write(path, recording::to_recording(&snapshots))
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            }
            snapshots
        }
    };
    let windows = recording::first_and_last(&snapshots)
        .map_err(anyhow::Error::msg)?
        .into_iter()
        .map(|(first, last)| measure::measure(first, last))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let edge = args
        .edge_log
        .as_ref()
        .map(read)
        .transpose()?
        .map(|text| edge_log::read(&text));
    let fleet = capacity::fleet(&windows, edge);
    let targets = capacity::Targets {
        target_cpu: f64::from(args.target_cpu_percent) / 100.0,
        peak_rps: args.peak_rps,
        average_rps: args.average_rps,
    };
    let advice = capacity::advise(&fleet, &windows, &table, &targets);
    let asset_requests: f64 = fleet
        .routes
        .iter()
        .filter(|(route, _)| route.contains(" /assets"))
        .map(|(_, figures)| figures.requests)
        .sum();
    let (bytes_per_response, bytes_note) = match (
        args.bytes_per_response,
        edge.and_then(|e| e.bytes_per_response()),
    ) {
        (Some(given), _) => (given, "given"),
        (None, Some(measured)) => (measured, "measured at the edge"),
        (None, None) => (
            ASSUMED_BYTES_PER_RESPONSE,
            "assumed; give --edge-log or --bytes-per-response",
        ),
    };
    let load = prices::Load {
        instances: f64::from(advice.instances_for_peak),
        average_rps: advice.average_rps,
        edge_hit_ratio: edge.and_then(|e| e.hit_ratio()).unwrap_or(0.0),
        asset_share: if fleet.requests > 0.0 {
            asset_requests / fleet.requests
        } else {
            0.0
        },
        bytes_per_response,
        model_storage_gib: args.model_storage_gb,
    };
    let cost = prices::monthly_cost(&table, &load);
    let mut text = report::render(&windows, &fleet, &advice, &table, &cost);
    text.push_str(&format!(
        "  mean response size {:.0} bytes ({bytes_note}); edge hit ratio {:.1} % used for origin traffic\n",
        load.bytes_per_response,
        100.0 * load.edge_hit_ratio
    ));
    Ok(text)
}
