//! The simulator's PromQL on what a console asks at start-up: each
//! region's SLO figures (request rate, error ratio, p95 for four services)
//! as instant queries, and the same as one-hour range queries (the
//! charts), over a store shaped like an aged simulator's — 8 regions, four
//! services, pods that came and went (every churned pod's series stays in
//! the store, stale, as in Prometheus), an hour of samples at 15 s.
//!
//! `cargo bench --bench sim_promql` (no bench framework: plain timings).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use opsdeck::sim::telemetry::promql;
use opsdeck::sim::telemetry::series::{Labels, SeriesStore, labels};

const REGIONS: usize = 8;
const SERVICES: [&str; 4] = ["checkout", "catalog", "payments", "search"];
/// Live pods per service and region at any time.
const PODS: usize = 8;
/// One pod of each service and region is replaced every this many scrapes
/// (4 min): after an hour, 15 stale pods beside the 8 live ones.
const CHURN_EVERY: i64 = 16;
const BUCKETS: [&str; 17] = [
    "0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.15", "0.2", "0.25", "0.3", "0.4", "0.5",
    "0.75", "1", "2.5", "5", "10",
];
const STEP_MS: i64 = 15_000;
const HOUR_MS: i64 = 3_600_000;

fn region(r: usize) -> String {
    format!("region-{r}")
}

/// One scrape at scrape number `n`: every live pod's request counters (by
/// code) and latency buckets.
fn scrape(n: i64) -> Vec<(Labels, f64)> {
    let mut out = Vec::new();
    let v = n as f64;
    for r in 0..REGIONS {
        let reg = region(r);
        for s in SERVICES {
            // The live pods are numbers g .. g + PODS of generation g.
            let g = n / CHURN_EVERY;
            for i in g..g + PODS as i64 {
                let pod = format!("{s}-{i}");
                for code in ["200", "404", "500"] {
                    let l = labels([
                        ("__name__", "http_requests_total"),
                        ("region", &reg),
                        ("service", s),
                        ("pod", &pod),
                        ("code", code),
                    ]);
                    out.push((l, v * 10.0));
                }
                for (b, le) in BUCKETS.iter().enumerate() {
                    let l = labels([
                        ("__name__", "http_request_duration_seconds_bucket"),
                        ("region", &reg),
                        ("service", s),
                        ("pod", &pod),
                        ("le", le),
                    ]);
                    out.push((l, v * (b + 1) as f64));
                }
            }
        }
    }
    out
}

fn queries(reg: &str) -> Vec<String> {
    SERVICES
        .iter()
        .flat_map(|s| {
            [
                format!(r#"sum(rate(http_requests_total{{service="{s}",region="{reg}"}}[5m]))"#),
                format!(
                    r#"sum(rate(http_requests_total{{service="{s}",code=~"5..",region="{reg}"}}[5m])) / sum(rate(http_requests_total{{service="{s}",region="{reg}"}}[5m]))"#
                ),
                format!(
                    r#"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{service="{s}",region="{reg}"}}[5m])))"#
                ),
            ]
        })
        .collect()
}

#[path = "support/stats.rs"]
mod support;
use support::stats;

fn main() {
    let t = Instant::now();
    let mut store = SeriesStore::new(STEP_MS, 6 * HOUR_MS);
    let scrapes = HOUR_MS / STEP_MS;
    for n in 0..=scrapes {
        store.append_scrape(n * STEP_MS, scrape(n));
    }
    let now = scrapes * STEP_MS;
    println!(
        "sim_promql: {} series ({} regions) after an hour of scrapes, built in {:?}",
        store.len(),
        REGIONS,
        t.elapsed()
    );
    let mut instant = Vec::new();
    let mut range = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        for r in 0..REGIONS {
            let reg = region(r);
            for q in queries(&reg) {
                let v = promql::instant_query(&store, Some(&reg), &q, now).unwrap();
                std::hint::black_box(v);
            }
        }
        instant.push(t.elapsed());
        let t = Instant::now();
        for r in 0..REGIONS {
            let reg = region(r);
            for q in queries(&reg) {
                let v = promql::range_query(&store, Some(&reg), &q, now - HOUR_MS, now, 60_000)
                    .unwrap();
                std::hint::black_box(v);
            }
        }
        range.push(t.elapsed());
    }
    let n = REGIONS * SERVICES.len() * 3;
    println!("sim_promql: {n} instant SLO queries: {}", stats(instant));
    println!(
        "sim_promql: {n} one-hour range queries at 60 s: {}",
        stats(range)
    );
}
