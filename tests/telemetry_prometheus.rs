//! Differential test against a real Prometheus 2.42: it scrapes the
//! simulator's per-region `/metrics` every second, evaluates the same rule
//! file and sends to a real Alertmanager 0.25. The simulator's own PromQL
//! answers, alerts and Alertmanager contents must agree with the real ones.
//!
//! Tolerance: values agree when |sim - real| <= 1e-9 + 5% of the larger
//! magnitude (the two sample the same counters at slightly different
//! instants; rates use 30 s windows inside the period both have data for).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "telemetry_support/peers.rs"]
mod peers;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use opsdeck::sim::telemetry::rules::SHIPPED_RULES;
use opsdeck::sim::telemetry::{Faults, Telemetry, TelemetryConfig, fixture, serve, wall_ms};
use serde_json::Value;

const REL_TOL: f64 = 0.05;

#[test]
fn shipped_rule_file_passes_promtool() {
    peers::require_bin("promtool");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config-examples/rules/opsdeck-rules.yml"
    );
    let out = std::process::Command::new("promtool")
        .args(["check", "rules", path])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool rejected the shipped rules:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The shipped rules with short `for:` and intervals, so alerts fire within the test.
fn fast_rules() -> String {
    let mut v: serde_yaml_ng::Value = serde_yaml_ng::from_str(SHIPPED_RULES).unwrap();
    for g in v["groups"].as_sequence_mut().unwrap() {
        g["interval"] = "5s".into();
        for r in g["rules"].as_sequence_mut().unwrap() {
            r["for"] = "10s".into();
        }
    }
    serde_yaml_ng::to_string(&v).unwrap()
}

fn slo_queries() -> Vec<String> {
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config-examples/demo.toml"
    ))
    .unwrap();
    let demo: toml::Value = toml::from_str(&demo).unwrap();
    let regions = ["us-east-1", "eu-west-1", "europe-west4", "eastus"];
    let mut out = Vec::new();
    for (i, svc) in demo["services"].as_array().unwrap().iter().enumerate() {
        let slo = &svc["slo"];
        let matcher = format!("region=\"{}\"", regions[i % regions.len()]);
        for key in ["request_rate", "error_ratio", "p95_latency"] {
            let q = slo[key].as_str().unwrap().replace("$region", &matcher);
            // Request rates over the window both sides have data for.
            let q = if key == "request_rate" {
                q.replace("[5m]", "[30s]")
            } else {
                q
            };
            out.push(q);
        }
    }
    out
}

const EXTRA_QUERIES: &[&str] = &[
    "sum by (region) (kube_deployment_spec_replicas)",
    "kube_deployment_status_replicas_ready{region=\"us-east-1\",deployment=\"search\"}",
    "count by (region) (kube_node_info)",
    "sum by (region) (node_total_hourly_cost)",
    "topk(3, sum by (service) (rate(http_requests_total[30s])))",
    "avg by (service) (container_memory_working_set_bytes{region=\"eu-west-1\"})",
    "sum by (region) (irate(http_requests_total{code=\"200\"}[10s]))",
    "sum(increase(http_requests_total{service=\"search\",region=\"eastus\"}[30s]))",
    "clamp_max(sum by (region) (rate(http_requests_total{code=~\"5..\"}[30s])), 50)",
    "clamp_min(sum by (region) (rate(http_requests_total{code=\"500\"}[30s])), 1)",
    "abs(sum by (region) (kube_deployment_status_replicas_ready) - sum by (region) (kube_deployment_spec_replicas))",
    "sum by (region, service) (rate(http_requests_total{code!=\"200\"}[30s])) / on (region, service) sum by (region, service) (rate(http_requests_total[30s]))",
    "sum by (region, service) (rate(http_requests_total{code=\"503\"}[30s])) / ignoring (code) sum by (region, service) (rate(http_requests_total[30s]))",
    "sum by (region) (rate(container_cpu_usage_seconds_total[30s])) / on (region) sum by (region) (kube_deployment_spec_replicas)",
    "sum by (region) (kube_pod_status_phase{phase=\"Running\"})",
    "kube_horizontalpodautoscaler_status_current_replicas{region=\"europe-west4\"}",
    "sum by (region) (rate(http_requests_total[20s] offset 5s))",
    "min by (service) (rate(http_request_duration_seconds_count{region!~\"eu.*\"}[30s]))",
    "max without (pod, code, cluster, namespace) (rate(http_requests_total{region=\"us-east-1\"}[30s]))",
    "histogram_quantile(0.5, sum without (pod, cluster, namespace) (rate(http_request_duration_seconds_bucket{service=\"checkout\"}[30s])))",
    "count(up_down_nonexistent_metric)",
    "2 * 3 + 1",
];

async fn query(c: &reqwest::Client, base: &str, q: &str, t_ms: i64) -> Value {
    let r = c
        .post(format!("{base}/api/v1/query"))
        .form(&[
            ("query", q.to_string()),
            ("time", format!("{:.3}", t_ms as f64 / 1000.0)),
        ])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "success", "{base}: {q}: {v}");
    v["data"].clone()
}

