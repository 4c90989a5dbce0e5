//! `metrics` mode against a real store: Debian's VictoriaMetrics scrapes
//! the simulator's per-region `/metrics` (its `-promscrape.config`), and
//! opsdeck reads the fleet through VictoriaMetrics' Prometheus API. What it
//! reads must agree with watching every cluster of the same world.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// VictoriaMetrics, killed when dropped.
struct Store(Child);

impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn curl(url: &str, query: &str) -> Option<Value> {
    let o = Command::new("curl")
        .args(["-s", "--max-time", "5", url, "--data-urlencode"])
        .arg(format!("query={query}"))
        .output()
        .ok()?;
    serde_json::from_slice(&o.stdout).ok()
}

/// (region, service) → (ready, desired, from metrics).
fn cells(config: &std::path::Path) -> BTreeMap<(String, String), (i64, i64, bool)> {
    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .arg("--config")
        .arg(config)
        .args(["status", "-o", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
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

#[test]
fn victoria_metrics_scraping_the_fleet_agrees_with_watching_it() {
    let found = Command::new("victoria-metrics")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        found,
        "victoria-metrics is not installed: run `bash tests/peers/install.sh`"
    );
    let sim = ops_support::sim_with("1", &["--workloads", "metrics"]);
    let text = std::fs::read_to_string(sim.config()).unwrap();
    let fleet_url = text
        .split("[fleet_metrics]\nurl = \"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_string();
    let host = fleet_url.trim_start_matches("http://").to_string();
    let regions = ["us-east-1", "eu-west-1", "europe-west4", "eastus"];
    let mut scrape = String::from("global:\n  scrape_interval: 2s\nscrape_configs:\n");
    for r in regions {
        scrape.push_str(&format!(
            "  - job_name: sim-{r}\n    honor_labels: true\n    metrics_path: /regions/{r}/metrics\n    static_configs:\n      - targets: ['{host}']\n"
        ));
    }
    let scrape_file = sim.path("scrape.yml");
    std::fs::write(&scrape_file, scrape).unwrap();
    let port = free_port();
    let _store = Store(
        Command::new("victoria-metrics")
            .arg(format!("-storageDataPath={}", sim.path("vmdata").display()))
            .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
            .arg(format!("-promscrape.config={}", scrape_file.display()))
            .arg("-search.latencyOffset=1s")
            .arg("-loggerLevel=ERROR")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start victoria-metrics"),
    );
    let vm = format!("http://127.0.0.1:{port}");

    // Every region's deployments scraped into the store.
    let start = Instant::now();
    loop {
        let got = curl(
            &format!("{vm}/api/v1/query"),
            "count by (region) (kube_deployment_spec_replicas)",
        );
        let n = got
            .as_ref()
            .and_then(|v| v["data"]["result"].as_array().map(|a| a.len()))
            .unwrap_or(0);
        if n == regions.len() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the store never held every region: {got:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    let through_vm = sim.path("through-vm.toml");
    std::fs::write(&through_vm, text.replace(&fleet_url, &vm)).unwrap();
    let watch = sim.path("watch.toml");
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
    // Replicas move while HPAs act, and the store lags a scrape behind:
    // read both back to back until they see the same world.
    let start = Instant::now();
    loop {
        let by_vm = cells(&through_vm);
        let by_watch = cells(&watch);
        assert!(by_vm.values().all(|c| c.2), "{by_vm:?}");
        assert!(by_watch.values().all(|c| !c.2), "{by_watch:?}");
        assert_eq!(by_vm.len(), 16);
        if strip(&by_vm) == strip(&by_watch) && by_vm.values().all(|c| c.1 > 0) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "VictoriaMetrics and the watch never agreed:\n{by_vm:?}\n{by_watch:?}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
}
