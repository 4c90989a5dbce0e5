//! The Kubernetes side of the data layer against the simulator, in process:
//! every region populates; a refused region, a slow (5 s) region and expired
//! watches leave the other regions updating on time; the broken ones go
//! stale with their error and recover when the fault clears.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, Patch, PatchParams};
use opsdeck::model::SourceKind;
use opsdeck::model::state::{FleetState, Update};
use opsdeck::sim::{FaultPatch, Sim, SimConfig};
use opsdeck::sources::kube::{ClusterSource, client, run};
use tokio::sync::mpsc;

struct Fleet {
    sim: Sim,
    kubeconfig: std::path::PathBuf,
    _dir: tempfile::TempDir,
    state: FleetState,
    rx: mpsc::Receiver<Update>,
}

async fn fleet() -> Fleet {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cfg = SimConfig {
        regions: 4,
        pods_per_cluster: 40,
        speed: 4.0,
        ..SimConfig::default()
    };
    let sim = Sim::start(cfg).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let regions: Vec<(String, String, String)> = sim
        .world()
        .clusters
        .iter()
        .map(|c| {
            (
                c.region.name.clone(),
                c.region.provider.clone(),
                c.region.cloud_region.clone(),
            )
        })
        .collect();
    let (kubeconfig, _) = opsdeck::sim::kubeconfig::write(
        dir.path(),
        &opsdeck::sim::kubeconfig::FleetUrls::all(&sim.base_url()),
        &regions,
        sim.tokens(),
    )
    .unwrap();
    let (tx, rx) = mpsc::channel(4096);
    for (name, _, _) in &regions {
        let src = ClusterSource {
            region: name.clone(),
            context: format!("sim-{name}"),
            kubeconfig: Some(kubeconfig.clone()),
            namespaces: vec!["shop".into()],
            weight_annotations: vec!["external-dns.alpha.kubernetes.io/aws-weight".into()],
            kinds: opsdeck::sources::needs::Needs::all().kube,
            probe_every: Duration::from_millis(300),
            timeout: Duration::from_secs(1),
            stale_after: 2,
            first: Default::default(),
        };
        tokio::spawn(run(src, tx.clone()));
    }
    Fleet {
        sim,
        kubeconfig,
        _dir: dir,
        state: FleetState::default(),
        rx,
    }
}

impl Fleet {
    /// Applies updates until `done` holds; fails after `limit`.
    async fn until(&mut self, what: &str, limit: Duration, done: impl Fn(&FleetState) -> bool) {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(&self.state) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(u)) => self.state.apply(u),
                Ok(None) => panic!("sources stopped while waiting for {what}"),
                Err(_) => panic!(
                    "timed out waiting for {what}; sources: {:#?}",
                    self.state.sources
                ),
            }
        }
    }

    async fn scale(&self, region: &str, name: &str, replicas: i32) {
        let c = client::client(
            Some(&self.kubeconfig),
            &format!("sim-{region}"),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        let api: Api<Deployment> = Api::namespaced(c, "shop");
        let patch = serde_json::json!({"spec": {"replicas": replicas}});
        api.patch_scale(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .unwrap();
    }
}

fn desired(state: &FleetState, region: &str, name: &str) -> Option<u32> {
    let cluster = state
        .regions
        .get(region)?
        .clusters
        .get(&format!("sim-{region}"))?;
    cluster
        .deployments
        .get(&("shop".to_string(), name.to_string()))
        .map(|d| d.desired)
}

fn kube_status<'a>(
    state: &'a FleetState,
    region: &str,
) -> Option<&'a opsdeck::model::SourceStatus> {
    state.source(SourceKind::Kubernetes, region).next()
}

fn fresh(state: &FleetState, region: &str) -> bool {
    kube_status(state, region).is_some_and(|s| !s.stale && s.last_error.is_none())
}

fn stale_with_error(state: &FleetState, region: &str) -> bool {
    kube_status(state, region).is_some_and(|s| s.stale && s.last_error.is_some())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_in_one_region_leave_the_others_updating() {
    let mut f = fleet().await;
    let regions = ["us-east-1", "eu-west-1", "europe-west4", "eastus"];
    f.until("every region listed", Duration::from_secs(30), |s| {
        regions.iter().all(|r| {
            let c = s
                .regions
                .get(*r)
                .and_then(|d| d.clusters.get(&format!("sim-{r}")));
            let full = c.is_some_and(|c| {
                !c.pods.is_empty()
                    && !c.nodes.is_empty()
                    && !c.replicasets.is_empty()
                    && !c.routing.is_empty()
            });
            full && desired(s, r, "checkout").is_some() && fresh(s, r)
        })
    })
    .await;
    // Compact rows: pods, nodes, services with weights, replica sets.
    let us = &f.state.regions["us-east-1"].clusters["sim-us-east-1"];
    assert!(!us.pods.is_empty() && !us.nodes.is_empty() && !us.replicasets.is_empty());
    assert!(
        us.routing.values().any(|r| r.weight.is_some()),
        "{:?}",
        us.routing
    );

    // us-east-1 refuses connections, eu-west-1 answers after 5 s,
    // europe-west4's watches expire.
    f.sim
        .set_faults(
            "us-east-1",
            &FaultPatch {
                refuse: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    f.sim
        .set_faults(
            "eu-west-1",
            &FaultPatch {
                latency_ms: Some(5000),
                ..Default::default()
            },
        )
        .unwrap();
    f.sim
        .set_faults(
            "europe-west4",
            &FaultPatch {
                expire_watches: true,
                ..Default::default()
            },
        )
        .unwrap();
    f.until(
        "the refused and the slow region go stale",
        Duration::from_secs(20),
        |s| stale_with_error(s, "us-east-1") && stale_with_error(s, "eu-west-1"),
    )
    .await;
    let slow = kube_status(&f.state, "eu-west-1")
        .and_then(|s| s.last_error.clone())
        .unwrap_or_default();
    assert!(slow.contains("no answer"), "{slow}");

    // The healthy regions keep updating: a change there arrives promptly.
    f.scale("eastus", "checkout", 7).await;
    f.scale("europe-west4", "catalog", 6).await;
    f.until(
        "changes in the healthy regions",
        Duration::from_secs(10),
        |s| {
            desired(s, "eastus", "checkout") == Some(7)
                && desired(s, "europe-west4", "catalog") == Some(6)
        },
    )
    .await;
    assert!(fresh(&f.state, "eastus") && fresh(&f.state, "europe-west4"));

    // Faults clear: the broken regions recover and catch up.
    f.sim
        .set_faults(
            "us-east-1",
            &FaultPatch {
                clear: true,
                ..Default::default()
            },
        )
        .unwrap();
    f.sim
        .set_faults(
            "eu-west-1",
            &FaultPatch {
                clear: true,
                ..Default::default()
            },
        )
        .unwrap();
    f.scale("us-east-1", "search", 5).await;
    f.until("the broken regions recover", Duration::from_secs(45), |s| {
        fresh(s, "us-east-1")
            && fresh(s, "eu-west-1")
            && desired(s, "us-east-1", "search") == Some(5)
    })
    .await;
}
