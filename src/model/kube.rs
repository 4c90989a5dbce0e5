//! Compact projections of Kubernetes objects: only what the console shows.
//! Strings shared by many rows (namespace, node, owner) are `Arc<str>` so a
//! 100k-pod cluster costs little beyond the names themselves.

use std::sync::Arc;

use serde::Serialize;

use super::Timestamp;

/// A Deployment's rollout state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRow {
    pub namespace: Arc<str>,
    pub name: String,
    pub uid: String,
    pub desired: u32,
    pub ready: u32,
    pub updated: u32,
    pub available: u32,
    pub unavailable: u32,
    /// `deployment.kubernetes.io/revision`.
    pub revision: Option<u64>,
    pub images: Vec<String>,
    pub paused: bool,
    /// The Progressing condition's reason (e.g. `NewReplicaSetAvailable`,
    /// `ProgressDeadlineExceeded`).
    pub progressing: Option<String>,
    /// The Available condition's status.
    pub available_condition: Option<bool>,
    pub generation: i64,
    pub observed_generation: i64,
    pub created: Option<Timestamp>,
}

impl DeploymentRow {
    pub fn deadline_exceeded(&self) -> bool {
        self.progressing.as_deref() == Some("ProgressDeadlineExceeded")
    }

    /// Whether a rollout is under way (not finished, not failed).
    pub fn rolling(&self) -> bool {
        !self.deadline_exceeded()
            && (self.observed_generation < self.generation
                || self.updated < self.desired
                || self.available < self.desired
                || self.ready < self.desired)
    }
}

/// A ReplicaSet: one revision of a Deployment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSetRow {
    pub namespace: Arc<str>,
    pub name: String,
    /// Name of the owning Deployment, if any.
    pub owner: Option<Arc<str>>,
    pub revision: Option<u64>,
    pub desired: u32,
    pub ready: u32,
    pub images: Vec<String>,
    pub change_cause: Option<String>,
    pub created: Option<Timestamp>,
}

/// A Pod, in the few fields the pod table shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodRow {
    pub namespace: Arc<str>,
    /// Shared with the pod's key in [`ClusterData::pods`](super::state::ClusterData).
    pub name: Arc<str>,
    /// Owning ReplicaSet name.
    pub owner: Option<Arc<str>>,
    pub node: Option<Arc<str>>,
    /// Phase, or the waiting reason when a container waits
    /// (`ContainerCreating`, `ImagePullBackOff`, `CrashLoopBackOff`).
    pub status: Arc<str>,
    pub ready: bool,
    pub restarts: u32,
    pub created: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeRow {
    pub name: String,
    pub ready: bool,
    pub instance_type: Option<String>,
    pub zone: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    pub namespace: Arc<str>,
    pub time: Option<Timestamp>,
    /// `Normal` or `Warning`.
    pub kind: String,
    pub reason: String,
    /// `Kind/name` of the object the event is about.
    pub object: String,
    pub message: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaRow {
    pub namespace: Arc<str>,
    pub name: String,
    pub target: String,
    pub min: u32,
    pub max: u32,
    pub current: u32,
    pub desired: u32,
}

/// A Service's traffic weight (ExternalDNS weighted records by default).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingRow {
    pub namespace: Arc<str>,
    pub name: String,
    pub set_identifier: Option<String>,
    pub weight: Option<u32>,
}
