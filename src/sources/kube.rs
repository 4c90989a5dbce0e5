//! Kubernetes: one client per configured context, watchers for the kinds the
//! console shows, and a liveness probe that keeps the source's age honest
//! when nothing changes.
//!
//! The seam for very large fleets: everything here ends in
//! `Update::Kube { change }` messages of compact rows. A later mode can fill
//! the same rows from kube-state-metrics through Prometheus, and watch a
//! cluster only when the operator drills into it.

pub mod client;
pub mod event_summary;
pub mod logs;
pub mod pod_summary;
pub mod project;
pub mod summary;
pub mod watch;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Node, Service};
use kube::Api;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::model::state::{KubeKind, KubeRow, Update};
use crate::model::{SourceKind, SourceStatus};
use event_summary::EventSummary;
use pod_summary::PodSummary;
use project::Interner;
use watch::Target;

/// One cluster to watch.
#[derive(Debug, Clone)]
pub struct ClusterSource {
    pub region: String,
    pub context: String,
    pub kubeconfig: Option<PathBuf>,
    /// Empty: all namespaces.
    pub namespaces: Vec<String>,
    /// Annotation keys that carry a Service's traffic weight, first match wins.
    pub weight_annotations: Vec<String>,
    /// The kinds to watch (see [`super::needs::Needs`]).
    pub kinds: Vec<KubeKind>,
    pub probe_every: Duration,
    pub timeout: Duration,
    pub stale_after: u32,
    /// Given once every watch has listed, or at the first failure.
    pub first: super::first_answers::Answer,
}

/// Runs every watcher of one cluster until `tx` closes. Never returns early
/// on errors: a cluster that is down is retried and reported stale.
pub async fn run(src: ClusterSource, tx: mpsc::Sender<Update>) {
    let status = Arc::new(Mutex::new(SourceStatus::new(
        SourceKind::Kubernetes,
        &src.region,
        &src.context,
    )));
    let target = Target {
        region: src.region.clone(),
        context: src.context.clone(),
        tx: tx.clone(),
        status,
        interner: Arc::new(Mutex::new(Interner::default())),
        stale_after: src.stale_after,
        unsynced: Arc::new(AtomicUsize::new(0)),
        first: src.first.clone(),
    };
    let client = loop {
        match client::client(src.kubeconfig.as_deref(), &src.context, src.timeout).await {
            Ok(c) => break c,
            Err(e) => {
                if !target.report(Err(e)).await {
                    return;
                }
                tokio::time::sleep(src.probe_every).await;
            }
        }
    };
    let weight_keys: Arc<[String]> = src.weight_annotations.clone().into();
    let mut tasks = JoinSet::new();
    let wants = |k: KubeKind| src.kinds.contains(&k);
    if wants(KubeKind::Node) {
        tasks.spawn(watch::run(
            Api::<Node>::all(client.clone()),
            KubeKind::Node,
            |n, _| KubeRow::Node(project::node(n)),
            target.clone(),
        ));
    }
    let namespaces: Vec<Option<String>> = if src.namespaces.is_empty() {
        vec![None]
    } else {
        src.namespaces.iter().cloned().map(Some).collect()
    };
    // Every watch below, counted before any starts.
    let per_namespace = src.kinds.iter().filter(|k| **k != KubeKind::Node).count();
    target.unsynced.store(
        usize::from(wants(KubeKind::Node)) + per_namespace * namespaces.len(),
        Ordering::Release,
    );
    for ns in namespaces {
        let t = &target;
        macro_rules! api {
            ($k:ty) => {
                match &ns {
                    Some(n) => Api::<$k>::namespaced(client.clone(), n),
                    None => Api::<$k>::all(client.clone()),
                }
            };
        }
        if wants(KubeKind::Deployment) {
            tasks.spawn(watch::run(
                api!(Deployment),
                KubeKind::Deployment,
                |d, i| KubeRow::Deployment(project::deployment(d, i)),
                t.clone(),
            ));
        }
        if wants(KubeKind::ReplicaSet) {
            tasks.spawn(watch::run(
                api!(ReplicaSet),
                KubeKind::ReplicaSet,
                |r, i| KubeRow::ReplicaSet(project::replicaset(r, i)),
                t.clone(),
            ));
        }
        if wants(KubeKind::Pod) {
            tasks.spawn(watch::run(
                api!(PodSummary),
                KubeKind::Pod,
                |p, i| KubeRow::Pod(project::pod(p, i)),
                t.clone(),
            ));
        }
        if wants(KubeKind::Event) {
            tasks.spawn(watch::run(
                api!(EventSummary),
                KubeKind::Event,
                |e, i| KubeRow::Event(project::event(e, i)),
                t.clone(),
            ));
        }
        if wants(KubeKind::Hpa) {
            tasks.spawn(watch::run(
                api!(HorizontalPodAutoscaler),
                KubeKind::Hpa,
                |h, i| KubeRow::Hpa(project::hpa(h, i)),
                t.clone(),
            ));
        }
        if wants(KubeKind::Routing) {
            let keys = weight_keys.clone();
            let routing = move |s: &Service, i: &mut Interner| {
                KubeRow::Routing(project::routing(s, &keys, i))
            };
            tasks.spawn(watch::run(
                api!(Service),
                KubeKind::Routing,
                routing,
                t.clone(),
            ));
        }
    }
    tasks.spawn(probe(client, target.clone(), src.probe_every, src.timeout));
    while tasks.join_next().await.is_some() {}
}

/// Asks the API server for its version every `every`; the source's age is
/// the time since the last answer, and missed answers make it stale.
async fn probe(client: kube::Client, target: Target, every: Duration, timeout: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let result = match tokio::time::timeout(timeout, client.apiserver_version()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(client::describe(&e)),
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        };
        if !target.report(result).await {
            return;
        }
    }
}
