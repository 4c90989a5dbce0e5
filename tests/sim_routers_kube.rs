//! The route custom resources through kube-rs, as the operations engine
//! reaches them: `Discovery` finds them, a `watcher` on `DynamicObject`s
//! sees a weight change, and a JSON patch of the first cluster's route
//! moves the telemetry's weight (the fleet run in-process with
//! `FleetConfig::router`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::Client;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{Discovery, Scope};
use kube::runtime::watcher;
use opsdeck::sim::SimConfig;
use opsdeck::sim::fleet::{FleetConfig, RunningFleet};
use opsdeck::sim::routing::TrafficRouter;
use serde_json::json;

/// 15:00 UTC, the daily traffic peak.
const PEAK: i64 = 1_700_060_400_000;

async fn fleet(router: TrafficRouter, dir: &std::path::Path) -> RunningFleet {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = SimConfig {
        regions: 3,
        pods_per_cluster: 20,
        start_ms: Some(PEAK),
        ..SimConfig::default()
    };
    let mut cfg = FleetConfig::new(sim, dir);
    cfg.backfill = Duration::from_secs(60);
    cfg.router = router;
    RunningFleet::start(cfg).await.unwrap()
}

async fn client(f: &RunningFleet, region: &str) -> Client {
    let kc = Kubeconfig::read_from(&f.files().kubeconfig).unwrap();
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

/// The telemetry's weight of `service` in `region`.
fn weight(f: &RunningFleet, region: &str, service: &str) -> Option<f64> {
    f.telemetry()
        .read()
        .world
        .region(region)
        .and_then(|r| r.services.iter().find(|s| s.name == service))
        .map(|s| s.traffic_weight)
}

async fn wait_weight(f: &RunningFleet, region: &str, service: &str, want: f64) {
    let start = Instant::now();
    while weight(f, region, service) != Some(want) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{service} in {region}: weight {:?}, want {want}",
            weight(f, region, service)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Discover `kind` in `group`, watch it, JSON-patch `path` of `search` to
/// 7, and see the watch and the telemetry follow (for the third region).
async fn round_trip(router: TrafficRouter, group: &str, kind: &str, path: &str) {
    let dir = tempfile::tempdir().unwrap();
    let f = fleet(router, dir.path()).await;
    let c = client(&f, "us-east-1").await;
    let discovery = Discovery::new(c.clone())
        .filter(&[group])
        .run()
        .await
        .unwrap();
    let (ar, caps) = discovery
        .groups()
        .flat_map(|g| g.recommended_resources())
        .find(|(ar, _)| ar.kind == kind)
        .unwrap_or_else(|| panic!("{kind} not discovered in {group}"));
    assert_eq!(caps.scope, Scope::Namespaced);
    assert_eq!(ar.version, "v1");
    let api: Api<DynamicObject> = Api::namespaced_with(c, "shop", &ar);
    assert_eq!(api.list(&Default::default()).await.unwrap().items.len(), 4);

    // Every region starts at 100, from the route object.
    wait_weight(&f, "europe-west4", "search", 100.0).await;
    let mut events = watcher(api.clone(), watcher::Config::default()).boxed();
    let patch: json_patch::Patch =
        serde_json::from_value(json!([{"op": "replace", "path": path, "value": 7}])).unwrap();
    let mut patched = false;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(20), events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match ev {
            watcher::Event::InitDone if !patched => {
                api.patch(
                    "search",
                    &PatchParams::default(),
                    &Patch::Json::<()>(patch.clone()),
                )
                .await
                .unwrap();
                patched = true;
            }
            watcher::Event::Apply(o) if patched && o.metadata.name.as_deref() == Some("search") => {
                let text = o.data.to_string();
                assert!(text.contains("\"weight\":7"), "{text}");
                break;
            }
            _ => {}
        }
        assert!(Instant::now() < deadline, "no watch event for the patch");
    }
    wait_weight(&f, "europe-west4", "search", 7.0).await;
    assert_eq!(weight(&f, "us-east-1", "search"), Some(100.0));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_moves_virtual_service_weights() {
    round_trip(
        TrafficRouter::Istio,
        "networking.istio.io",
        "VirtualService",
        "/spec/http/0/route/2/weight",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kube_rs_moves_http_route_weights() {
    round_trip(
        TrafficRouter::GatewayApi,
        "gateway.networking.k8s.io",
        "HTTPRoute",
        "/spec/rules/0/backendRefs/2/weight",
    )
    .await;
}
