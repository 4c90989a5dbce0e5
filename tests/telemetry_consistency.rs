//! Consistency: changing the world moves capacity, latency, errors, traffic
//! and cost in the right direction in the metrics and billing answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use opsdeck::sim::telemetry::billing::opencost;
use opsdeck::sim::telemetry::promql::{Value, instant_query};
use opsdeck::sim::telemetry::{Telemetry, TelemetryConfig, fixture};

/// 15:00 UTC, the daily traffic peak.
const START: i64 = 1_700_060_400_000;

fn telemetry() -> Telemetry {
    telemetry_at(10)
}

fn telemetry_at(resolution_s: u64) -> Telemetry {
    let config = TelemetryConfig {
        start_ms: Some(START),
        resolution: Duration::from_secs(resolution_s),
        ..TelemetryConfig::default()
    };
    Telemetry::new(config, fixture::world()).unwrap()
}

fn scalar(t: &Telemetry, q: &str) -> f64 {
    let e = t.read();
    match instant_query(&e.store, None, q, e.now_ms).unwrap() {
        Value::Vector(v) if v.len() == 1 => v[0].value,
        other => panic!("{q}: {other:?}"),
    }
}

fn checkout_cost(t: &Telemetry, region: &str) -> f64 {
    let params: BTreeMap<String, String> = [
        ("window", "10m"),
        ("aggregate", "controller"),
        ("accumulate", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let v = opencost::compute(t, Some(region), &params).unwrap();
    let a = &v["data"][0]["checkout"];
    a["cpuCost"].as_f64().unwrap() + a["ramCost"].as_f64().unwrap()
}

const P95: &str = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service=\"checkout\",region=\"us-east-1\"}[5m])))";
const CAP: &str = "opsdeck_service_capacity_rps{service=\"checkout\",region=\"us-east-1\"}";
const ERR: &str = "sum(rate(http_requests_total{service=\"checkout\",region=\"us-east-1\",code=~\"5..\"}[5m])) / sum(rate(http_requests_total{service=\"checkout\",region=\"us-east-1\"}[5m]))";
const RPS: &str = "sum(rate(http_requests_total{service=\"checkout\",region=\"us-east-1\"}[5m]))";

#[test]
fn scaling_down_then_up_moves_capacity_latency_errors_and_cost() {
    // Overload checkout in us-east-1 with one pod, then scale it to eight.
    let small = telemetry();
    small.update_world(|w| {
        fixture::set_replicas(w.region_mut("us-east-1").unwrap(), "checkout", 1);
    });
    small.advance(600_000);
    let big = telemetry();
    big.update_world(|w| {
        fixture::set_replicas(w.region_mut("us-east-1").unwrap(), "checkout", 8);
    });
    big.advance(600_000);
    assert!(scalar(&big, CAP) > scalar(&small, CAP));
    assert_eq!(scalar(&big, CAP), 8.0 * 40.0);
    assert!(
        scalar(&big, P95) < scalar(&small, P95),
        "p95 {} !< {}",
        scalar(&big, P95),
        scalar(&small, P95)
    );
    assert!(scalar(&big, ERR) < scalar(&small, ERR));
    assert!(checkout_cost(&big, "us-east-1") > 4.0 * checkout_cost(&small, "us-east-1"));
}

#[test]
fn failing_a_region_raises_errors_and_moving_weights_moves_traffic() {
    let t = telemetry();
    t.advance(300_000);
    let rps_before = scalar(&t, RPS);
    let err_before = scalar(&t, ERR);
    t.update_faults(|f| {
        f.region_failed.insert("us-east-1".into());
    });
    t.advance(300_000);
    assert!(
        scalar(&t, ERR) > 0.5 && err_before < 0.01,
        "error ratio {err_before} -> {}",
        scalar(&t, ERR)
    );
    // Drain us-east-1 by weight: its traffic goes to the others.
    let eu_before = scalar(
        &t,
        "sum(rate(http_requests_total{service=\"checkout\",region=\"eu-west-1\"}[5m]))",
    );
    t.update_world(|w| {
        fixture::set_weight(w, "us-east-1", "checkout", 0.0);
    });
    t.advance(600_000);
    let eu_after = scalar(
        &t,
        "sum(rate(http_requests_total{service=\"checkout\",region=\"eu-west-1\"}[5m]))",
    );
    assert!(
        scalar(&t, RPS) < 0.01 * rps_before,
        "us-east-1 still serves {}",
        scalar(&t, RPS)
    );
    assert!(
        eu_after > 1.2 * eu_before,
        "eu-west-1 {eu_before} -> {eu_after}"
    );
    // Alerts: the region-down rule fires after its `for:`.
    t.advance(120_000);
    let firing: Vec<String> = t
        .read()
        .rules
        .active()
        .filter(|a| a.state == opsdeck::sim::telemetry::rules::AlertState::Firing)
        .map(|a| a.labels["alertname"].clone())
        .collect();
    assert!(firing.iter().any(|n| n == "RegionDown"), "{firing:?}");
}

#[test]
fn cost_anomaly_raises_node_cost_and_billing() {
    let t = telemetry_at(60);
    t.advance(600_000);
    let before = scalar(&t, "sum(node_total_hourly_cost{region=\"eu-west-1\"})");
    t.update_faults(|f| {
        f.cost_anomaly.insert("eu-west-1".into());
    });
    t.advance(7_200_000);
    let after = scalar(&t, "sum(node_total_hourly_cost{region=\"eu-west-1\"})");
    assert!((after / before - 3.0).abs() < 1e-9, "{before} -> {after}");
    let idle = |t: &Telemetry| {
        let params: BTreeMap<String, String> = [
            ("window", "30m"),
            ("includeIdle", "true"),
            ("accumulate", "true"),
            ("aggregate", "namespace"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        opencost::compute(t, Some("eu-west-1"), &params).unwrap()["data"][0]["__idle__"]["totalCost"].as_f64().unwrap()
    };
    let spiked_idle = idle(&t);
    let calm = telemetry_at(60);
    calm.advance(660_000);
    assert!(spiked_idle > 3.0 * idle(&calm));
}
