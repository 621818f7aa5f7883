//! The dated price table (`deploy/aws/prices.toml`, built into the binary; `--prices FILE`
//! reads another) and the monthly cost of the reference deployment at a given load.
//!
//! Every cost line keeps the arithmetic that produced it, the page the price came from and the
//! month it was read, so the report can show its work. Nothing is rounded until it is printed.

use serde::Deserialize;

/// The table shipped with this build.
pub const BUILT_IN: &str = include_str!("../../../../deploy/aws/prices.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    pub currency: String,
    pub region: String,
    pub hours_per_month: f64,
    pub instance: Instance,
    pub instance_volume: Volume,
    pub load_balancer: LoadBalancer,
    pub nat_gateway: Nat,
    pub database: Database,
    pub cache: CacheNodes,
    pub cdn: Cdn,
    pub waf: Waf,
    pub object_storage: ObjectStorage,
    pub dns: Dns,
    pub monitoring: Monitoring,
    pub secrets: Secrets,
}

// Each section of the table: its figures, then `source` (the pricing page) and `as_of` (the
// month it was read). Unknown fields are refused so a typo cannot silently price at zero.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub r#type: String,
    pub vcpus: f64,
    pub memory_gib: f64,
    pub usd_per_hour: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub gib: f64,
    pub usd_per_gib_month: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub usd_per_hour: f64,
    pub usd_per_lcu_hour: f64,
    pub gb_per_lcu_hour: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nat {
    pub count: f64,
    pub usd_per_hour: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub instance_class: String,
    pub multi_az_usd_per_hour: f64,
    pub storage_gib: f64,
    pub multi_az_usd_per_gib_month: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheNodes {
    pub node_type: String,
    pub nodes: f64,
    pub usd_per_node_hour: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cdn {
    pub usd_per_gb_out: f64,
    pub usd_per_10k_https_requests: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waf {
    pub usd_per_web_acl_month: f64,
    pub usd_per_rule_month: f64,
    pub rules: f64,
    pub usd_per_million_requests: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectStorage {
    pub usd_per_gb_month: f64,
    pub usd_per_1k_get: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dns {
    pub usd_per_hosted_zone_month: f64,
    pub usd_per_health_check_month: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    pub alarm_metrics: f64,
    pub usd_per_alarm_metric_month: f64,
    pub usd_per_dashboard_month: f64,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secrets {
    pub count: f64,
    pub usd_per_secret_month: f64,
    pub source: String,
    pub as_of: String,
}

impl PriceTable {
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| format!("price table: {e}"))
    }
}

/// The load to price: requests per second at the edge, averaged over the month.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub instances: f64,
    pub average_rps: f64,
    /// Share of edge requests answered from the edge's cache.
    pub edge_hit_ratio: f64,
    /// Share of requests that are `/assets` (read from the model bucket on an edge miss).
    pub asset_share: f64,
    pub bytes_per_response: f64,
    pub model_storage_gib: f64,
}

/// One priced item: what, how it was computed, how much, and from where.
#[derive(Debug, Clone)]
pub struct CostLine {
    pub item: String,
    pub arithmetic: String,
    pub usd: f64,
    pub source: String,
    pub as_of: String,
}

fn line(
    item: impl Into<String>,
    arithmetic: String,
    usd: f64,
    (source, as_of): (&str, &str),
) -> CostLine {
    CostLine {
        item: item.into(),
        arithmetic,
        usd,
        source: source.to_owned(),
        as_of: as_of.to_owned(),
    }
}

/// The monthly cost of the reference deployment carrying `load`, line by line.
pub fn monthly_cost(table: &PriceTable, load: &Load) -> Vec<CostLine> {
    let hours = table.hours_per_month;
    let seconds = hours * 3600.0;
    let requests = load.average_rps * seconds;
    let origin_requests = requests * (1.0 - load.edge_hit_ratio);
    let bytes_out_gb = requests * load.bytes_per_response / 1e9;
    let origin_gb_per_hour = origin_requests * load.bytes_per_response / 1e9 / hours;
    let (i, v, lb, nat, db, cache, cdn, waf, s3, dns, mon, sec) = (
        &table.instance,
        &table.instance_volume,
        &table.load_balancer,
        &table.nat_gateway,
        &table.database,
        &table.cache,
        &table.cdn,
        &table.waf,
        &table.object_storage,
        &table.dns,
        &table.monitoring,
        &table.secrets,
    );
    let lcus = (origin_gb_per_hour / lb.gb_per_lcu_hour).max(0.0);
    let s3_gets = requests * load.asset_share * (1.0 - load.edge_hit_ratio);
    vec![
        line(format!("EC2 {} instances", i.r#type),
            format!("{} × {hours} h × ${}/h", load.instances, i.usd_per_hour),
            load.instances * hours * i.usd_per_hour, (&i.source, &i.as_of)),
        line("EBS gp3 root volumes",
            format!("{} × {} GiB × ${}/GiB-month", load.instances, v.gib, v.usd_per_gib_month),
            load.instances * v.gib * v.usd_per_gib_month, (&v.source, &v.as_of)),
        line("Application Load Balancer",
            format!("{hours} h × ${}/h", lb.usd_per_hour), hours * lb.usd_per_hour, (&lb.source, &lb.as_of)),
        line("ALB capacity units (processed bytes)",
            format!("{lcus:.3} LCU ({origin_gb_per_hour:.3} GB/h from the origin) × {hours} h × ${}/LCU-h", lb.usd_per_lcu_hour),
            lcus * hours * lb.usd_per_lcu_hour, (&lb.source, &lb.as_of)),
        line("NAT gateways",
            format!("{} × {hours} h × ${}/h", nat.count, nat.usd_per_hour),
            nat.count * hours * nat.usd_per_hour, (&nat.source, &nat.as_of)),
        line(format!("RDS PostgreSQL {} Multi-AZ", db.instance_class),
            format!("{hours} h × ${}/h", db.multi_az_usd_per_hour),
            hours * db.multi_az_usd_per_hour, (&db.source, &db.as_of)),
        line("RDS gp3 storage (Multi-AZ)",
            format!("{} GiB × ${}/GiB-month", db.storage_gib, db.multi_az_usd_per_gib_month),
            db.storage_gib * db.multi_az_usd_per_gib_month, (&db.source, &db.as_of)),
        line(format!("ElastiCache {} (primary + replica)", cache.node_type),
            format!("{} × {hours} h × ${}/h", cache.nodes, cache.usd_per_node_hour),
            cache.nodes * hours * cache.usd_per_node_hour, (&cache.source, &cache.as_of)),
        line("CloudFront HTTPS requests",
            format!("{:.4e} requests ÷ 10,000 × ${}", requests, cdn.usd_per_10k_https_requests),
            requests / 10_000.0 * cdn.usd_per_10k_https_requests, (&cdn.source, &cdn.as_of)),
        line("CloudFront data out (first-tier price throughout)",
            format!("{bytes_out_gb:.1} GB × ${}/GB", cdn.usd_per_gb_out),
            bytes_out_gb * cdn.usd_per_gb_out, (&cdn.source, &cdn.as_of)),
        line("WAF web ACL and rules",
            format!("${} + {} rules × ${}", waf.usd_per_web_acl_month, waf.rules, waf.usd_per_rule_month),
            waf.usd_per_web_acl_month + waf.rules * waf.usd_per_rule_month, (&waf.source, &waf.as_of)),
        line("WAF requests",
            format!("{:.4e} requests ÷ 10⁶ × ${}", requests, waf.usd_per_million_requests),
            requests / 1e6 * waf.usd_per_million_requests, (&waf.source, &waf.as_of)),
        line("S3 model storage",
            format!("{} GB × ${}/GB-month", load.model_storage_gib, s3.usd_per_gb_month),
            load.model_storage_gib * s3.usd_per_gb_month, (&s3.source, &s3.as_of)),
        line("S3 GETs (edge misses on /assets)",
            format!("{s3_gets:.4e} ÷ 1,000 × ${}", s3.usd_per_1k_get),
            s3_gets / 1000.0 * s3.usd_per_1k_get, (&s3.source, &s3.as_of)),
        line("Route 53 zone and health check",
            format!("${} + ${}", dns.usd_per_hosted_zone_month, dns.usd_per_health_check_month),
            dns.usd_per_hosted_zone_month + dns.usd_per_health_check_month, (&dns.source, &dns.as_of)),
        line("CloudWatch alarms and dashboard",
            format!("{} alarm metrics × ${} + ${}", mon.alarm_metrics, mon.usd_per_alarm_metric_month, mon.usd_per_dashboard_month),
            mon.alarm_metrics * mon.usd_per_alarm_metric_month + mon.usd_per_dashboard_month, (&mon.source, &mon.as_of)),
        line("Secrets Manager",
            format!("{} secrets × ${}", sec.count, sec.usd_per_secret_month),
            sec.count * sec.usd_per_secret_month, (&sec.source, &sec.as_of)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(instances: f64, average_rps: f64) -> Load {
        Load {
            instances,
            average_rps,
            edge_hit_ratio: 0.5,
            asset_share: 0.2,
            bytes_per_response: 10_000.0,
            model_storage_gib: 50.0,
        }
    }

    #[test]
    fn the_built_in_table_parses_and_every_price_is_cited_and_dated() {
        let table = PriceTable::parse(BUILT_IN).unwrap();
        assert_eq!(table.currency, "USD");
        for line in monthly_cost(&table, &load(3.0, 100.0)) {
            assert!(
                line.source.starts_with("https://aws.amazon.com/"),
                "{}",
                line.item
            );
            assert!(line.as_of.len() >= 7, "{}", line.item);
            assert!(line.usd.is_finite() && line.usd >= 0.0, "{}", line.item);
        }
    }

    #[test]
    fn instance_cost_is_hours_times_price_and_traffic_cost_scales_with_requests() {
        let table = PriceTable::parse(BUILT_IN).unwrap();
        let at = |instances, rps, item: &str| {
            monthly_cost(&table, &load(instances, rps))
                .into_iter()
                .find(|l| l.item.starts_with(item))
                .unwrap()
                .usd
        };
        let hourly = table.instance.usd_per_hour;
        assert!((at(3.0, 0.0, "EC2") - 3.0 * 730.0 * hourly).abs() < 1e-9);
        assert!((at(6.0, 0.0, "EC2") - 2.0 * at(3.0, 0.0, "EC2")).abs() < 1e-9);
        // 100 requests/s for 730 h is 262.8 million requests: $262.80 at $0.01 per 10,000.
        assert!((at(3.0, 100.0, "CloudFront HTTPS") - 262.8).abs() < 1e-6);
        assert!(
            (at(3.0, 200.0, "WAF requests") - 2.0 * at(3.0, 100.0, "WAF requests")).abs() < 1e-9
        );
        assert_eq!(at(3.0, 0.0, "CloudFront HTTPS"), 0.0);
    }

    #[test]
    fn an_unknown_or_missing_field_in_a_price_table_is_refused() {
        let extra = BUILT_IN.replace("[instance]\n", "[instance]\nsurprise = 1\n");
        assert!(PriceTable::parse(&extra).is_err());
        let missing = BUILT_IN.replace("usd_per_hour = 0.0725\n", "");
        assert!(PriceTable::parse(&missing).is_err());
    }
}
