//! The advisor's report, as text: measured figures first, then what follows from them (fleet
//! size for the peak, idle or oversized resources), then the priced month with its arithmetic
//! and sources. Every derived number says what it was derived from.

use std::fmt::Write;

use super::capacity::{Advice, Fleet};
use super::measure::InstanceWindow;
use super::prices::{CostLine, PriceTable};

pub fn render(
    windows: &[InstanceWindow],
    fleet: &Fleet,
    advice: &Advice,
    table: &PriceTable,
    cost: &[CostLine],
) -> String {
    let mut out = String::new();
    let _ = write_measured(&mut out, windows, fleet);
    let _ = write_advice(&mut out, fleet, advice, table);
    let _ = write_cost(&mut out, advice, table, cost);
    out
}

fn write_measured(out: &mut String, windows: &[InstanceWindow], fleet: &Fleet) -> std::fmt::Result {
    writeln!(out, "Measured ({} instance(s))", windows.len())?;
    writeln!(
        out,
        "  {:<28} {:>8} {:>10} {:>10} {:>9} {:>9}",
        "instance", "window s", "requests/s", "CPU busy", "RSS MiB", "p99 ≤ s"
    )?;
    for w in windows {
        let cpu = w
            .cpu_seconds
            .map_or("-".to_owned(), |c| format!("{:.2}", c / w.seconds));
        let rss = w
            .resident_bytes
            .map_or("-".to_owned(), |b| format!("{:.0}", b / 1_048_576.0));
        let p99 = w
            .p99_seconds_at_most
            .map_or("-".to_owned(), |s| format!("{s}"));
        writeln!(
            out,
            "  {:<28} {:>8.1} {:>10.1} {:>10} {:>9} {:>9}",
            w.instance,
            w.seconds,
            w.requests_per_second(),
            cpu,
            rss,
            p99
        )?;
    }
    writeln!(
        out,
        "\n  route mix (all instances)            requests/s   share   5xx"
    )?;
    for (route, figures) in &fleet.routes {
        writeln!(
            out,
            "  {:<36} {:>10.1} {:>6.1} % {:>5}",
            route,
            figures.requests / fleet.mean_seconds,
            100.0 * figures.requests / fleet.requests,
            figures.server_errors
        )?;
    }
    writeln!(out, "  {:<36} {:>10.1}", "total", fleet.requests_per_second)?;
    match fleet.requests_per_cpu_second {
        Some(r) => writeln!(out, "\n  requests per CPU-second for this mix: {r:.0} ({:.0} requests over {:.1} CPU-seconds)", fleet.requests, fleet.cpu_seconds.unwrap_or(0.0))?,
        None => writeln!(out, "\n  requests per CPU-second: unknown (no process_cpu_seconds_total in the metrics)")?,
    }
    let ratio =
        |r: Option<f64>| r.map_or("no lookups".to_owned(), |r| format!("{:.1} %", 100.0 * r));
    writeln!(
        out,
        "  response cache hit ratio: {} ({:.0} hits, {:.0} misses, {:.0} errors)",
        ratio(fleet.cache_hit_ratio),
        fleet.cache_hits,
        fleet.cache_misses,
        fleet.cache_errors
    )?;
    match &fleet.edge {
        Some(edge) => writeln!(
            out,
            "  edge hit ratio: {} ({} hits, {} misses of {} logged responses)",
            ratio(edge.hit_ratio()),
            edge.hits,
            edge.misses,
            edge.responses
        )?,
        None => writeln!(out, "  edge hit ratio: not measured (give --edge-log FILE)")?,
    }
    Ok(())
}

fn write_advice(
    out: &mut String,
    fleet: &Fleet,
    advice: &Advice,
    table: &PriceTable,
) -> std::fmt::Result {
    writeln!(out, "\nCapacity")?;
    match advice.capacity_per_instance {
        Some(capacity) => {
            writeln!(out, "  one {} ({} vCPU) at {:.0} % CPU: {:.0} requests/s ({:.0} per CPU-second × {} vCPU × {:.2})",
                table.instance.r#type, table.instance.vcpus, 100.0 * advice.target_cpu, capacity,
                fleet.requests_per_cpu_second.unwrap_or(0.0), table.instance.vcpus, advice.target_cpu)?;
            writeln!(out, "  peak {:.0} requests/s needs {} instance(s): ceil({:.0} ÷ {:.0}) = {}, at least {} (one per Availability Zone)",
                advice.peak_rps, advice.instances_for_peak, advice.peak_rps, capacity, advice.instances_by_cpu, super::capacity::MIN_INSTANCES)?;
        }
        None => writeln!(
            out,
            "  instances for the peak: unknown without CPU figures; pricing the minimum of {}",
            advice.instances_for_peak
        )?,
    }
    writeln!(
        out,
        "  (measured on this host's CPUs; a Graviton vCPU is taken as equal to one of them)"
    )?;
    writeln!(out, "\nIdle or oversized")?;
    if advice.findings.is_empty() {
        writeln!(out, "  nothing found")?;
    }
    for finding in &advice.findings {
        writeln!(out, "  - {finding}")?;
    }
    Ok(())
}

fn write_cost(
    out: &mut String,
    advice: &Advice,
    table: &PriceTable,
    cost: &[CostLine],
) -> std::fmt::Result {
    writeln!(
        out,
        "\nMonthly cost of the reference deployment ({}, On-Demand, {} h/month, {})",
        table.region, table.hours_per_month, table.currency
    )?;
    writeln!(
        out,
        "  priced at {:.0} requests/s averaged over the month, {} instance(s); {}",
        advice.average_rps, advice.instances_for_peak, advice.traffic_basis
    )?;
    let mut total = 0.0;
    for line in cost {
        total += line.usd;
        writeln!(
            out,
            "  {:>12}  {:<44} {}",
            format!("${:.2}", line.usd),
            line.item,
            line.arithmetic
        )?;
        writeln!(
            out,
            "  {:>12}  {:<44} source: {} (read {})",
            "", "", line.source, line.as_of
        )?;
    }
    writeln!(out, "  {:>12}  total, rounded to the dollar (list prices; tax, free tiers and savings plans not applied)", format!("${:.0}", total))?;
    Ok(())
}
