//! The embedded fleet end to end: actions through the Kubernetes API (kube-rs
//! `patch_scale`, a Service annotation patch) and the control endpoint
//! (region failed) show up in the Prometheus, OpenCost and Alertmanager
//! answers of the same fleet. Time is skipped with the telemetry's
//! `advance` control, reached through the Kubernetes server's control
//! endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use opsdeck::sim::SimConfig;
use opsdeck::sim::auth::Role;
use opsdeck::sim::fleet::{FleetConfig, RunningFleet};
use serde_json::{Value, json};

/// 15:00 UTC, the daily traffic peak.
const PEAK: i64 = 1_700_060_400_000;

struct T {
    fleet: RunningFleet,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl T {
    async fn start() -> T {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let sim = SimConfig {
            regions: 2,
            pods_per_cluster: 30,
            start_ms: Some(PEAK),
            ..SimConfig::default()
        };
        let mut cfg = FleetConfig::new(sim, dir.path());
        cfg.backfill = Duration::from_secs(120);
        let fleet = RunningFleet::start(cfg).await.unwrap();
        T {
            fleet,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    async fn kube(&self, region: &str) -> Client {
        let kc = Kubeconfig::read_from(&self.fleet.files().kubeconfig).unwrap();
        let opts = KubeConfigOptions {
            context: Some(format!("sim-{region}")),
            cluster: None,
            user: None,
        };
        let cfg = kube::Config::from_custom_kubeconfig(kc, &opts)
            .await
            .unwrap();
        Client::try_from(cfg).unwrap()
    }

    async fn control(&self, role: Role, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}/control/{path}", self.fleet.sim().base_url()))
            .bearer_auth(self.fleet.sim().token(role))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Skip simulated telemetry time through the one control endpoint.
    async fn advance(&self, seconds: u32) {
        let r = self
            .control(
                Role::Admin,
                &format!("telemetry/advance?seconds={seconds}"),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
    }

    /// Wait until the sync task has handed the telemetry a world where `f` holds.
    async fn synced(&self, what: &str, f: impl Fn(&opsdeck::sim::telemetry::WorldInput) -> bool) {
        let start = Instant::now();
        while !f(&self.fleet.telemetry().read().world) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "telemetry never saw {what}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
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

    /// Compute cost of `service` in `region` over the last 10 minutes (OpenCost).
    async fn cost(&self, region: &str, service: &str) -> f64 {
        let v: Value = self
            .http
            .get(format!(
                "{}/regions/{region}/allocation/compute",
                self.fleet.urls().opencost
            ))
            .query(&[
                ("window", "10m"),
                ("aggregate", "controller"),
                ("accumulate", "true"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let a = &v["data"][0][service];
        a["cpuCost"].as_f64().unwrap() + a["ramCost"].as_f64().unwrap()
    }

    async fn scale(&self, region: &str, service: &str, replicas: u32) {
        let deploys: Api<Deployment> = Api::namespaced(self.kube(region).await, "shop");
        deploys
            .patch_scale(
                service,
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"replicas": replicas}})),
            )
            .await
            .unwrap();
        self.synced(&format!("{service} at {replicas} ready pods"), |w| {
            w.region(region)
                .and_then(|r| r.services.iter().find(|s| s.name == service))
                .is_some_and(|s| s.ready_replicas == replicas && s.pods.len() == replicas as usize)
        })
        .await;
    }
}

fn q_cap(svc: &str, r: &str) -> String {
    format!("opsdeck_service_capacity_rps{{service=\"{svc}\",region=\"{r}\"}}")
}
fn q_p95(svc: &str, r: &str) -> String {
    format!(
        "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{service=\"{svc}\",region=\"{r}\"}}[5m])))"
    )
}
fn q_rps(svc: &str, r: &str) -> String {
    format!("sum(rate(http_requests_total{{service=\"{svc}\",region=\"{r}\"}}[5m]))")
}
fn q_err(svc: &str, r: &str) -> String {
    format!(
        "sum(rate(http_requests_total{{service=\"{svc}\",region=\"{r}\",code=~\"5..\"}}[5m])) / {}",
        q_rps(svc, r)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_actions_move_metrics_cost_traffic_and_alerts() {
    let t = T::start().await;
    let (us, eu) = ("us-east-1", "eu-west-1");

    // Only the admin token changes telemetry faults through the control endpoint.
    let r = t
        .control(Role::Viewer, "telemetry/advance?seconds=1", json!({}))
        .await;
    assert_eq!(r.status(), 403);

    // payments (25 rps per pod, no HPA) on one pod is overloaded at the peak.
    t.scale(us, "payments", 1).await;
    t.advance(600).await;
    let (cap1, p95_1, cost1) = (
        t.prom(us, &q_cap("payments", us)).await,
        t.prom(us, &q_p95("payments", us)).await,
        t.cost(us, "payments").await,
    );
    assert_eq!(cap1, 25.0);

    // Scale up through the Kubernetes API: more capacity, lower p95, more cost.
    t.scale(us, "payments", 8).await;
    t.advance(600).await;
    let (cap8, p95_8, cost8) = (
        t.prom(us, &q_cap("payments", us)).await,
        t.prom(us, &q_p95("payments", us)).await,
        t.cost(us, "payments").await,
    );
    assert_eq!(cap8, 8.0 * 25.0);
    assert!(p95_8 < 0.5 * p95_1, "p95 {p95_1} -> {p95_8}");
    assert!(cost8 > 4.0 * cost1, "cost {cost1} -> {cost8}");

    // Move checkout's traffic off eu-west-1 with the Service weight annotation.
    let us_before = t.prom(us, &q_rps("checkout", us)).await;
    let services: Api<Service> = Api::namespaced(t.kube(eu).await, "shop");
    services
        .patch(
            "checkout",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {
                "external-dns.alpha.kubernetes.io/aws-weight": "0"}}})),
        )
        .await
        .unwrap();
    t.synced("checkout's weight 0 in eu-west-1", |w| {
        w.region(eu)
            .and_then(|r| r.services.iter().find(|s| s.name == "checkout"))
            .is_some_and(|s| s.traffic_weight == 0.0)
    })
    .await;
    t.advance(600).await;
    let eu_after = t.prom(eu, &q_rps("checkout", eu)).await;
    let us_after = t.prom(us, &q_rps("checkout", us)).await;
    assert!(eu_after < 0.5, "eu-west-1 still serves {eu_after} rps");
    assert!(
        us_after > 1.6 * us_before,
        "us-east-1 {us_before} -> {us_after}"
    );

    // Fail us-east-1 through the control endpoint: errors, then an alert.
    // (checkout in us-east-1 now carries all its traffic and is overloaded;
    // payments, scaled to 8, is healthy.)
    let err_before = t.prom(us, &q_err("payments", us)).await;
    let r = t
        .control(
            Role::Admin,
            &format!("regions/{us}/faults"),
            json!({"failed": true}),
        )
        .await;
    assert_eq!(r.status(), 200);
    t.synced("us-east-1 failed", |w| {
        w.region(us).is_some_and(|r| r.failed)
    })
    .await;
    t.advance(300).await;
    let err_after = t.prom(us, &q_err("payments", us)).await;
    assert!(
        err_before < 0.01 && err_after > 0.5,
        "error ratio {err_before} -> {err_after}"
    );
    t.advance(180).await;
    let alerts: Value = t
        .http
        .get(format!("{}/api/v2/alerts", t.fleet.urls().alertmanager))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let firing: Vec<(String, String)> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["labels"]["alertname"].as_str().unwrap_or("").to_string(),
                a["labels"]["region"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        firing.contains(&("RegionDown".to_string(), us.to_string())),
        "{firing:?}"
    );
    assert!(!firing.iter().any(|(_, r)| r == eu), "{firing:?}");
    t.fleet.shutdown().await;
}
