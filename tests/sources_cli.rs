//! The read commands end to end (issue 5): the real `opsdeck` binary with a
//! config pointing Prometheus, Alertmanager and billing (OpenCost, Cost
//! Explorer, FOCUS CSV) at the telemetry simulator, served in this process
//! on loopback, and every Kubernetes context at a closed port.
//!
//! The simulator's clock is frozen after a backfill that crosses UTC
//! midnight (so yesterday has cost in every billing API), which makes its
//! answers stable while the commands run. Every JSON document is validated
//! against `tests/schema/opsdeck-v1.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "sources_support/common.rs"]
mod common;
#[path = "telemetry_support/peers.rs"]
mod peers;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use opsdeck::sim::telemetry::{Faults, Telemetry, TelemetryConfig, fixture, serve};
use serde_json::{Value, json};

const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "europe-west4", "eastus"];
const SERVICES: [&str; 4] = ["checkout", "catalog", "payments", "search"];

struct Fleet {
    t: Telemetry,
    home: tempfile::TempDir,
    focus: PathBuf,
    prom: String,
    am: String,
    opencost: String,
    ce: String,
}

impl Fleet {
    fn config_arg(&self) -> String {
        self.home.path().join("config.toml").display().to_string()
    }
}

fn config_text(f: &Fleet, kubeconfig: &Path) -> String {
    let mut s = String::new();
    for (i, region) in REGIONS.iter().enumerate() {
        let provider = ["aws", "aws", "gcp", "azure"][i];
        let billing = match i {
            0 => format!(
                "kind = \"opencost\"\nurl = \"{}/regions/{region}\"",
                f.opencost
            ),
            1 => format!(
                "kind = \"aws-cost-explorer\"\nendpoint = \"{}\"\nregion = \"us-east-1\"\nservice_tag = \"service\"",
                f.ce
            ),
            _ => format!("kind = \"focus-csv\"\ndir = \"{}\"", f.focus.display()),
        };
        s.push_str(&format!(
            r#"
[[regions]]
name = "{region}"
provider = "{provider}"
cloud_region = "{region}"

[[regions.clusters]]
context = "sim-{region}"
kubeconfig = "{kc}"
namespaces = ["shop"]

[regions.prometheus]
url = "{prom}/regions/{region}"
selector = 'region="{region}"'
timeout = "5s"

[[regions.alertmanagers]]
url = "{am}"
ha_cluster = "sim"

[regions.billing]
{billing}
"#,
            kc = kubeconfig.display(),
            prom = f.prom,
            am = f.am,
        ));
    }
    for svc in SERVICES {
        s.push_str(&format!(
            r#"
[[services]]
name = "{svc}"
namespace = "shop"
alert_matchers = ['service="{svc}"']

[services.slo]
request_rate = 'sum(rate(http_requests_total{{service="{svc}",$region}}[5m]))'
error_ratio = 'sum(rate(http_requests_total{{service="{svc}",code=~"5..",$region}}[5m])) / sum(rate(http_requests_total{{service="{svc}",$region}}[5m]))'
p95_latency = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{service="{svc}",$region}}[5m])))'
max_error_ratio = 0.01
max_p95_seconds = 0.4
"#
        ));
    }
    s
}

/// The simulator with a few minutes of history (enough for the shipped
/// rules to fire), then frozen. Before its history the ledger bills at the
/// starting rates, so every billing API has whole past days.
async fn fleet() -> Fleet {
    let home = tempfile::tempdir().unwrap();
    let focus = home.path().join("focus");
    let backfill = Duration::from_secs(12 * 60);
    let config = TelemetryConfig {
        resolution: Duration::from_secs(30),
        retention: backfill + Duration::from_secs(600),
        backfill,
        focus_dir: Some(focus.clone()),
        faults: Faults {
            bad_release: ["eu-west-1/payments".to_string()].into(),
            latency_spike: ["eastus".to_string()].into(),
            ..Faults::default()
        },
        ..TelemetryConfig::default()
    };
    let started = std::time::Instant::now();
    let t = Telemetry::new(config, fixture::world()).unwrap();
    eprintln!(
        "simulated {backfill:?} of history in {:?}",
        started.elapsed()
    );
    let r = serve::routers(&t);
    let prom = format!("http://{}", peers::serve(r.prometheus).await);
    let am = format!("http://{}", peers::serve(r.alertmanager).await);
    let opencost = format!("http://{}", peers::serve(r.opencost).await);
    let ce = format!("http://{}", peers::serve(r.cost_explorer).await);
    let f = Fleet {
        t,
        home,
        focus,
        prom,
        am,
        opencost,
        ce,
    };
    let contexts: Vec<String> = REGIONS.iter().map(|r| format!("sim-{r}")).collect();
    let contexts: Vec<&str> = contexts.iter().map(String::as_str).collect();
    let kc = common::kubeconfig(
        f.home.path(),
        &contexts,
        &format!("https://127.0.0.1:{}", common::closed_port()),
    );
    common::config(f.home.path(), &config_text(&f, &kc));
    f
}

