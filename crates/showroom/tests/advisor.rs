//! `showroom advisor` on a recording of three real instances under load (made with
//! `deploy/local/failure-tests`, which runs `showroom advisor --record` on the live topology):
//! the report's figures are recomputed here from the raw samples, independently of the
//! advisor's own parser, and its cost lines from the price table.

use std::process::Command;

const RECORDING: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/advisor/three-instances.txt"
);
const EDGE_LOG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/advisor/edge-access.log"
);

fn advisor(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_showroom"))
        .arg("advisor")
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Per instance: (first, last) sums of shop requests and of CPU seconds, read naively.
fn raw_totals() -> (f64, f64) {
    let text = std::fs::read_to_string(RECORDING).unwrap();
    let mut snapshots: Vec<(String, f64, f64)> = Vec::new(); // instance, requests, cpu
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("# showroom-advisor snapshot instance=") {
            let instance = header.split_whitespace().next().unwrap().to_owned();
            snapshots.push((instance, 0.0, 0.0));
            continue;
        }
        let Some(current) = snapshots.last_mut() else {
            continue;
        };
        let value = || line.rsplit(' ').next().unwrap().parse::<f64>().unwrap();
        if line.starts_with("showroom_http_requests_total{")
            && !["/healthz", "/readyz", "/metrics"]
                .iter()
                .any(|ops| line.contains(&format!("route=\"{ops}\"")))
        {
            current.1 += value();
        } else if line.starts_with("process_cpu_seconds_total ") {
            current.2 = value();
        }
    }
    let (mut requests, mut cpu) = (0.0, 0.0);
    let instances: std::collections::BTreeSet<_> = snapshots.iter().map(|s| s.0.clone()).collect();
    for instance in instances {
        let mine: Vec<_> = snapshots.iter().filter(|s| s.0 == instance).collect();
        requests += mine.last().unwrap().1 - mine[0].1;
        cpu += mine.last().unwrap().2 - mine[0].2;
    }
    (requests, cpu)
}

#[test]
fn a_recorded_fleet_gives_instances_for_the_peak_and_a_sourced_monthly_cost() {
    let (ok, report, stderr) = advisor(&[
        "--metrics",
        RECORDING,
        "--edge-log",
        EDGE_LOG,
        "--peak-rps",
        "20000",
        "--average-rps",
        "2000",
    ]);
    assert!(ok, "{stderr}");
    assert!(report.contains("Measured (3 instance(s))"), "{report}");

    let (requests, cpu) = raw_totals();
    assert!(
        requests > 100.0 && cpu > 0.0,
        "the recording holds real load"
    );
    let per_cpu_second = requests / cpu;
    assert!(
        report.contains(&format!(
            "requests per CPU-second for this mix: {per_cpu_second:.0}"
        )),
        "expected {per_cpu_second:.0} requests per CPU-second in:\n{report}"
    );
    // c7g.large: 2 vCPUs, sized for 60 % CPU; never fewer than 3 instances.
    let capacity = per_cpu_second * 2.0 * 0.6;
    let instances = ((20_000.0 / capacity).ceil() as u32).max(3);
    assert!(
        report.contains(&format!("needs {instances} instance(s)")),
        "expected {instances} instances in:\n{report}"
    );
    let ec2 = f64::from(instances) * 730.0 * 0.0725;
    assert!(
        report.contains(&format!("${ec2:.2}")),
        "EC2 line ${ec2:.2} in:\n{report}"
    );
    // 2,000 requests/s for 730 h is 5.256 billion requests: $5,256 at $0.01 per 10,000.
    assert!(
        report.contains("$5256.00  CloudFront HTTPS requests"),
        "{report}"
    );
    assert!(report.contains("source: https://aws.amazon.com/ec2/pricing/on-demand/ (read 2025-01)"));
    assert!(report.contains("edge hit ratio: "), "{report}");
    assert!(
        !report.contains("not measured (give --edge-log"),
        "{report}"
    );
}

#[test]
fn a_broken_recording_or_a_negative_peak_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.txt");
    std::fs::write(
        &broken,
        "# showroom-advisor snapshot instance=a at=1\nnot a sample\n",
    )
    .unwrap();
    let (ok, _, stderr) = advisor(&["--metrics", broken.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("line 1"),
        "{stderr}"
    );

    let (ok, _, stderr) = advisor(&["--metrics", RECORDING, "--peak-rps=-5"]);
    assert!(!ok);
    assert!(stderr.contains("--peak-rps"), "{stderr}");

    let (ok, _, stderr) = advisor(&["--metrics", "/nonexistent/recording.txt"]);
    assert!(!ok);
    assert!(
        stderr.contains("cannot read /nonexistent/recording.txt"),
        "{stderr}"
    );
}
