//! `metrics` mode: workload state from kube-state-metrics series through the
//! simulator's fleet-wide query endpoint instead of a watch of every
//! cluster. It must agree with watching on the same world, follow a change
//! made through the Kubernetes API, and keep showing a cluster whose API is
//! down.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use ops_support::Sim;
use serde_json::Value;

/// (region, service) → (ready, desired, from metrics), from `status -o json`.
fn cells(doc: &Value) -> BTreeMap<(String, String), (i64, i64, bool)> {
    let mut out = BTreeMap::new();
    for r in doc["regions"].as_array().unwrap() {
        for c in r["services"].as_array().unwrap() {
            out.insert(
                (
                    r["name"].as_str().unwrap().to_string(),
                    c["service"].as_str().unwrap().to_string(),
                ),
                (
                    c["ready"].as_i64().unwrap_or(-1),
                    c["desired"].as_i64().unwrap_or(-1),
                    c["fromMetrics"].as_bool().unwrap(),
                ),
            );
        }
    }
    out
}

fn status(sim: &Sim, config: &std::path::Path) -> (i32, Value) {
    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .arg("--config")
        .arg(config)
        .args(["status", "-o", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let doc = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "{e}: {text}\n{}\n{}",
            String::from_utf8_lossy(&o.stderr),
            sim.dir.path().display()
        )
    });
    (o.status.code().unwrap_or(-1), doc)
}

