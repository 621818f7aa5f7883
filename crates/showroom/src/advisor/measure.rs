//! What happened on each instance between its first and its last snapshot: requests per route,
//! server errors, CPU seconds, memory, response-cache lookups, the database pool, and a p99
//! latency bound from the request histogram. Counters are compared, never read as absolutes, so
//! an instance that has been up for days measures the same as a fresh one; a counter that went
//! down (the instance restarted in between) is refused rather than misread.

use std::collections::BTreeMap;

use super::exposition::Sample;
use super::recording::Snapshot;

/// Operations endpoints: probes and scrapes, not shop traffic.
const OPERATIONS_ROUTES: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// One route's share of an instance's traffic in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RouteFigures {
    pub requests: f64,
    pub server_errors: f64,
}

/// One instance over its window.
#[derive(Debug, Clone, Default)]
pub struct InstanceWindow {
    pub instance: String,
    pub seconds: f64,
    /// Keyed by `METHOD route-template`.
    pub routes: BTreeMap<String, RouteFigures>,
    pub cpu_seconds: Option<f64>,
    pub resident_bytes: Option<f64>,
    pub cache_hits: f64,
    pub cache_misses: f64,
    pub cache_errors: f64,
    pub pool_size: Option<f64>,
    pub pool_idle: Option<f64>,
    /// Upper bound (a histogram bucket) of the 99th percentile of shop requests.
    pub p99_seconds_at_most: Option<f64>,
}

impl InstanceWindow {
    pub fn requests(&self) -> f64 {
        self.routes.values().map(|r| r.requests).sum()
    }

    pub fn requests_per_second(&self) -> f64 {
        self.requests() / self.seconds
    }
}

/// Measures one instance from its first and last snapshot.
pub fn measure(first: &Snapshot, last: &Snapshot) -> Result<InstanceWindow, String> {
    let seconds = last.at_secs - first.at_secs;
    let delta = |name: &str, filter: &dyn Fn(&Sample) -> bool| -> Result<f64, String> {
        let sum = |s: &Snapshot| -> f64 {
            s.samples
                .iter()
                .filter(|x| x.name == name && filter(x))
                .map(|x| x.value)
                .sum()
        };
        let change = sum(last) - sum(first);
        if change < -1e-9 {
            return Err(format!(
                "{}: `{name}` went down between snapshots: the instance restarted; measure again",
                first.instance
            ));
        }
        Ok(change)
    };
    let mut routes: BTreeMap<String, RouteFigures> = BTreeMap::new();
    for sample in last
        .samples
        .iter()
        .filter(|s| s.name == "showroom_http_requests_total")
    {
        let route = sample.label("route");
        if OPERATIONS_ROUTES.contains(&route) {
            continue;
        }
        let before = first
            .samples
            .iter()
            .find(|s| s.name == sample.name && s.labels == sample.labels)
            .map_or(0.0, |s| s.value);
        let change = sample.value - before;
        if change < -1e-9 {
            return Err(format!(
                "{}: request counters went down between snapshots: the instance restarted; measure again",
                first.instance
            ));
        }
        let figures = routes
            .entry(format!("{} {route}", sample.label("method")))
            .or_default();
        figures.requests += change;
        if sample.label("status").starts_with('5') {
            figures.server_errors += change;
        }
    }
    routes.retain(|_, figures| figures.requests > 0.0);
    let gauge = |name: &str| {
        last.samples
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value)
    };
    let cpu_seconds = match (
        first
            .samples
            .iter()
            .find(|s| s.name == "process_cpu_seconds_total"),
        gauge("process_cpu_seconds_total"),
    ) {
        (Some(before), Some(after)) if after >= before.value => Some(after - before.value),
        _ => None,
    };
    let any = |_: &Sample| true;
    Ok(InstanceWindow {
        instance: first.instance.clone(),
        seconds,
        routes,
        cpu_seconds,
        resident_bytes: gauge("process_resident_memory_bytes"),
        cache_hits: delta("showroom_cache_hits_total", &any)?,
        cache_misses: delta("showroom_cache_misses_total", &any)?,
        cache_errors: delta("showroom_cache_errors_total", &any)?,
        pool_size: gauge("showroom_db_pool_connections"),
        pool_idle: gauge("showroom_db_pool_idle_connections"),
        p99_seconds_at_most: p99_bound(first, last),
    })
}

