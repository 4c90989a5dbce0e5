//! The seeded world: determinism, the default shape, the HPA, and a large
//! fleet (8 clusters x 12,500 pods) answering a full pod list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use opsdeck::sim::auth::Role;
use opsdeck::sim::kind::Kind;
use opsdeck::sim::{Sim, SimConfig, World};

fn cfg(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        start_ms: Some(1_790_000_000_000),
        pods_per_cluster: 120,
        ..SimConfig::default()
    }
}

/// Every object name in the world, with its kind and cluster.
fn names(w: &World) -> Vec<String> {
    let mut out = Vec::new();
    for cell in &w.clusters {
        let c = cell.lock();
        for kind in Kind::ALL {
            if kind == Kind::Pod {
                out.extend(
                    c.pods
                        .keys()
                        .map(|(ns, n)| format!("{}/pod/{ns}/{n}", cell.region.name)),
                );
            } else {
                out.extend(c.docs_of(kind, None).iter().map(|v| {
                    format!(
                        "{}/{kind:?}/{}/{}",
                        cell.region.name, v["metadata"]["namespace"], v["metadata"]["name"]
                    )
                }));
            }
        }
    }
    out
}

#[test]
fn same_seed_same_world() {
    let a = World::generate(&cfg(7));
    let b = World::generate(&cfg(7));
    let c = World::generate(&cfg(8));
    assert_eq!(names(&a), names(&b));
    assert_ne!(names(&a), names(&c));
    let (sa, sb) = (a.snapshot(), b.snapshot());
    let strip = |s: &opsdeck::sim::WorldSnapshot| serde_json::to_value(&s.regions).unwrap();
    assert_eq!(strip(&sa), strip(&sb));
    // Whole objects (uids, timestamps, resourceVersions) match too.
    let obj = |w: &World| {
        w.clusters[1]
            .lock()
            .object(Kind::Deployment, "shop", "checkout")
            .unwrap()
    };
    assert_eq!(obj(&a), obj(&b));
}

#[test]
fn default_world_shape() {
    let w = World::generate(&SimConfig {
        start_ms: Some(1_790_000_000_000),
        ..SimConfig::default()
    });
    let s = w.snapshot();
    let regions: Vec<(&str, &str)> = s
        .regions
        .iter()
        .map(|r| (r.name.as_str(), r.provider.as_str()))
        .collect();
    assert_eq!(
        regions,
        [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("europe-west4", "gcp"),
            ("eastus", "azure")
        ]
    );
    for r in &s.regions {
        assert!(
            r.nodes.len() >= 3
                && r.nodes.iter().all(|n| n.cpu_millis == 8000
                    && !n.instance_type.is_empty()
                    && !n.zone.is_empty())
        );
        for app in ["checkout", "catalog", "payments", "search"] {
            let d = r
                .deployments
                .iter()
                .find(|d| d.namespace == "shop" && d.name == app)
                .unwrap();
            assert_eq!(
                (d.ready, d.updated, d.revision),
                (d.desired, d.desired, 2),
                "{app} in {}",
                r.name
            );
            assert_eq!(d.traffic_weight, Some(100));
            assert!(!d.bad_release && d.requests.cpu_millis > 0 && d.requests.memory_bytes > 0);
            assert_eq!(d.pods.len() as i64, d.desired);
        }
        let pods: usize = r.deployments.iter().map(|d| d.pods.len()).sum();
        assert_eq!(pods, 60, "--pods-per-cluster default");
        let c = w.cluster(&r.name).unwrap().lock();
        let svc = c.doc(Kind::Service, "shop", "checkout").unwrap();
        assert_eq!(
            svc["metadata"]["annotations"]["external-dns.alpha.kubernetes.io/set-identifier"],
            r.name.as_str()
        );
        assert!(c.doc(Kind::Hpa, "shop", "checkout").is_some());
        assert!(
            c.doc(Kind::Lease, "kube-system", "kube-controller-manager")
                .is_some()
        );
    }
}

#[test]
fn hpa_moves_replicas_within_bounds() {
    let w = World::generate(&SimConfig {
        regions: 1,
        start_ms: Some(1_790_000_000_000),
        ..SimConfig::default()
    });
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..80 {
        w.clock.advance(15_000);
        w.tick();
        let c = w.clusters[0].lock();
        let d = c.doc(Kind::Deployment, "shop", "checkout").unwrap();
        let r = d["spec"]["replicas"].as_i64().unwrap();
        assert!((2..=20).contains(&r), "replicas {r} outside the HPA bounds");
        seen.insert(r);
        let h = c.doc(Kind::Hpa, "shop", "checkout").unwrap();
        assert!(h["status"]["currentReplicas"].as_i64().is_some());
    }
    assert!(seen.len() >= 3, "the HPA moved replicas: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_clusters_of_12500_pods() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let t = Instant::now();
    let mut cfg = SimConfig {
        regions: 8,
        pods_per_cluster: 12_500,
        ..SimConfig::default()
    };
    cfg.settings.hpa_every_ms = i64::MAX / 4; // keep the pod count fixed
    let sim = Sim::start(cfg).await.unwrap();
    eprintln!("built 8 x 12,500 pods in {:?}", t.elapsed());
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/pods", sim.cluster_url("eu-west-1"));
    let mut best = std::time::Duration::MAX;
    let mut body = bytes::Bytes::new();
    for _ in 0..3 {
        let t = Instant::now();
        body = http
            .get(&url)
            .bearer_auth(sim.token(Role::Viewer))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        best = best.min(t.elapsed());
    }
    eprintln!(
        "full pod list of one cluster: {} bytes in {best:?} (debug build)",
        body.len()
    );
    let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 12_500);
    assert!(
        items
            .iter()
            .all(|p| p["kind"] == "Pod" && p["status"]["phase"] == "Running")
    );
    // Every pod once: (namespace, name) pairs are unique across the list.
    let names: std::collections::HashSet<(&str, &str)> = items
        .iter()
        .map(|p| {
            let m = &p["metadata"];
            (
                m["namespace"].as_str().unwrap(),
                m["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(names.len(), 12_500);
    let snap = sim.snapshot();
    assert_eq!(snap.regions.len(), 8);
    assert!(
        snap.regions
            .iter()
            .all(|r| r.deployments.iter().map(|d| d.pods.len()).sum::<usize>() == 12_500)
    );
    sim.shutdown().await;
}
