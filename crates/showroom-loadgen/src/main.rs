//! `showroom-loadgen`: the load generator of `bench/scale.sh`. It keeps `--connections`
//! keep-alive HTTP/1.1 connections busy for `--duration` seconds, each sending its next request
//! as soon as the previous answer is read, and prints requests/s and latency percentiles.
//!
//! Why not wrk, which the benchmarks used before: under a burst of slow answers wrk 4.1's
//! percentiles contradict its own request count (wg/wrk#438). At 64 connections for 10 s the
//! latencies of all requests can sum to at most 640 s, yet a cold 100,000-product run reported an
//! average of 30 ms over 113,710 requests (3,400 s). Here every request's latency is kept and
//! sorted, and the output prints that sum next to its ceiling, so the figures can be checked.
//!
//! Paths: one `--path`, or `--paths FILE` (one per line) drawn with the skew of
//! `bench/lib/zipf.lua` — rank r with probability ~ 1/r (the index is N^u for a uniform u).

mod http1;
mod stats;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;

#[derive(Parser, Debug)]
#[command(about = "Loads an HTTP/1.1 server and prints requests/s and latency percentiles")]
struct Args {
    /// Server address, `host:port`.
    #[arg(long)]
    addr: String,
    /// The one path every request asks for.
    #[arg(long, conflicts_with = "paths")]
    path: Option<String>,
    /// A file of paths, one a line, drawn with a Zipf-like skew (the first line is the hottest).
    #[arg(long)]
    paths: Option<PathBuf>,
    /// Keep-alive connections, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Worker threads of the generator itself.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// An `Accept-Encoding` header to send (none by default: identity bodies).
    #[arg(long)]
    accept_encoding: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let paths = match (&args.path, &args.paths) {
        (Some(path), None) => vec![path.clone()],
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("reading {}", file.display()))?
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        _ => bail!("give --path or --paths"),
    };
    if paths.is_empty() || args.connections == 0 || !(args.duration > 0.0) {
        bail!("need at least one path, one connection and a positive duration");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()?;
    let report = runtime.block_on(run(&args, Arc::new(paths)))?;
    print!("{report}");
    Ok(())
}

async fn run(args: &Args, paths: Arc<Vec<String>>) -> anyhow::Result<stats::Report> {
    let duration = Duration::from_secs_f64(args.duration);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(args.connections);
    for seed in 0..args.connections {
        let connection = http1::Connection::open(&args.addr, args.accept_encoding.clone())
            .await
            .with_context(|| format!("connecting to {}", args.addr))?;
        let paths = paths.clone();
        tasks.push(tokio::spawn(connection.drive(paths, seed as u64, deadline)));
    }
    let mut all = stats::Samples::default();
    for task in tasks {
        all.merge(task.await??);
    }
    Ok(all.report(args.connections, started.elapsed()))
}
