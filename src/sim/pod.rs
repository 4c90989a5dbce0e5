//! Pods in a compact form. A cluster of 12,500 pods keeps one small struct per
//! pod that shares its ReplicaSet's template (`Arc<Value>`); the JSON is
//! rendered on demand by serializing borrowed views (no per-pod `Value` tree).

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::clock::{Millis, rfc3339};

/// Where a pod is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Scheduled, not yet creating containers.
    Pending,
    /// Pulling images / creating containers.
    Creating,
    /// Running (ready unless the region failed).
    Running,
    /// The image cannot be pulled.
    PullBackOff,
    /// The container starts and crashes, again and again.
    CrashLoop,
}

/// One pod.
#[derive(Debug, Clone)]
pub struct Pod {
    /// namespace
    pub ns: String,
    /// name
    pub name: String,
    /// uid
    pub uid: String,
    /// resourceVersion of the last change
    pub rv: u64,
    /// owning ReplicaSet name
    pub rs: String,
    /// owning ReplicaSet uid
    pub rs_uid: String,
    /// the owning ReplicaSet's pod template (with `pod-template-hash`)
    pub template: Arc<Value>,
    /// node name
    pub node: String,
    /// node IP
    pub host_ip: String,
    /// pod IP
    pub ip: String,
    /// creation time
    pub created: Millis,
    /// time the containers started (Running)
    pub started: Option<Millis>,
    /// lifecycle stage
    pub stage: Stage,
    /// container restarts
    pub restarts: u32,
    /// last stage change
    pub changed: Millis,
    /// deletion requested at
    pub deleting: Option<Millis>,
    /// the region failed: containers run but are not ready
    pub region_failed: bool,
}

impl Pod {
    /// Ready (counts as available).
    pub fn ready(&self) -> bool {
        self.stage == Stage::Running && !self.region_failed && self.deleting.is_none()
    }

