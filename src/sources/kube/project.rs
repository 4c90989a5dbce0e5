//! Kubernetes objects -> the compact rows of `model::kube`. Only what the
//! console shows is kept; shared strings are interned per cluster.

use std::collections::HashSet;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Node, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::event_summary::EventSummary;
use super::pod_summary::PodSummary;
use crate::model::kube::*;

/// Hands out one `Arc<str>` per distinct string (namespaces, nodes, owners,
/// statuses), so 100k pods share a few hundred allocations.
#[derive(Debug, Default)]
pub struct Interner(HashSet<Arc<str>>);

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(a.clone());
        a
    }
}

fn ts(t: &Option<Time>) -> Option<crate::model::Timestamp> {
    t.as_ref().map(|t| t.0)
}

fn ns(meta: &ObjectMeta, i: &mut Interner) -> Arc<str> {
    i.get(meta.namespace.as_deref().unwrap_or(""))
}

fn name(meta: &ObjectMeta) -> String {
    meta.name.clone().unwrap_or_default()
}

fn annotation<'a>(meta: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    meta.annotations.as_ref()?.get(key).map(String::as_str)
}

fn count(v: Option<i32>) -> u32 {
    v.unwrap_or(0).max(0) as u32
}

pub fn deployment(d: &Deployment, i: &mut Interner) -> DeploymentRow {
    let spec = d.spec.as_ref();
    let status = d.status.as_ref();
    let cond = |t: &str| {
        status
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == t))
    };
    DeploymentRow {
        namespace: ns(&d.metadata, i),
        name: name(&d.metadata),
        uid: d.metadata.uid.clone().unwrap_or_default(),
        desired: count(spec.and_then(|s| s.replicas).or(Some(1))),
        ready: count(status.and_then(|s| s.ready_replicas)),
        updated: count(status.and_then(|s| s.updated_replicas)),
        available: count(status.and_then(|s| s.available_replicas)),
        unavailable: count(status.and_then(|s| s.unavailable_replicas)),
        revision: annotation(&d.metadata, "deployment.kubernetes.io/revision")
            .and_then(|r| r.parse().ok()),
        images: spec
            .and_then(|s| s.template.spec.as_ref())
            .map(|p| {
                p.containers
                    .iter()
                    .filter_map(|c| c.image.clone())
                    .collect()
            })
            .unwrap_or_default(),
        paused: spec.and_then(|s| s.paused).unwrap_or(false),
        progressing: cond("Progressing").and_then(|c| c.reason.clone()),
        available_condition: cond("Available").map(|c| c.status == "True"),
        generation: d.metadata.generation.unwrap_or(0),
        observed_generation: status.and_then(|s| s.observed_generation).unwrap_or(0),
        created: ts(&d.metadata.creation_timestamp),
    }
}

fn controller_owner(meta: &ObjectMeta, kind: &str, i: &mut Interner) -> Option<Arc<str>> {
    meta.owner_references
        .as_ref()?
        .iter()
        .find(|o| o.kind == kind && o.controller == Some(true))
        .map(|o| i.get(&o.name))
}

pub fn replicaset(r: &ReplicaSet, i: &mut Interner) -> ReplicaSetRow {
    ReplicaSetRow {
        namespace: ns(&r.metadata, i),
        name: name(&r.metadata),
        owner: controller_owner(&r.metadata, "Deployment", i),
        revision: annotation(&r.metadata, "deployment.kubernetes.io/revision")
            .and_then(|v| v.parse().ok()),
        desired: count(r.spec.as_ref().and_then(|s| s.replicas)),
        ready: count(r.status.as_ref().and_then(|s| s.ready_replicas)),
        images: r
            .spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .and_then(|t| t.spec.as_ref())
            .map(|p| {
                p.containers
                    .iter()
                    .filter_map(|c| c.image.clone())
                    .collect()
            })
            .unwrap_or_default(),
        change_cause: annotation(&r.metadata, "kubernetes.io/change-cause").map(str::to_string),
        created: ts(&r.metadata.creation_timestamp),
    }
}

