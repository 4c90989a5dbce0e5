//! Memory per watched pod in the data layer's compact projection.
//!
//! Builds 100,000 realistic Pod objects (as the simulator and real clusters
//! send them), projects them with the same code the watchers use, stores
//! them in a `ClusterData`, and reports the heap bytes kept per pod beyond
//! the baseline (the objects themselves are dropped, as the watchers do).
//! Target: under 1.5 KB per pod. Run: `cargo bench --bench pod_memory`.

use std::alloc::System;

use opsdeck::model::state::{ClusterData, KubeChange, KubeKind, KubeRow};
use opsdeck::sources::kube::pod_summary::PodSummary;
use opsdeck::sources::kube::project::{Interner, pod};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const PODS: usize = 100_000;
const TARGET_BYTES: f64 = 1536.0;

fn pod_json(i: usize) -> serde_json::Value {
    let deploy = format!("svc-{:03}", i % 400);
    let rs = format!("{deploy}-7d9f8b6c5d");
    serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": format!("{rs}-{:05x}", i), "namespace": format!("team-{}", i % 20),
            "uid": format!("00000000-0000-0000-0000-{i:012}"), "resourceVersion": i.to_string(),
            "creationTimestamp": "2026-11-23T08:00:00Z",
            "labels": {"app": deploy, "pod-template-hash": "7d9f8b6c5d"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs,
                "uid": "11111111-1111-1111-1111-111111111111", "controller": true}]
        },
        "spec": {"nodeName": format!("node-{:03}", i % 250),
            "containers": [{"name": "app", "image": format!("registry.example/{deploy}:1.4.2")}]},
        "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "app", "ready": true, "restartCount": (i % 3) as i32,
                "image": "x", "imageID": "y", "state": {"running": {"startedAt": "2026-11-23T08:00:05Z"}}}]}
    })
}

fn main() {
    let region = Region::new(GLOBAL);
    let mut interner = Interner::default();
    let mut rows = Vec::with_capacity(PODS);
    for i in 0..PODS {
        let Ok(p) = serde_json::from_value::<PodSummary>(pod_json(i)) else {
            eprintln!("fixture pod {i} does not parse");
            std::process::exit(1);
        };
        rows.push(KubeRow::Pod(pod(&p, &mut interner)));
    }
    let mut cluster = ClusterData::default();
    cluster.apply(KubeChange::Replace(KubeKind::Pod, rows));
    let stats = region.change();
    let kept =
        stats.bytes_allocated as isize - stats.bytes_deallocated as isize + stats.bytes_reallocated;
    let per_pod = kept as f64 / PODS as f64;
    println!(
        "pods: {PODS}; heap kept: {:.1} MiB; per pod: {per_pod:.0} bytes (target < {TARGET_BYTES:.0})",
        kept as f64 / 1048576.0
    );
    assert_eq!(cluster.pods.len(), PODS);
    drop(interner);
    if per_pod >= TARGET_BYTES {
        eprintln!("over target");
        std::process::exit(1);
    }
}