async fn run(f: &Fleet, args: &[&str]) -> (i32, String, String, Duration) {
    let home = f.home.path().to_path_buf();
    let mut all = vec!["--config".to_string(), f.config_arg()];
    all.extend(args.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        common::opsdeck(
            &home,
            &args,
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDSIM"),
                ("AWS_SECRET_ACCESS_KEY", "sim-secret"),
            ],
        )
    })
    .await
    .unwrap()
}

fn sources(doc: &Value) -> &Vec<Value> {
    doc["sources"].as_array().unwrap()
}

/// Every Kubernetes source is stale with an error; no other source is.
fn only_kubernetes_unreachable(doc: &Value) {
    let all = sources(doc);
    let kube: Vec<&Value> = all.iter().filter(|s| s["kind"] == "kubernetes").collect();
    assert_eq!(kube.len(), 4, "{all:#?}");
    for s in all {
        if s["kind"] == "kubernetes" {
            assert_eq!(s["stale"], true, "{s}");
            let e = s["lastError"].as_str().unwrap_or("");
            assert!(!e.is_empty(), "no error for {s}");
            assert!(!e.contains("not-a-real-token"), "credential in error: {e}");
        } else {
            assert_eq!(s["stale"], false, "{s}");
            assert!(s["lastError"].is_null(), "{s}");
        }
    }
}

/// Only sources of `kinds`, each fresh: the command read nothing else (the
/// unreachable clusters included).
fn only_sources_of(doc: &Value, kinds: &[&str]) {
    let all = sources(doc);
    assert!(!all.is_empty(), "no sources");
    for s in all {
        assert!(
            kinds.contains(&s["kind"].as_str().unwrap_or("")),
            "a {} source was read: {s}",
            s["kind"]
        );
        assert_eq!(s["stale"], false, "{s}");
    }
}