pub fn pod(p: &PodSummary, i: &mut Interner) -> PodRow {
    let status = p.status.as_ref();
    let containers = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    let waiting = containers
        .iter()
        .find_map(|c| c.state.as_ref()?.waiting.as_ref()?.reason.as_deref());
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
    let deleting = p.metadata.deletion_timestamp.is_some();
    let shown = if deleting {
        "Terminating"
    } else {
        waiting.unwrap_or(phase)
    };
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .is_some_and(|c| c.status == "True");
    PodRow {
        namespace: ns(&p.metadata, i),
        name: Arc::from(p.metadata.name.as_deref().unwrap_or_default()),
        owner: controller_owner(&p.metadata, "ReplicaSet", i),
        node: p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .map(|n| i.get(n)),
        status: i.get(shown),
        ready,
        restarts: containers
            .iter()
            .map(|c| c.restart_count.unwrap_or(0).max(0) as u32)
            .sum(),
        created: ts(&p.metadata.creation_timestamp),
    }
}

pub fn node(n: &Node) -> NodeRow {
    let labels = n.metadata.labels.as_ref();
    let label = |k: &str| labels.and_then(|l| l.get(k)).cloned();
    let cap = n.status.as_ref().and_then(|s| s.capacity.as_ref());
    NodeRow {
        name: name(&n.metadata),
        ready: n
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .is_some_and(|c| c.status == "True"),
        instance_type: label("node.kubernetes.io/instance-type"),
        zone: label("topology.kubernetes.io/zone"),
        cpu: cap.and_then(|c| c.get("cpu")).map(|q| q.0.clone()),
        memory: cap.and_then(|c| c.get("memory")).map(|q| q.0.clone()),
    }
}

pub fn event(e: &EventSummary, i: &mut Interner) -> EventRow {
    let obj = &e.involved_object;
    let time = e
        .last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| ts(&e.metadata.creation_timestamp));
    EventRow {
        namespace: ns(&e.metadata, i),
        time,
        kind: e.type_.clone().unwrap_or_else(|| "Normal".into()),
        reason: e.reason.clone().unwrap_or_default(),
        object: format!(
            "{}/{}",
            obj.kind.as_deref().unwrap_or("?"),
            obj.name.as_deref().unwrap_or("?")
        ),
        message: e.message.clone().unwrap_or_default(),
        count: count(e.count),
    }
}

pub fn hpa(h: &HorizontalPodAutoscaler, i: &mut Interner) -> HpaRow {
    let spec = h.spec.as_ref();
    let status = h.status.as_ref();
    HpaRow {
        namespace: ns(&h.metadata, i),
        name: name(&h.metadata),
        target: spec
            .map(|s| format!("{}/{}", s.scale_target_ref.kind, s.scale_target_ref.name))
            .unwrap_or_default(),
        min: count(spec.and_then(|s| s.min_replicas).or(Some(1))),
        max: count(spec.map(|s| s.max_replicas)),
        current: count(status.and_then(|s| s.current_replicas)),
        desired: count(status.map(|s| s.desired_replicas)),
    }
}

/// The ExternalDNS weighted-record annotations of a Service: the weight is
/// the first of `weight_keys` the Service carries.
pub fn routing(s: &Service, weight_keys: &[String], i: &mut Interner) -> RoutingRow {
    RoutingRow {
        namespace: ns(&s.metadata, i),
        name: name(&s.metadata),
        set_identifier: annotation(
            &s.metadata,
            "external-dns.alpha.kubernetes.io/set-identifier",
        )
        .map(str::to_string),
        weight: weight_keys
            .iter()
            .find_map(|k| annotation(&s.metadata, k))
            .and_then(|w| w.trim().parse().ok()),
    }
}
