//! What the operations need of the simulated fleet: any `--regions N`
//! writes a config opsdeck accepts and opens healthy (demand sized to the
//! fleet); regions report their own numbers; a `latency-spike` makes one
//! region mildly, not absolutely, worse.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use opsdeck::sim::SimConfig;
use opsdeck::sim::fleet::{FleetConfig, RunningFleet};
use opsdeck::sim::telemetry::Faults;
use serde_json::Value;

/// 15:00 UTC, the daily traffic peak.
const PEAK: i64 = 1_700_060_400_000;

/// `max_p95_seconds` of each service in config-examples/demo.toml.
const MAX_P95: [(&str, f64); 4] = [
    ("checkout", 0.35),
    ("catalog", 0.25),
    ("payments", 0.5),
    ("search", 0.4),
];

/// The simulator process, killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `opsdeck sim` into a fresh dir; returns it once it printed its prompt.
fn sim(args: &[&str]) -> (Proc, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["sim", "--dir", dir.path().to_str().unwrap()])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let proc = Proc(child);
    let start = Instant::now();
    loop {
        let mut l = String::new();
        if out.read_line(&mut l).unwrap() == 0 || start.elapsed() > Duration::from_secs(120) {
            panic!("opsdeck sim {args:?}: no prompt");
        }
        if l.contains("Ctrl-C") {
            break;
        }
    }
    std::thread::spawn(move || for _ in out.lines() {});
    (proc, dir)
}

fn opsdeck(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[test]
fn every_region_count_writes_a_config_that_checks() {
    // One region (no eu-west-1 override may remain), a wrap into the
    // second half of the catalog, and the largest fleet.
    for n in ["1", "5", "200"] {
        let (_proc, dir) = sim(&[
            "--regions",
            n,
            "--pods-per-cluster",
            "10",
            "--backfill-minutes",
            "1",
        ]);
        let config = dir.path().join("opsdeck.toml");
        let (code, out) = opsdeck(&["config", "check", "--config", config.to_str().unwrap()]);
        assert_eq!(code, Some(0), "--regions {n}: {out}");
        let text = std::fs::read_to_string(&config).unwrap();
        let cfg: toml::Value = toml::from_str(&text).unwrap();
        let regions = cfg["regions"].as_array().unwrap();
        assert_eq!(regions.len().to_string(), n);
        if n == "1" {
            assert!(!text.contains("eu-west-1"), "{text}");
        }
    }
}

#[test]
fn one_region_opens_on_a_healthy_fleet() {
    let (_proc, dir) = sim(&["--regions", "1", "--backfill-minutes", "6"]);
    let config = dir.path().join("opsdeck.toml");
    let (code, out) = opsdeck(&["status", "-o", "json", "--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let regions = v["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 1);
    for svc in regions[0]["services"].as_array().unwrap() {
        assert_eq!(svc["health"], "ok", "{svc}");
        let max = MAX_P95
            .iter()
            .find(|(n, _)| svc["service"] == *n)
            .map(|(_, m)| *m)
            .unwrap();
        assert!(svc["p95Seconds"].as_f64().unwrap() < max, "{svc}");
        assert!(svc["errorRatio"].as_f64().unwrap() < 0.005, "{svc}");
        assert!(svc["requestRate"].as_f64().unwrap() > 1.0, "{svc}");
    }
}

struct Fleet {
    fleet: RunningFleet,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Fleet {
    async fn start(faults: Faults) -> Fleet {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let sim = SimConfig {
            regions: 4,
            pods_per_cluster: 30,
            start_ms: Some(PEAK),
            ..SimConfig::default()
        };
        let mut cfg = FleetConfig::new(sim, dir.path());
        cfg.backfill = Duration::from_secs(600);
        cfg.telemetry_faults = faults;
        Fleet {
            fleet: RunningFleet::start(cfg).await.unwrap(),
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    async fn prom(&self, region: &str, q: &str) -> f64 {
        let v: Value = self
            .http
            .get(format!(
                "{}/regions/{region}/api/v1/query",
                self.fleet.urls().prometheus
            ))
            .query(&[("query", q)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let r = &v["data"]["result"];
        assert_eq!(r.as_array().map(Vec::len), Some(1), "{q}: {v}");
        r[0]["value"][1].as_str().unwrap().parse().unwrap()
    }

    /// (request rate, error ratio, p95) of `svc` in `region` over 5 minutes.
    async fn slo(&self, region: &str, svc: &str) -> (f64, f64, f64) {
        let sel = format!("service=\"{svc}\",region=\"{region}\"");
        let rps = format!("sum(rate(http_requests_total{{{sel}}}[5m]))");
        let err = format!("sum(rate(http_requests_total{{{sel},code=~\"5..\"}}[5m])) / {rps}");
        let p95 = format!(
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[5m])))"
        );
        (
            self.prom(region, &rps).await,
            self.prom(region, &err).await,
            self.prom(region, &p95).await,
        )
    }
}

const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "europe-west4", "eastus"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_differ_and_a_latency_spike_is_mild() {
    let faults = Faults {
        latency_spike: ["eastus".to_string()].into(),
        ..Faults::default()
    };
    let f = Fleet::start(faults).await;
    for (svc, max_p95) in MAX_P95 {
        let mut rows = Vec::new();
        for r in REGIONS {
            rows.push((r, f.slo(r, svc).await));
        }
        let healthy: Vec<_> = rows.iter().filter(|(r, _)| *r != "eastus").collect();
        // Each region its own numbers, all within a few percent of each other.
        for (i, (ra, a)) in healthy.iter().enumerate() {
            for (rb, b) in &healthy[i + 1..] {
                assert!(a.0 != b.0 && a.1 != b.1, "{svc}: {ra} {a:?} = {rb} {b:?}");
                assert!(
                    (a.0 / b.0 - 1.0).abs() < 0.25,
                    "{svc} rps {ra} {a:?} {rb} {b:?}"
                );
                assert!(
                    (a.2 / b.2 - 1.0).abs() < 0.08,
                    "{svc} p95 {ra} {a:?} {rb} {b:?}"
                );
            }
        }
        let baseline = healthy.iter().map(|(_, s)| s.2).sum::<f64>() / healthy.len() as f64;
        let worst = healthy.iter().map(|(_, s)| s.2).fold(0.0, f64::max);
        let spiked = rows.iter().find(|(r, _)| *r == "eastus").unwrap().1;
        // The canary case: clearly slower than every healthy region, yet
        // under the absolute SLO threshold.
        assert!(
            spiked.2 > 1.1 * worst && spiked.2 < 1.45 * baseline,
            "{svc}: eastus p95 {} vs baseline {baseline} (worst {worst})",
            spiked.2
        );
        assert!(
            spiked.2 < max_p95,
            "{svc}: eastus p95 {} >= {max_p95}",
            spiked.2
        );
        assert!(spiked.1 < 0.005, "{svc}: eastus errors {}", spiked.1);
        eprintln!(
            "{svc}: p95 healthy {:?}, eastus {} (+{:.0}%)",
            healthy.iter().map(|(_, s)| s.2).collect::<Vec<_>>(),
            spiked.2,
            (spiked.2 / baseline - 1.0) * 100.0
        );
    }
    f.fleet.shutdown().await;
}