async fn sim_query(f: &Fleet, q: &str) -> Option<f64> {
    let v: Value = peers::client()
        .post(format!("{}/api/v1/query", f.prom))
        .form(&[("query", q)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "success", "{q}: {v}");
    let x: f64 = v["data"]["result"][0]["value"][1]
        .as_str()?
        .parse()
        .unwrap();
    x.is_finite().then_some(x)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_commands_against_the_telemetry_simulator() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let f = fleet().await;
    let c = peers::client();

    // alerts: the simulator's firing alerts, once each.
    // `alerts` reads Alertmanager only: the unreachable clusters are not
    // contacted, so it succeeds.
    let (code, out, err, _) = run(&f, &["alerts", "-o", "json"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let doc = common::document(&out, "Alerts");
    only_sources_of(&doc, &["alertmanager"]);
    let sim_alerts: Value = c
        .get(format!("{}/api/v2/alerts", f.am))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let want: BTreeSet<String> = sim_alerts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"]["state"] == "active")
        .map(|a| a["fingerprint"].as_str().unwrap().to_string())
        .collect();
    let items = doc["items"].as_array().unwrap();
    let got: BTreeSet<String> = items
        .iter()
        .filter(|a| a["state"] == "active")
        .map(|a| a["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert!(!want.is_empty(), "the simulator has no firing alert");
    assert_eq!(got, want);
    assert_eq!(items.len(), sim_alerts.as_array().unwrap().len());
    assert!(
        items
            .iter()
            .any(|a| a["labels"]["alertname"] == "HighErrorRatio"
                && a["labels"]["service"] == "payments"
                && a["labels"]["region"] == "eu-west-1"),
        "{items:#?}"
    );
    for a in items {
        assert_eq!(a["seenOn"], json!([format!("{}/", f.am)]));
        assert_eq!(a["haClusters"], json!(["sim"]));
    }

    // costs --by region: each region's total is what its billing API says.
    let (code, out, err, _) = run(
        &f,
        &["costs", "--by", "region", "--days", "7", "-o", "json"],
    )
    .await;
    assert_eq!(code, 0, "{out}{err}");
    let doc = common::document(&out, "Costs");
    only_sources_of(&doc, &["billing"]);
    assert_eq!(doc["by"], "region");
    assert_eq!(doc["days"], 7);
    let got: BTreeMap<String, f64> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert_eq!(g["currency"], "USD");
            (
                g["key"].as_str().unwrap().to_string(),
                g["total"].as_f64().unwrap(),
            )
        })
        .collect();
    let want = expected_costs(&f, 7).await;
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "got {got:?}, want {want:?}"
    );
    for (region, total) in &want {
        assert!(*total > 0.0, "{region}: no cost in the simulator");
        assert!(
            common::close(got[region], *total, 1e-9),
            "{region}: opsdeck {} vs simulator {total}",
            got[region]
        );
    }

    // status: Kubernetes unreachable (5) with its error, SLO values present
    // and equal to the simulator's own answers.
    let (code, out, err, _) = run(&f, &["status", "-o", "json"]).await;
    assert_eq!(code, 5, "{out}{err}");
    let doc = common::document(&out, "Status");
    only_kubernetes_unreachable(&doc);
    let regions = doc["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 4);
    for r in regions {
        let name = r["name"].as_str().unwrap();
        assert_eq!(r["stale"], true, "{name}: its Kubernetes source is stale");
        let cells = r["services"].as_array().unwrap();
        assert_eq!(cells.len(), 4);
        for cell in cells {
            let svc = cell["service"].as_str().unwrap();
            assert_eq!(cell["health"], "unknown", "no Kubernetes data: {cell}");
            let sel = format!("service=\"{svc}\",region=\"{name}\"");
            let queries = [
                (
                    "requestRate",
                    format!("sum(rate(http_requests_total{{{sel}}}[5m]))"),
                ),
                (
                    "errorRatio",
                    format!(
                        "sum(rate(http_requests_total{{service=\"{svc}\",code=~\"5..\",region=\"{name}\"}}[5m])) / sum(rate(http_requests_total{{{sel}}}[5m]))"
                    ),
                ),
                (
                    "p95Seconds",
                    format!(
                        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[5m])))"
                    ),
                ),
            ];
            for (key, q) in queries {
                let got = cell[key]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{name} {svc}: no {key}: {cell}"));
                let want = sim_query(&f, &q).await.unwrap();
                assert!(
                    common::close(got, want, 1e-9),
                    "{name} {svc} {key}: {got} vs {want}"
                );
            }
        }
    }
    schema_rejects_broken_documents(&doc);
    let payments_eu = regions
        .iter()
        .find(|r| r["name"] == "eu-west-1")
        .and_then(|r| {
            r["services"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["service"] == "payments")
        })
        .unwrap();
    assert!(payments_eu["errorRatio"].as_f64().unwrap() > 0.01);
    assert!(payments_eu["firingAlerts"].as_u64().unwrap() >= 1);

    // workloads: no Kubernetes, no rows, and says so.
    let (code, out, err, _) = run(&f, &["workloads", "-o", "json"]).await;
    assert_eq!(code, 5, "{out}{err}");
    let doc = common::document(&out, "Workloads");
    assert_eq!(doc["items"], json!([]));
    only_kubernetes_unreachable(&doc);

    // The table names the unreachable source and its error.
    let (code, out, err, _) = run(&f, &["status"]).await;
    assert_eq!(code, 5, "{out}{err}");
    assert!(
        out.contains("! kubernetes sim-us-east-1 [us-east-1]: unreachable:"),
        "{out}"
    );

    // A Prometheus that never answers: `--timeout 3s` bounds the command.
    f.t.update_faults(|x| x.prometheus_slow_ms = 60_000);
    let (code, out, err, took) = run(&f, &["status", "-o", "json", "--timeout", "3s"]).await;
    f.t.update_faults(|x| x.prometheus_slow_ms = 0);
    assert_eq!(code, 5, "{out}{err}");
    assert!(
        took < Duration::from_secs(8),
        "took {took:?} with --timeout 3s"
    );
    let doc = common::document(&out, "Status");
    for s in sources(&doc) {
        match s["kind"].as_str().unwrap() {
            "prometheus" | "kubernetes" => {
                assert_eq!(s["stale"], true, "{s}");
                assert!(
                    s["lastError"].as_str().is_some_and(|e| !e.is_empty()),
                    "{s}"
                );
            }
            _ => assert_eq!(s["stale"], false, "{s}"),
        }
    }
    for r in doc["regions"].as_array().unwrap() {
        for cell in r["services"].as_array().unwrap() {
            assert!(cell["requestRate"].is_null(), "{cell}");
        }
    }
}

