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
//! Paths: one `--path`, or `--paths FILE` (one per line) drawn with a Zipf-like skew — rank r
//! with probability ~ 1/r (the index is N^u for a uniform u), as the wrk script it replaces.
//! With `--body FILE` every request is a `POST` of that file to `--path`, its placeholders and
//! those of the `--header`s filled per request (see `template.rs`): `bench/checkout.sh` sends
//! checkouts this way, each with its own idempotency key and line.

mod http1;
mod stats;
mod template;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;

use http1::{accept_encoding_line, Connection, Post, Requests};
use template::Template;

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
    /// Threads of the generator itself, each with its own share of the connections.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// An `Accept-Encoding` header to send (none by default: identity bodies).
    #[arg(long)]
    accept_encoding: Option<String>,
    /// POST this file to `--path` instead of GETs; `{unique}`, `{pick}` and `{int:A-B}` are
    /// filled per request.
    #[arg(long, requires = "path")]
    body: Option<PathBuf>,
    /// A header line (`Name: value`) for every POST, placeholders filled; repeatable.
    #[arg(long = "header", requires = "body")]
    headers: Vec<String>,
    /// The lines `{pick}` draws from, uniformly.
    #[arg(long, requires = "body")]
    picks: Option<PathBuf>,
}

/// The POSTs of `--body`, with their headers and picks.
fn posts(args: &Args, path: &str, body: &std::path::Path) -> anyhow::Result<Requests> {
    let read = |file: &std::path::Path| {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
    };
    let body = Template::parse(read(body)?.trim_end())?;
    let mut headers = Vec::with_capacity(args.headers.len());
    for header in &args.headers {
        if !header.contains(':') || header.contains(['\r', '\n']) {
            bail!("--header {header:?}: write one `Name: value`");
        }
        headers.push(Template::parse(header)?);
    }
    let picks: Vec<String> = match &args.picks {
        Some(file) => read(file)?
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect(),
        None => Vec::new(),
    };
    if picks.is_empty() && (body.uses_picks() || headers.iter().any(Template::uses_picks)) {
        bail!("{{pick}} needs a --picks file with at least one line");
    }
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let coding = accept_encoding_line(args.accept_encoding.as_deref());
    Ok(Requests::Post(Post {
        start: format!("POST {path} HTTP/1.1\r\nHost: {}\r\n{coding}", args.addr),
        headers,
        body,
        picks,
        run: format!("{run:x}"),
    }))
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
    if paths.is_empty() || args.connections == 0 || args.duration.is_nan() || args.duration <= 0.0 {
        bail!("need at least one path, one connection and a positive duration");
    }
    let requests = Arc::new(match &args.body {
        Some(body) => posts(&args, &paths[0], body)?,
        None => Requests::get(&paths, &args.addr, args.accept_encoding.as_deref()),
    });
    let threads = args.threads.clamp(1, args.connections);
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.duration);
    // Like wrk: each thread runs its own event loop over its share of the connections, with no
    // work stealing between them.
    let workers: Vec<_> = (0..threads)
        .map(|thread| {
            let connections: Vec<usize> = (thread..args.connections).step_by(threads).collect();
            let (addr, requests) = (args.addr.clone(), requests.clone());
            std::thread::spawn(move || run_thread(&addr, &connections, requests, deadline))
        })
        .collect();
    let mut all = stats::Samples::default();
    for worker in workers {
        let samples = worker
            .join()
            .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
        all.merge(samples);
    }
    print!("{}", all.report(args.connections, started.elapsed()));
    Ok(())
}

/// Drives `connections` (their numbers seed the path draws) on one single-threaded runtime.
fn run_thread(
    addr: &str,
    connections: &[usize],
    requests: Arc<Requests>,
    deadline: Instant,
) -> anyhow::Result<stats::Samples> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for &seed in connections {
            let connection = Connection::open(addr)
                .await
                .with_context(|| format!("connecting to {addr}"))?;
            tasks.spawn(connection.drive(requests.clone(), seed as u64, deadline));
        }
        let mut samples = stats::Samples::default();
        while let Some(done) = tasks.join_next().await {
            samples.merge(done??);
        }
        Ok(samples)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `posts` for these flags, with the body file holding `body`.
    fn posts_of(body: &str, flags: &[&str]) -> anyhow::Result<Requests> {
        let file = std::env::temp_dir().join(format!("loadgen-body-{}.json", std::process::id()));
        std::fs::write(&file, body).unwrap();
        let file_flag = file.display().to_string();
        let mut argv = vec!["showroom-loadgen", "--addr", "127.0.0.1:1", "--path", "/p"];
        argv.extend(["--body", &file_flag]);
        argv.extend(flags);
        let args = Args::try_parse_from(argv).unwrap();
        let answer = posts(&args, "/p", args.body.as_deref().unwrap());
        std::fs::remove_file(&file).ok();
        answer
    }

    #[test]
    fn bad_post_flags_are_one_line_errors() {
        let error = |body: &str, flags: &[&str]| match posts_of(body, flags) {
            Ok(_) => panic!("{body} {flags:?} was accepted"),
            Err(error) => error.to_string(),
        };
        assert!(error("{}", &["--header", "no colon"]).contains("write one `Name: value`"));
        assert!(error(r#"{"id":"{pick}"}"#, &[]).contains("needs a --picks file"));
        assert!(error("{int:9-1}", &[]).contains("A is greater than B"));
        let missing = error("{}", &["--picks", "/nonexistent/picks.txt"]);
        assert!(
            missing.contains("reading /nonexistent/picks.txt"),
            "{missing}"
        );
        assert!(posts_of(r#"{"k":"{unique}"}"#, &["--header", "X-Key: {unique}"]).is_ok());
    }
}
