//! From measured windows to advice: the fleet's totals, what one reference instance serves at
//! the target CPU for the measured route mix, how many instances a peak needs, and which
//! resources look idle or oversized.

use std::collections::BTreeMap;

use super::edge_log::EdgeFigures;
use super::measure::{InstanceWindow, RouteFigures};
use super::prices::PriceTable;

/// One instance per Availability Zone: the reference architecture never runs fewer.
pub const MIN_INSTANCES: u32 = 3;

/// Below this many busy CPUs an instance is called idle.
const IDLE_CPU: f64 = 0.05;

/// All instances together.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub instances: usize,
    pub routes: BTreeMap<String, RouteFigures>,
    pub requests: f64,
    pub requests_per_second: f64,
    pub mean_seconds: f64,
    /// `None` unless every instance reported its CPU time.
    pub cpu_seconds: Option<f64>,
    pub requests_per_cpu_second: Option<f64>,
    pub cache_hits: f64,
    pub cache_misses: f64,
    pub cache_errors: f64,
    pub cache_hit_ratio: Option<f64>,
    pub edge: Option<EdgeFigures>,
}

pub fn fleet(windows: &[InstanceWindow], edge: Option<EdgeFigures>) -> Fleet {
    let mut routes: BTreeMap<String, RouteFigures> = BTreeMap::new();
    for window in windows {
        for (route, figures) in &window.routes {
            let total = routes.entry(route.clone()).or_default();
            total.requests += figures.requests;
            total.server_errors += figures.server_errors;
        }
    }
    let requests: f64 = windows.iter().map(InstanceWindow::requests).sum();
    let requests_per_second = windows
        .iter()
        .map(InstanceWindow::requests_per_second)
        .sum();
    let mean_seconds = windows.iter().map(|w| w.seconds).sum::<f64>() / windows.len().max(1) as f64;
    let cpu_seconds: Option<f64> = windows.iter().map(|w| w.cpu_seconds).sum();
    let (hits, misses, errors) = windows.iter().fold((0.0, 0.0, 0.0), |(h, m, e), w| {
        (h + w.cache_hits, m + w.cache_misses, e + w.cache_errors)
    });
    Fleet {
        instances: windows.len(),
        routes,
        requests,
        requests_per_second,
        mean_seconds,
        cpu_seconds,
        requests_per_cpu_second: cpu_seconds.filter(|c| *c > 0.0).map(|c| requests / c),
        cache_hits: hits,
        cache_misses: misses,
        cache_errors: errors,
        cache_hit_ratio: (hits + misses > 0.0).then(|| hits / (hits + misses)),
        edge,
    }
}

/// What the measurements say to do.
#[derive(Debug, Clone)]
pub struct Advice {
    pub target_cpu: f64,
    pub peak_rps: f64,
    pub average_rps: f64,
    pub traffic_basis: String,
    pub capacity_per_instance: Option<f64>,
    pub instances_by_cpu: u32,
    pub instances_for_peak: u32,
    pub findings: Vec<String>,
}

pub struct Targets {
    pub target_cpu: f64,
    pub peak_rps: Option<f64>,
    pub average_rps: Option<f64>,
}

pub fn advise(
    fleet: &Fleet,
    windows: &[InstanceWindow],
    table: &PriceTable,
    targets: &Targets,
) -> Advice {
    let peak_rps = targets.peak_rps.unwrap_or(fleet.requests_per_second);
    let (average_rps, traffic_basis) = match targets.average_rps {
        Some(average) => (average, "traffic priced at --average-rps".to_owned()),
        None => (
            peak_rps,
            "traffic priced as if the peak lasted all month (an upper bound; give --average-rps)"
                .to_owned(),
        ),
    };
    let capacity_per_instance = fleet
        .requests_per_cpu_second
        .map(|r| r * table.instance.vcpus * targets.target_cpu);
    let instances_by_cpu = match capacity_per_instance {
        Some(capacity) if capacity > 0.0 => (peak_rps / capacity).ceil() as u32,
        _ => 0,
    };
    let mut advice = Advice {
        target_cpu: targets.target_cpu,
        peak_rps,
        average_rps,
        traffic_basis,
        capacity_per_instance,
        instances_by_cpu,
        instances_for_peak: instances_by_cpu.max(MIN_INSTANCES),
        findings: Vec::new(),
    };
    advice.findings = findings(fleet, windows, table, &advice);
    advice
}