/// The smallest bucket bound holding 99 % of the window's shop requests.
fn p99_bound(first: &Snapshot, last: &Snapshot) -> Option<f64> {
    let buckets = |s: &Snapshot| {
        let mut by_bound: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
        for sample in s.samples.iter().filter(|x| {
            x.name == "showroom_http_request_duration_seconds_bucket"
                && !OPERATIONS_ROUTES.contains(&x.label("route"))
        }) {
            let bound: f64 = match sample.label("le") {
                "+Inf" => f64::INFINITY,
                other => other.parse().ok()?,
            };
            let entry = by_bound.entry(bound.to_bits()).or_insert((bound, 0.0));
            entry.1 += sample.value;
        }
        Some(by_bound)
    };
    let (before, after) = (buckets(first)?, buckets(last)?);
    let mut cumulative: Vec<(f64, f64)> = after
        .iter()
        .map(|(bits, (bound, count))| {
            let earlier = before.get(bits).map_or(0.0, |(_, c)| *c);
            (*bound, count - earlier)
        })
        .collect();
    cumulative.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = cumulative.last()?.1;
    if total <= 0.0 {
        return None;
    }
    cumulative
        .into_iter()
        .find(|(_, count)| *count >= 0.99 * total)
        .map(|(bound, _)| bound)
}

#[cfg(test)]
mod tests {
    use super::super::recording::parse_recording;
    use super::*;

    const RECORDING: &str = r#"# showroom-advisor snapshot instance=a at=100
showroom_http_requests_total{method="GET",route="/api/v1/products",status="200"} 100
showroom_http_requests_total{method="GET",route="/healthz",status="200"} 50
showroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",status="200",le="0.01"} 90
showroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",status="200",le="0.1"} 100
showroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",status="200",le="+Inf"} 100
showroom_cache_hits_total{namespace="products",backend="redis"} 10
process_cpu_seconds_total 4
# showroom-advisor snapshot instance=a at=110
showroom_http_requests_total{method="GET",route="/api/v1/products",status="200"} 1090
showroom_http_requests_total{method="GET",route="/api/v1/products",status="503"} 10
showroom_http_requests_total{method="GET",route="/healthz",status="200"} 900
showroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",status="200",le="0.01"} 1000
showroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",status="200",le="0.1"} 1090
showroom_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",status="200",le="+Inf"} 1090
showroom_cache_hits_total{namespace="products",backend="redis"} 910
showroom_cache_misses_total{namespace="products",backend="redis"} 100
process_cpu_seconds_total 6.5
"#;

    #[test]
    fn an_instance_window_counts_shop_requests_errors_cpu_and_cache() {
        let snapshots = parse_recording(RECORDING).unwrap();
        let window = measure(&snapshots[0], &snapshots[1]).unwrap();
        assert_eq!(window.seconds, 10.0);
        assert_eq!(window.requests(), 1000.0, "probes are not shop traffic");
        assert_eq!(window.requests_per_second(), 100.0);
        let products = window.routes["GET /api/v1/products"];
        assert_eq!(products.server_errors, 10.0);
        assert_eq!(window.cpu_seconds, Some(2.5));
        assert_eq!((window.cache_hits, window.cache_misses), (900.0, 100.0));
        // 990 requests of 990 (200s only in the histogram) fell at or under 0.1 s, 910 under 0.01.
        assert_eq!(window.p99_seconds_at_most, Some(0.1));
    }

    #[test]
    fn a_counter_that_went_down_means_a_restart_and_is_refused() {
        let mut snapshots = parse_recording(RECORDING).unwrap();
        snapshots.swap(0, 1);
        snapshots[0].at_secs = 100.0;
        snapshots[1].at_secs = 110.0;
        let error = measure(&snapshots[0], &snapshots[1]).unwrap_err();
        assert!(error.contains("restarted"), "{error}");
    }
}