fn as_map(data: &Value) -> BTreeMap<String, f64> {
    let parse = |s: &Value| s.as_str().unwrap().parse::<f64>().unwrap();
    match data["resultType"].as_str().unwrap() {
        "scalar" => [(String::new(), parse(&data["result"][1]))].into(),
        _ => data["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["metric"].to_string(), parse(&s["value"][1])))
            .collect(),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 + REL_TOL * a.abs().max(b.abs())
}

fn alert_set(v: &Value) -> BTreeSet<String> {
    v["data"]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{} {}", a["state"], a["labels"]))
        .collect()
}

/// Every comparison query, asked of both engines at `at`: what differs.
async fn disagreements(c: &reqwest::Client, sim: &str, real: &str, at: i64) -> Vec<String> {
    let mut queries = slo_queries();
    queries.extend(EXTRA_QUERIES.iter().map(|s| s.to_string()));
    // Comparisons against a threshold in the widest gap between the regions'
    // request rates now (rates follow the time of day; a fixed threshold
    // near a value would compare the two engines' extrapolation, not `>`).
    let per_region = "sum by (region) (rate(http_requests_total[30s]))";
    let mut rates: Vec<f64> = as_map(&query(c, real, per_region, at).await)
        .into_values()
        .collect();
    rates.sort_by(f64::total_cmp);
    let threshold = rates
        .windows(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map(|w| (w[0] + w[1]) / 2.0)
        .unwrap();
    queries.push(format!("{per_region} > bool {threshold:.3}"));
    queries.push(format!("{per_region} > {threshold:.3}"));
    assert!(queries.len() >= 15);
    let mut failures = Vec::new();
    for q in &queries {
        let s = as_map(&query(c, sim, q, at).await);
        let r = as_map(&query(c, real, q, at).await);
        let keys_s: BTreeSet<_> = s.keys().collect();
        let keys_r: BTreeSet<_> = r.keys().collect();
        if keys_s != keys_r {
            failures.push(format!(
                "{q}\n  series differ:\n  sim  {keys_s:?}\n  real {keys_r:?}"
            ));
            continue;
        }
        for (k, sv) in &s {
            let rv = r[k];
            if !close(*sv, rv) {
                failures.push(format!("{q}\n  {k}: sim {sv} real {rv}"));
            }
        }
    }
    if !failures.is_empty() {
        let n = failures.len();
        failures.insert(
            0,
            format!("{n} disagreements over {} queries:", queries.len()),
        );
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulator_agrees_with_a_real_prometheus() {
    let dir = tempfile::tempdir().unwrap();
    let rules = fast_rules();
    let rules_path = dir.path().join("rules.yml");
    std::fs::write(&rules_path, &rules).unwrap();

    let mut world = fixture::world();
    let r = world.region_mut("us-east-1").unwrap();
    let search = r.services.iter_mut().find(|s| s.name == "search").unwrap();
    search.desired_replicas = 4;
    search.pods[2].ready = false;
    search.ready_replicas = 2;
    let faults = Faults {
        region_failed: ["eastus".to_string()].into(),
        bad_release: ["eu-west-1/payments".to_string()].into(),
        ..Faults::default()
    };
    let config = TelemetryConfig {
        resolution: Duration::from_secs(1),
        retention: Duration::from_secs(900),
        rules_yaml: rules,
        faults,
        ..TelemetryConfig::default()
    };
    let am_yaml = config.alertmanager.to_yaml();
    let t = Telemetry::new(config, world).unwrap();
    let _ticker = t.spawn_ticker();
    let routers = serve::routers(&t);
    let prom_addr = peers::serve(routers.prometheus).await;
    let am_addr = peers::serve(routers.alertmanager).await;

    let (_am, am_port) = peers::alertmanager(dir.path(), &am_yaml).await;
    let mut cfg = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 5s\nrule_files: ['{}']\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:{am_port}']\nscrape_configs:\n",
        rules_path.display()
    );
    for region in ["us-east-1", "eu-west-1", "europe-west4", "eastus"] {
        cfg.push_str(&format!(
            "  - job_name: sim-{region}\n    metrics_path: /regions/{region}/metrics\n    static_configs:\n      - targets: ['{prom_addr}']\n    metric_relabel_configs:\n      - action: labeldrop\n        regex: job|instance\n"
        ));
    }
    let (_prom, prom_port) = peers::prometheus(dir.path(), &cfg).await;
    let real = format!("http://127.0.0.1:{prom_port}");
    let sim = format!("http://{prom_addr}");
    let c = peers::client();

    // Wait for the first scrapes of all four targets, then let both collect.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let up = query(&c, &real, "sum(up)", wall_ms()).await;
        if as_map(&up).values().next().is_some_and(|v| *v >= 4.0) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "real Prometheus never scraped the simulator"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(36)).await;

    // A disagreement must hold at three instants a few seconds apart: a
    // burst of traffic inside one 30 s window is sampled by the two engines
    // at different moments, which a second instant does not repeat.
    let mut failures = Vec::new();
    for attempt in 0..3 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(6)).await;
        }
        failures = disagreements(&c, &sim, &real, wall_ms() - 1500).await;
        if failures.is_empty() {
            break;
        }
        eprintln!("attempt {attempt}: {}", failures.join("\n"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Same alerts, same states.
    let sim_alerts: Value = c
        .get(format!("{sim}/api/v1/alerts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let real_alerts: Value = c
        .get(format!("{real}/api/v1/alerts"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (sa, ra) = (alert_set(&sim_alerts), alert_set(&real_alerts));
    assert_eq!(sa, ra, "alerts differ");
    for name in [
        "RegionDown",
        "HighErrorRatio",
        "HighLatencyP95",
        "DeploymentReplicasMismatch",
    ] {
        assert!(
            sa.iter()
                .any(|a| a.starts_with("\"firing\"") && a.contains(name)),
            "{name} not firing: {sa:#?}"
        );
    }

    // What reached the Alertmanagers: same alerts, same suppression.
    let am_view = |v: Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{} {} {}",
                    a["fingerprint"], a["status"]["state"], a["labels"]
                )
            })
            .collect()
    };
    let sim_am = am_view(
        c.get(format!("http://{am_addr}/api/v2/alerts"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    let real_am = am_view(
        c.get(format!("http://127.0.0.1:{am_port}/api/v2/alerts"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(sim_am, real_am, "alertmanager contents differ");
    assert!(!sim_am.is_empty());
}
