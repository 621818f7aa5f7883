//! Snapshots of instances' `/metrics`: scraped live, or read from a recorded file.
//!
//! A recording is plain text: each snapshot starts with a header line
//! `# showroom-advisor snapshot instance=NAME at=UNIX_SECONDS` followed by the exposition text
//! that instance answered at that moment. `showroom advisor --url … --record FILE` writes one;
//! the advisor needs at least two snapshots per instance (it measures the change between the
//! first and the last).

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::exposition::{self, Sample};

const HEADER: &str = "# showroom-advisor snapshot ";

/// One instance's metrics at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub instance: String,
    pub at_secs: f64,
    pub text: String,
    pub samples: Vec<Sample>,
}

/// Reads a recording; every header must name an instance and a time.
pub fn parse_recording(text: &str) -> Result<Vec<Snapshot>, String> {
    let mut snapshots = Vec::new();
    let mut current: Option<(String, f64, String)> = None;
    for (index, line) in text.lines().enumerate() {
        if let Some(header) = line.strip_prefix(HEADER) {
            if let Some(done) = current.take() {
                snapshots.push(finish(done)?);
            }
            let (instance, at) = parse_header(header).ok_or_else(|| {
                format!(
                    "line {}: a snapshot header needs instance=NAME at=UNIX_SECONDS",
                    index + 1
                )
            })?;
            current = Some((instance, at, String::new()));
        } else if let Some((_, _, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        } else if !line.trim().is_empty() {
            return Err(format!(
                "line {}: expected `{HEADER}instance=… at=…` before any metrics",
                index + 1
            ));
        }
    }
    if let Some(done) = current {
        snapshots.push(finish(done)?);
    }
    Ok(snapshots)
}

fn parse_header(header: &str) -> Option<(String, f64)> {
    let mut instance = None;
    let mut at = None;
    for field in header.split_whitespace() {
        match field.split_once('=')? {
            ("instance", value) if !value.is_empty() => instance = Some(value.to_owned()),
            ("at", value) => at = value.parse::<f64>().ok().filter(|t| t.is_finite()),
            _ => {}
        }
    }
    Some((instance?, at?))
}

fn finish((instance, at_secs, text): (String, f64, String)) -> Result<Snapshot, String> {
    let samples = exposition::parse(&text)
        .map_err(|e| format!("snapshot of {instance} at {at_secs}: {e}"))?;
    Ok(Snapshot {
        instance,
        at_secs,
        text,
        samples,
    })
}

/// The recording of `snapshots`, readable by [`parse_recording`].
pub fn to_recording(snapshots: &[Snapshot]) -> String {
    let mut out = String::new();
    for snapshot in snapshots {
        out.push_str(&format!(
            "{HEADER}instance={} at={:.3}\n",
            snapshot.instance, snapshot.at_secs
        ));
        out.push_str(snapshot.text.trim_end());
        out.push('\n');
    }
    out
}

/// `http://host:port` or `http://host:port/metrics` → the metrics URL.
pub fn metrics_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/metrics") {
        base.to_owned()
    } else {
        format!("{base}/metrics")
    }
}

/// Scrapes every instance now, then again after `window`.
pub async fn scrape_twice(urls: &[String], window: Duration) -> Result<Vec<Snapshot>, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let mut snapshots = scrape_all(&client, urls).await?;
    tokio::time::sleep(window).await;
    snapshots.extend(scrape_all(&client, urls).await?);
    Ok(snapshots)
}

async fn scrape_all(client: &reqwest::Client, urls: &[String]) -> Result<Vec<Snapshot>, String> {
    let scrapes = urls.iter().map(|url| scrape(client, url));
    futures::future::try_join_all(scrapes).await
}

async fn scrape(client: &reqwest::Client, base: &str) -> Result<Snapshot, String> {
    let url = metrics_url(base);
    let failed = |e: &dyn std::fmt::Display| format!("{url}: {e}");
    let response = client.get(&url).send().await.map_err(|e| failed(&e))?;
    if !response.status().is_success() {
        return Err(failed(&format!("answered {}", response.status())));
    }
    let text = response.text().await.map_err(|e| failed(&e))?;
    let at_secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let samples = exposition::parse(&text).map_err(|e| failed(&e))?;
    Ok(Snapshot {
        instance: base.trim_end_matches('/').to_owned(),
        at_secs,
        text,
        samples,
    })
}

/// The first and the last snapshot of each instance, in instance order.
pub fn first_and_last(snapshots: &[Snapshot]) -> Result<Vec<(&Snapshot, &Snapshot)>, String> {
    let mut by_instance: BTreeMap<&str, Vec<&Snapshot>> = BTreeMap::new();
    for snapshot in snapshots {
        by_instance
            .entry(&snapshot.instance)
            .or_default()
            .push(snapshot);
    }
    if by_instance.is_empty() {
        return Err("no snapshots: give --url (running instances) or --metrics FILE".into());
    }
    by_instance
        .into_iter()
        .map(|(instance, mut list)| {
            list.sort_by(|a, b| a.at_secs.total_cmp(&b.at_secs));
            let (first, last) = (list[0], list[list.len() - 1]);
            if last.at_secs - first.at_secs < 1.0 {
                return Err(format!(
                    "{instance}: needs two snapshots at least a second apart (has {})",
                    list.len()
                ));
            }
            Ok((first, last))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_round_trips() {
        let text = "# showroom-advisor snapshot instance=a at=10.000\nx_total 1\n\
                    # showroom-advisor snapshot instance=a at=20.500\nx_total 5\n";
        let snapshots = parse_recording(text).unwrap();
        assert_eq!(snapshots.len(), 2);
        assert_eq!(snapshots[1].at_secs, 20.5);
        assert_eq!(snapshots[1].samples[0].value, 5.0);
        assert_eq!(parse_recording(&to_recording(&snapshots)).unwrap().len(), 2);
        let pairs = first_and_last(&snapshots).unwrap();
        assert_eq!(pairs[0].1.at_secs - pairs[0].0.at_secs, 10.5);
    }

    #[test]
    fn metrics_before_a_header_or_a_single_snapshot_are_refused() {
        assert!(parse_recording("x_total 1\n").is_err());
        assert!(parse_recording("# showroom-advisor snapshot at=1\nx 1\n").is_err());
        let one = parse_recording("# showroom-advisor snapshot instance=a at=1\nx 1\n").unwrap();
        assert!(first_and_last(&one).unwrap_err().contains("two snapshots"));
    }

    #[test]
    fn metrics_urls_are_derived_from_base_urls() {
        assert_eq!(
            metrics_url("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080/metrics"
        );
        assert_eq!(metrics_url("http://h/metrics"), "http://h/metrics");
    }
}