/// Each region's cost over the last `days` days, asked of its billing API
/// independently of opsdeck: OpenCost accumulated per cluster, Cost
/// Explorer grouped by region only, FOCUS files summed here.
async fn expected_costs(f: &Fleet, days: i64) -> BTreeMap<String, f64> {
    let c = peers::client();
    let today = jiff::Zoned::now().date();
    let first = today.checked_sub(jiff::Span::new().days(days)).unwrap();
    let mut out = BTreeMap::new();

    // us-east-1: OpenCost. opsdeck asks for 30 daily steps (`30d`: whole
    // UTC days, today's partial) and keeps the days from `first` on.
    let now = f.t.now_ms();
    let from = first.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp();
    let to = jiff::Timestamp::from_millisecond(now).unwrap();
    let v: Value = c
        .get(format!(
            "{}/regions/us-east-1/allocation/compute",
            f.opencost
        ))
        .query(&[
            ("window", format!("{from},{to}")),
            ("aggregate", "cluster".into()),
            ("accumulate", "true".into()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total: f64 = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|set| set.as_object().unwrap().values())
        .map(|a| a["totalCost"].as_f64().unwrap())
        .sum();
    out.insert("us-east-1".to_string(), total);

    // eu-west-1: Cost Explorer, whole days before today (End is exclusive).
    let body = json!({
        "TimePeriod": {"Start": first.to_string(), "End": today.to_string()},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "REGION"}]
    });
    let v: Value = c
        .post(format!("{}/", f.ce))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDSIM/20261123/us-east-1/ce/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total: f64 = v["ResultsByTime"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["Groups"].as_array().unwrap())
        .filter(|g| g["Keys"][0] == "eu-west-1")
        .map(|g| {
            g["Metrics"]["UnblendedCost"]["Amount"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap()
        })
        .sum();
    out.insert("eu-west-1".to_string(), total);

    // europe-west4 and eastus: the FOCUS exports.
    let mut focus: BTreeMap<String, f64> = BTreeMap::new();
    for entry in std::fs::read_dir(&f.focus).unwrap() {
        let path = entry.unwrap().path();
        let mut rdr = csv::Reader::from_path(&path).unwrap();
        let headers = rdr.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (cost, start, region) = (
            col("EffectiveCost"),
            col("ChargePeriodStart"),
            col("RegionId"),
        );
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let day: jiff::civil::Date = rec[start][..10].parse().unwrap();
            if day >= first && day <= today {
                *focus.entry(rec[region].to_string()).or_default() +=
                    rec[cost].parse::<f64>().unwrap();
            }
        }
    }
    for r in ["europe-west4", "eastus"] {
        out.insert(r.to_string(), focus.get(r).copied().unwrap_or_default());
    }
    out
}