fn kinds(doc: &Value) -> Vec<String> {
    doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn metrics_mode_agrees_with_watching_and_follows_a_scale() {
    let sim = ops_support::sim_with("1", &["--workloads", "metrics"]);
    let (code, doc) = status(&sim, &sim.config());
    assert_eq!(code, 0, "{doc}");
    let kinds_seen = kinds(&doc);
    assert!(
        !kinds_seen.iter().any(|k| k == "kubernetes"),
        "no cluster API is read: {kinds_seen:?}"
    );
    assert_eq!(kinds_seen.iter().filter(|k| *k == "metrics").count(), 4);
    let by_metrics = cells(&doc);
    assert!(
        by_metrics.values().all(|c| c.2 && c.1 > 0),
        "{by_metrics:?}"
    );

    // The same world, watched.
    let watch = sim.path("watch.toml");
    let text = std::fs::read_to_string(sim.config()).unwrap();
    std::fs::write(
        &watch,
        text.replace("workloads = \"metrics\"", "workloads = \"watch\""),
    )
    .unwrap();
    let strip = |m: &BTreeMap<(String, String), (i64, i64, bool)>| {
        m.iter()
            .map(|(k, v)| (k.clone(), (v.0, v.1)))
            .collect::<BTreeMap<_, _>>()
    };
    // HPAs move replicas while the fleet settles: both modes read back to
    // back until they see the same world.
    let start = Instant::now();
    loop {
        let (_, doc) = status(&sim, &sim.config());
        let by_metrics = cells(&doc);
        let (code, doc) = status(&sim, &watch);
        assert_eq!(code, 0, "{doc}");
        assert!(kinds(&doc).iter().any(|k| k == "kubernetes"));
        let by_watch = cells(&doc);
        assert!(by_watch.values().all(|c| !c.2));
        if strip(&by_metrics) == strip(&by_watch) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "ready/desired never agreed:\n{by_metrics:?}\n{by_watch:?}"
        );
        std::thread::sleep(Duration::from_secs(1));
    }

    // A change through the Kubernetes API reaches the store's series.
    let key = ("us-east-1".to_string(), "catalog".to_string());
    let before = by_metrics[&key].1;
    let target = before + 2;
    sim.kubectl(
        "us-east-1",
        &[
            "scale",
            "deploy",
            "catalog",
            &format!("--replicas={target}"),
        ],
    );
    let start = Instant::now();
    loop {
        let (_, doc) = status(&sim, &sim.config());
        let c = cells(&doc)[&key];
        if c.1 == target && c.0 == target {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "metrics never showed {target}/{target}: {c:?}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
}

#[test]
fn a_cluster_whose_api_is_down_shows_its_workloads_from_metrics() {
    let sim = ops_support::sim_with(
        "10",
        &["--workloads", "metrics", "--fault", "eu-west-1:refuse"],
    );
    let k = sim.kubectl_as("operator", "eu-west-1", &["get", "deploy"]);
    assert_ne!(k.code, 0, "the API of eu-west-1 is down: {}", k.stdout);
    let (code, doc) = status(&sim, &sim.config());
    assert_eq!(code, 0, "{doc}");
    let eu: Vec<_> = cells(&doc)
        .into_iter()
        .filter(|((r, _), _)| r == "eu-west-1")
        .collect();
    assert_eq!(eu.len(), 4);
    assert!(eu.iter().all(|(_, c)| c.2 && c.0 > 0), "{eu:?}");
    let region = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "eu-west-1")
        .unwrap();
    assert!(region["healthAgeSeconds"].is_i64(), "{region}");
    // The table says where the figures come from.
    let o = sim.opsdeck(&["status"]);
    assert!(
        o.stdout
            .lines()
            .any(|l| l.contains("eu-west-1") && l.contains(" m ")),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("kube-state-metrics"), "{}", o.stdout);
}

/// (region, service) → request rate, from `status -o json`.
fn rates(doc: &Value) -> BTreeMap<(String, String), f64> {
    let mut out = BTreeMap::new();
    for r in doc["regions"].as_array().unwrap() {
        for c in r["services"].as_array().unwrap() {
            if let Some(v) = c["requestRate"].as_f64() {
                out.insert(
                    (
                        r["name"].as_str().unwrap().to_string(),
                        c["service"].as_str().unwrap().to_string(),
                    ),
                    v,
                );
            }
        }
    }
    out
}

#[test]
fn slo_figures_come_from_the_fleet_store_and_agree_with_each_regions_own() {
    let sim = ops_support::sim_with("1", &["--workloads", "metrics"]);
    let text = std::fs::read_to_string(sim.config()).unwrap();
    let store = text
        .split("[fleet_metrics]\nurl = \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let per_region = sim.path("per-region.toml");
    std::fs::write(
        &per_region,
        text.replace("workloads = \"metrics\"", "workloads = \"watch\""),
    )
    .unwrap();
    let (code, fleet) = status(&sim, &sim.config());
    assert_eq!(code, 0, "{fleet}");
    let (_, own) = status(&sim, &per_region);
    // Every region's Prometheus source is the fleet store, not its own.
    let prom: Vec<&Value> = fleet["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "prometheus")
        .collect();
    assert_eq!(prom.len(), 4, "{prom:?}");
    for s in &prom {
        let name = s["name"].as_str().unwrap();
        assert!(
            name.trim_end_matches('/') == store && !name.contains("/regions/"),
            "{name} is not the fleet store {store}"
        );
    }
    let (a, b) = (rates(&fleet), rates(&own));
    assert_eq!(a.len(), 16, "{a:?}");
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        let w = b[k];
        assert!(
            *v > 0.0 && (v - w).abs() <= 0.1 * w.max(1.0),
            "{k:?}: fleet store {v} vs the region's own {w}"
        );
    }
}

#[test]
fn pods_nodes_and_hpas_from_metrics_agree_with_kubectl() {
    let sim = ops_support::sim_with("1", &["--workloads", "metrics"]);
    let lines = |s: String| s.lines().filter(|l| !l.trim().is_empty()).count() as i64;
    // Pods come and go with the HPAs: read both sides back to back until
    // they see the same world.
    let start = Instant::now();
    loop {
        let (code, doc) = status(&sim, &sim.config());
        assert_eq!(code, 0, "{doc}");
        let mut mismatch = Vec::new();
        for r in doc["regions"].as_array().unwrap() {
            let region = r["name"].as_str().unwrap();
            let s = &r["workloadSummary"];
            assert!(s.is_object(), "{region} has no workload summary: {r}");
            let phases = sim.kubectl(
                region,
                // The simulator's kube-state-metrics reports the shop's pods.
                &[
                    "get",
                    "pods",
                    "-n",
                    "shop",
                    "-o",
                    "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}",
                ],
            );
            let running = phases.lines().filter(|p| *p == "Running").count() as i64;
            let total = lines(phases.clone());
            let nodes = lines(sim.kubectl(region, &["get", "nodes", "-o", "name"]));
            let hpas = lines(sim.kubectl(region, &["get", "hpa", "-A", "-o", "name"]));
            let pods_total: i64 = s["pods"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_i64().unwrap())
                .sum();
            let got = (
                s["pods"]["Running"].as_i64().unwrap_or(0),
                pods_total,
                s["nodes"].as_i64().unwrap(),
                s["hpas"].as_i64().unwrap(),
            );
            assert!(nodes > 0 && hpas > 0 && total > 0);
            if got != (running, total, nodes, hpas) {
                mismatch.push(format!(
                    "{region}: metrics {got:?} kubectl {:?}",
                    (running, total, nodes, hpas)
                ));
            }
        }
        if mismatch.is_empty() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "never agreed: {mismatch:?}"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    // The table says it too.
    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .arg("--config")
        .arg(sim.config())
        .arg("status")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Workloads from kube-state-metrics") && text.contains("RESTARTS"),
        "{text}"
    );
}