fn findings(
    fleet: &Fleet,
    windows: &[InstanceWindow],
    table: &PriceTable,
    advice: &Advice,
) -> Vec<String> {
    let mut found = Vec::new();
    for w in windows {
        if let Some(cpu) = w.cpu_seconds {
            let busy = cpu / w.seconds;
            if busy < IDLE_CPU {
                found.push(format!(
                    "{}: idle — {busy:.3} CPUs busy serving {:.1} requests/s",
                    w.instance,
                    w.requests_per_second()
                ));
            }
        }
        if let (Some(size), Some(idle)) = (w.pool_size, w.pool_idle) {
            if size >= 4.0 && idle >= size - 1.0 {
                found.push(format!("{}: database pool oversized for this load — {idle:.0} of {size:.0} connections idle at the last scrape", w.instance));
            }
        }
    }
    if let Some(capacity) = advice.capacity_per_instance {
        let needed_now = ((fleet.requests_per_second / capacity).ceil() as u32).max(MIN_INSTANCES);
        if (needed_now as usize) < fleet.instances {
            found.push(format!(
                "fleet oversized for the measured load: {} instances carry {:.1} requests/s; {needed_now} would at {:.0} % CPU",
                fleet.instances, fleet.requests_per_second, 100.0 * advice.target_cpu
            ));
        }
    }
    let largest_rss = windows
        .iter()
        .filter_map(|w| w.resident_bytes)
        .fold(0.0_f64, f64::max);
    let memory = table.instance.memory_gib * 1_073_741_824.0;
    if largest_rss > 0.0 && largest_rss < 0.25 * memory {
        found.push(format!(
            "memory: the largest instance uses {:.0} MiB of the {}'s {} GiB ({:.1} %); CPU, not memory, decides the size — keep a compute-optimized type",
            largest_rss / 1_048_576.0, table.instance.r#type, table.instance.memory_gib, 100.0 * largest_rss / memory
        ));
    }
    if let Some(ratio) = fleet.cache_hit_ratio {
        if ratio < 0.5 && fleet.cache_hits + fleet.cache_misses >= 100.0 {
            found.push(format!("response cache hit ratio {:.1} %: raise cache.ttl_secs or check what invalidates it; the cache nodes do little", 100.0 * ratio));
        }
    }
    if fleet.cache_errors > 0.0 {
        found.push(format!("{:.0} cache errors in the window: Redis failed or was skipped (see showroom_cache_breaker_*)", fleet.cache_errors));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::prices::{PriceTable, BUILT_IN};
    use super::*;

    fn window(instance: &str, requests: f64, cpu: f64) -> InstanceWindow {
        let mut w = InstanceWindow {
            instance: instance.into(),
            seconds: 10.0,
            cpu_seconds: Some(cpu),
            ..InstanceWindow::default()
        };
        w.routes.insert(
            "GET /api/v1/products".into(),
            RouteFigures {
                requests,
                server_errors: 0.0,
            },
        );
        w
    }

    #[test]
    fn instances_for_a_peak_follow_from_requests_per_cpu_second() {
        let table = PriceTable::parse(BUILT_IN).unwrap();
        // 2 × 5,000 requests over 2 × 5 CPU-seconds: 1,000 requests per CPU-second.
        let windows = [window("a", 5000.0, 5.0), window("b", 5000.0, 5.0)];
        let fleet = fleet(&windows, None);
        assert_eq!(fleet.requests_per_cpu_second, Some(1000.0));
        let targets = Targets {
            target_cpu: 0.5,
            peak_rps: Some(20_000.0),
            average_rps: None,
        };
        let advice = advise(&fleet, &windows, &table, &targets);
        // One 2-vCPU instance at 50 %: 1,000 requests/s; 20,000 need 20.
        assert_eq!(advice.capacity_per_instance, Some(1000.0));
        assert_eq!(advice.instances_for_peak, 20);
        let small = Targets {
            target_cpu: 0.5,
            peak_rps: Some(10.0),
            average_rps: None,
        };
        assert_eq!(
            advise(&fleet, &windows, &table, &small).instances_for_peak,
            MIN_INSTANCES
        );
    }

    #[test]
    fn an_idle_instance_and_an_oversized_fleet_are_reported() {
        let table = PriceTable::parse(BUILT_IN).unwrap();
        let windows = [
            window("a", 10.0, 0.1),
            window("b", 10.0, 0.1),
            window("c", 10.0, 0.1),
            window("d", 10.0, 0.1),
        ];
        let fleet = fleet(&windows, None);
        let targets = Targets {
            target_cpu: 0.6,
            peak_rps: None,
            average_rps: None,
        };
        let advice = advise(&fleet, &windows, &table, &targets);
        assert_eq!(
            advice
                .findings
                .iter()
                .filter(|f| f.contains("idle"))
                .count(),
            4
        );
        assert!(advice
            .findings
            .iter()
            .any(|f| f.contains("fleet oversized") && f.contains("4 instances")));
    }
}
