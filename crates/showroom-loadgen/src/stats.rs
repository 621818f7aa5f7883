//! Every request's latency, kept whole (no histogram buckets, no sampling), and the report made
//! from them: requests/s, percentiles by nearest rank, and Little's-law check figures.

use std::fmt;
use std::time::Duration;

#[derive(Default)]
pub struct Samples {
    micros: Vec<u64>,
    not_2xx_3xx: u64,
    server_errors: u64,
}

impl Samples {
    pub fn record(&mut self, latency: Duration, status: u16) {
        self.micros.push(latency.as_micros() as u64);
        if !(200..400).contains(&status) {
            self.not_2xx_3xx += 1;
        }
        if status >= 500 {
            self.server_errors += 1;
        }
    }

    pub fn merge(&mut self, other: Samples) {
        self.micros.extend(other.micros);
        self.not_2xx_3xx += other.not_2xx_3xx;
        self.server_errors += other.server_errors;
    }

    pub fn report(mut self, connections: usize, elapsed: Duration) -> Report {
        self.micros.sort_unstable();
        let ms = |p: f64| percentile(&self.micros, p) as f64 / 1000.0;
        Report {
            requests: self.micros.len(),
            seconds: elapsed.as_secs_f64(),
            p50_ms: ms(50.0),
            p90_ms: ms(90.0),
            p99_ms: ms(99.0),
            p999_ms: ms(99.9),
            max_ms: self.micros.last().copied().unwrap_or(0) as f64 / 1000.0,
            busy_seconds: self.micros.iter().sum::<u64>() as f64 / 1e6,
            connections,
            not_2xx_3xx: self.not_2xx_3xx,
            server_errors: self.server_errors,
        }
    }
}

/// The nearest-rank percentile of sorted values (0 when empty).
fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub struct Report {
    requests: usize,
    seconds: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    p999_ms: f64,
    max_ms: f64,
    /// The latencies' sum: at most `connections × seconds` (one request in flight each).
    busy_seconds: f64,
    connections: usize,
    not_2xx_3xx: u64,
    server_errors: u64,
}

impl fmt::Display for Report {
    /// Human lines, then one machine line:
    /// `result rps p50 p99 non_2xx_3xx p90 p99.9 max requests 5xx`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rps = self.requests as f64 / self.seconds;
        writeln!(
            f,
            "{} requests in {:.2} s: {rps:.0} requests/s, {} not 2xx/3xx ({} 5xx)",
            self.requests, self.seconds, self.not_2xx_3xx, self.server_errors
        )?;
        writeln!(
            f,
            "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
            self.p50_ms, self.p90_ms, self.p99_ms, self.p999_ms, self.max_ms
        )?;
        writeln!(
            f,
            "sum of latencies {:.1} s of at most {:.1} (connections x seconds)",
            self.busy_seconds,
            self.connections as f64 * self.seconds
        )?;
        writeln!(
            f,
            "result {rps:.0} {:.2} {:.2} {} {:.2} {:.2} {:.2} {} {}",
            self.p50_ms,
            self.p99_ms,
            self.not_2xx_3xx,
            self.p90_ms,
            self.p999_ms,
            self.max_ms,
            self.requests,
            self.server_errors
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_ranks_of_every_sample() {
        let mut samples = Samples::default();
        for ms in 1..=100u64 {
            samples.record(Duration::from_millis(ms), if ms == 100 { 500 } else { 200 });
        }
        let report = samples.report(4, Duration::from_secs(1));
        assert_eq!(
            (report.p50_ms, report.p99_ms, report.max_ms),
            (50.0, 99.0, 100.0)
        );
        assert_eq!(report.not_2xx_3xx, 1);
        assert_eq!(report.busy_seconds, 5.05);
        assert_eq!(percentile(&[], 99.0), 0);
    }
}