/// `workloads` and `status` with rows: the Kubernetes simulator (no
/// Prometheus, Alertmanager or billing configured); both documents match
/// the schema and every configured service has its deployment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workloads_and_status_from_the_kubernetes_simulator() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = opsdeck::sim::Sim::start(opsdeck::sim::SimConfig {
        regions: 2,
        pods_per_cluster: 20,
        ..Default::default()
    })
    .await
    .unwrap();
    let regions: Vec<String> = REGIONS[..2].iter().map(|r| r.to_string()).collect();
    let home = tempfile::tempdir().unwrap();
    let kc = home.path().join("kubeconfig");
    std::fs::write(
        &kc,
        opsdeck::sim::kubeconfig::kubeconfig(&sim.base_url(), &regions, sim.tokens()),
    )
    .unwrap();
    let mut text = String::new();
    for (r, provider) in regions.iter().zip(["aws", "aws"]) {
        text.push_str(&format!(
            "[[regions]]\nname = \"{r}\"\nprovider = \"{provider}\"\n\n[[regions.clusters]]\ncontext = \"sim-{r}\"\nkubeconfig = \"{}\"\nnamespaces = [\"shop\"]\n\n",
            kc.display()
        ));
    }
    for svc in SERVICES {
        text.push_str(&format!(
            "[[services]]\nname = \"{svc}\"\nnamespace = \"shop\"\n\n"
        ));
    }
    common::config(home.path(), &text);
    let cfg = home.path().join("config.toml").display().to_string();
    let h = home.path().to_path_buf();
    let (code, out, err, _) = tokio::task::spawn_blocking(move || {
        common::opsdeck(
            &h,
            &[
                "--config",
                &cfg,
                "workloads",
                "-o",
                "json",
                "--timeout",
                "30s",
            ],
            &[],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    let doc = common::document(&out, "Workloads");
    let items = doc["items"].as_array().unwrap();
    for r in &regions {
        for svc in SERVICES {
            let found = items
                .iter()
                .find(|i| i["region"] == r.as_str() && i["service"] == svc)
                .unwrap_or_else(|| panic!("{r} {svc} missing: {items:#?}"));
            assert_eq!(found["namespace"], "shop");
            assert_eq!(found["name"], svc);
            assert_eq!(found["context"], format!("sim-{r}"));
        }
    }
    for s in sources(&doc) {
        assert_eq!(s["kind"], "kubernetes");
        assert_eq!(s["stale"], false, "{s}");
    }

    let cfg = home.path().join("config.toml").display().to_string();
    let h = home.path().to_path_buf();
    let (code, out, err, _) = tokio::task::spawn_blocking(move || {
        common::opsdeck(
            &h,
            &["--config", &cfg, "status", "-o", "json", "--timeout", "30s"],
            &[],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    let doc = common::document(&out, "Status");
    for r in doc["regions"].as_array().unwrap() {
        for cell in r["services"].as_array().unwrap() {
            assert!(cell["desired"].as_u64().is_some(), "{cell}");
            assert_ne!(cell["health"], "unknown", "{cell}");
        }
    }
    sim.shutdown().await;
}

/// The schema is not vacuous: a real document, broken in one place each
/// time, is rejected.
fn schema_rejects_broken_documents(doc: &Value) {
    type Break = (&'static str, fn(&mut Value));
    let breaks: [Break; 6] = [
        ("wrong apiVersion", |d| {
            d["apiVersion"] = json!("opsdeck/v2")
        }),
        ("unknown kind", |d| d["kind"] = json!("Stauts")),
        ("stale is not a bool", |d| {
            d["sources"][0]["stale"] = json!("yes")
        }),
        ("unknown health", |d| {
            d["regions"][0]["health"] = json!("fine")
        }),
        ("unexpected field", |d| {
            d["regions"][0]["services"][0]["colour"] = json!("red")
        }),
        ("missing field", |d| {
            d["regions"][0]["services"][0]
                .as_object_mut()
                .unwrap()
                .remove("requestRate");
        }),
    ];
    for (what, f) in breaks {
        let mut broken = doc.clone();
        f(&mut broken);
        assert!(
            !common::schema_errors(&broken).is_empty(),
            "the schema accepts a Status document with {what}"
        );
    }
}

/// A Kubernetes API server that answers `/version` at once but never
/// finishes a list: the cluster has not been read when `--timeout` passes,
/// so the command must say the source did not answer (5), not print an
/// empty fleet as if all were well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_that_never_lists_is_reported_unreachable() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let router = axum::Router::new()
        .route(
            "/version",
            axum::routing::get(|| async {
                axum::Json(json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0"}))
            }),
        )
        .fallback(|| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            "never"
        });
    let addr = peers::serve(router).await;
    let home = tempfile::tempdir().unwrap();
    let kc = common::kubeconfig(home.path(), &["hung"], &format!("http://{addr}"));
    let text = format!(
        "[ui.refresh]\nprometheus = \"500ms\"\n\n[[regions]]\nname = \"us-east-1\"\nprovider = \"aws\"\n\n[[regions.clusters]]\ncontext = \"hung\"\nkubeconfig = \"{}\"\nnamespaces = [\"shop\"]\n",
        kc.display()
    );
    common::config(home.path(), &text);
    let cfg = home.path().join("config.toml").display().to_string();
    let h = home.path().to_path_buf();
    let (code, out, err, took) = tokio::task::spawn_blocking(move || {
        common::opsdeck(
            &h,
            &[
                "--config",
                &cfg,
                "workloads",
                "-o",
                "json",
                "--timeout",
                "3s",
            ],
            &[],
        )
    })
    .await
    .unwrap();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let doc = common::document(&out, "Workloads");
    assert_eq!(code, 5, "{out}{err}");
    let s = &sources(&doc)[0];
    assert_eq!(s["stale"], true, "{s}");
    assert!(
        s["lastError"].as_str().is_some_and(|e| e.contains("3 s")),
        "{s}"
    );
}