    /// `status.phase`.
    pub fn phase(&self) -> &'static str {
        match self.stage {
            Stage::Pending | Stage::Creating | Stage::PullBackOff => "Pending",
            Stage::Running | Stage::CrashLoop => "Running",
        }
    }

    /// The STATUS column of `kubectl get pods`.
    pub fn display_status(&self) -> &'static str {
        if self.deleting.is_some() {
            return "Terminating";
        }
        match self.stage {
            Stage::Pending => "Pending",
            Stage::Creating => "ContainerCreating",
            Stage::Running => "Running",
            Stage::PullBackOff => "ImagePullBackOff",
            Stage::CrashLoop => "CrashLoopBackOff",
        }
    }

    /// The template's containers.
    pub fn containers(&self) -> &[Value] {
        self.template
            .get("spec")
            .and_then(|s| s.get("containers"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The first container's image.
    pub fn image(&self) -> &str {
        self.containers()
            .first()
            .and_then(|c| c.get("image"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// A label (from the template).
    pub fn label(&self, key: &str) -> Option<&str> {
        self.template
            .get("metadata")?
            .get("labels")?
            .get(key)?
            .as_str()
    }

    /// The value of a field selector path.
    pub fn field(&self, path: &str) -> Option<String> {
        Some(match path {
            "metadata.name" => self.name.clone(),
            "metadata.namespace" => self.ns.clone(),
            "spec.nodeName" => self.node.clone(),
            "status.phase" => self.phase().to_string(),
            "status.podIP" => self.ip.clone(),
            _ => return None,
        })
    }

    /// The full JSON object.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or(Value::Null)
    }

    /// Append the compact JSON object to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        // Writing to a Vec cannot fail, and every field serializes.
        let _ = serde_json::to_writer(out, &self.view());
    }

    /// `metadata` alone (Table rows carry it as PartialObjectMetadata).
    pub fn metadata_value(&self) -> Value {
        serde_json::to_value(self.meta_view()).unwrap_or(Value::Null)
    }

    fn meta_view(&self) -> MetaView<'_> {
        let tmeta = self.template.get("metadata");
        MetaView {
            name: &self.name,
            generate_name: format!("{}-", self.rs),
            namespace: &self.ns,
            uid: &self.uid,
            resource_version: self.rv.to_string(),
            creation_timestamp: rfc3339(self.created),
            deletion_timestamp: self.deleting.map(rfc3339),
            deletion_grace_period_seconds: self.deleting.map(|_| 30),
            labels: tmeta.and_then(|m| m.get("labels")),
            annotations: tmeta.and_then(|m| m.get("annotations")),
            owner_references: [OwnerView {
                api_version: "apps/v1",
                kind: "ReplicaSet",
                name: &self.rs,
                uid: &self.rs_uid,
                controller: true,
                block_owner_deletion: true,
            }],
        }
    }

    fn view(&self) -> PodView<'_> {
        let ready = self.ready();
        let created = rfc3339(self.created);
        let started = self.started.map(rfc3339);
        let since = rfc3339(self.changed);
        let containers = self
            .containers()
            .iter()
            .enumerate()
            .map(|(i, c)| self.container_status(i, c, ready))
            .collect();
        let cond = |t: &'static str, ok: bool| Cond {
            kind: t,
            status: if ok { "True" } else { "False" },
            last_transition_time: if ok {
                started.clone().unwrap_or_else(|| since.clone())
            } else {
                since.clone()
            },
            reason: if ok || t == "PodScheduled" || t == "Initialized" {
                None
            } else {
                Some("ContainersNotReady")
            },
        };
        let running = matches!(self.stage, Stage::Running | Stage::CrashLoop);
        PodView {
            api_version: "v1",
            kind: "Pod",
            metadata: self.meta_view(),
            spec: SpecView {
                base: self.template.get("spec"),
                node_name: &self.node,
            },
            status: StatusView {
                phase: self.phase(),
                conditions: vec![
                    cond("PodReadyToStartContainers", self.stage != Stage::Pending),
                    cond("Initialized", true),
                    cond("Ready", ready),
                    cond("ContainersReady", ready),
                    cond("PodScheduled", true),
                ],
                host_ip: &self.host_ip,
                host_ips: [Ip { ip: &self.host_ip }],
                pod_ip: running.then_some(self.ip.as_str()),
                pod_ips: if running {
                    vec![Ip { ip: &self.ip }]
                } else {
                    Vec::new()
                },
                start_time: created,
                container_statuses: containers,
                qos_class: "Burstable",
            },
        }
    }

    fn container_status<'a>(&'a self, i: usize, c: &'a Value, ready: bool) -> ContainerView<'a> {
        let image = c.get("image").and_then(Value::as_str).unwrap_or("");
        let name = c.get("name").and_then(Value::as_str).unwrap_or("");
        let since = rfc3339(self.changed);
        let state = match self.stage {
            Stage::Pending | Stage::Creating => State::Waiting {
                reason: "ContainerCreating",
                message: None,
            },
            Stage::PullBackOff => State::Waiting {
                reason: "ImagePullBackOff",
                message: Some(format!("Back-off pulling image \"{image}\"")),
            },
            Stage::CrashLoop => State::Waiting {
                reason: "CrashLoopBackOff",
                message: Some(format!(
                    "back-off 10s restarting failed container={name} pod={}",
                    self.name
                )),
            },
            Stage::Running => State::Running {
                started_at: self.started.map(rfc3339).unwrap_or_else(|| since.clone()),
            },
        };
        let last_state = LastState {
            terminated: (self.restarts > 0).then(|| Terminated {
                exit_code: 1,
                reason: "Error",
                started_at: since.clone(),
                finished_at: since,
            }),
        };
        let running = matches!(self.stage, Stage::Running | Stage::CrashLoop);
        ContainerView {
            name,
            image,
            image_id: if running {
                format!("{image}@sha256:{:064x}", i + 1)
            } else {
                String::new()
            },
            container_id: running.then(|| format!("containerd://{}{i}", self.uid.replace('-', ""))),
            ready,
            restart_count: self.restarts,
            started: self.stage == Stage::Running,
            state,
            last_state,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodView<'a> {
    api_version: &'static str,
    kind: &'static str,
    metadata: MetaView<'a>,
    spec: SpecView<'a>,
    status: StatusView<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetaView<'a> {
    name: &'a str,
    generate_name: String,
    namespace: &'a str,
    uid: &'a str,
    resource_version: String,
    creation_timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_grace_period_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<&'a Value>,
    owner_references: [OwnerView<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OwnerView<'a> {
    api_version: &'static str,
    kind: &'static str,
    name: &'a str,
    uid: &'a str,
    controller: bool,
    block_owner_deletion: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpecView<'a> {
    #[serde(flatten)]
    base: Option<&'a Value>,
    node_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusView<'a> {
    phase: &'static str,
    conditions: Vec<Cond>,
    #[serde(rename = "hostIP")]
    host_ip: &'a str,
    #[serde(rename = "hostIPs")]
    host_ips: [Ip<'a>; 1],
    #[serde(rename = "podIP", skip_serializing_if = "Option::is_none")]
    pod_ip: Option<&'a str>,
    #[serde(rename = "podIPs", skip_serializing_if = "Vec::is_empty")]
    pod_ips: Vec<Ip<'a>>,
    start_time: String,
    container_statuses: Vec<ContainerView<'a>>,
    qos_class: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cond {
    #[serde(rename = "type")]
    kind: &'static str,
    status: &'static str,
    last_transition_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

#[derive(Serialize)]
struct Ip<'a> {
    ip: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContainerView<'a> {
    name: &'a str,
    image: &'a str,
    #[serde(rename = "imageID")]
    image_id: String,
    #[serde(rename = "containerID", skip_serializing_if = "Option::is_none")]
    container_id: Option<String>,
    ready: bool,
    restart_count: u32,
    started: bool,
    state: State,
    last_state: LastState,
}

#[derive(Serialize)]
enum State {
    #[serde(rename = "waiting")]
    Waiting {
        reason: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    #[serde(rename = "running")]
    Running {
        #[serde(rename = "startedAt")]
        started_at: String,
    },
}

#[derive(Serialize)]
struct LastState {
    #[serde(skip_serializing_if = "Option::is_none")]
    terminated: Option<Terminated>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Terminated {
    exit_code: i32,
    reason: &'static str,
    started_at: String,
    finished_at: String,
}
