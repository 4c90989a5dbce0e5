//! The parts of a Pod the console keeps, read straight from the API's JSON.
//! A full `k8s_openapi` Pod allocates every container, port, resource map,
//! condition and timestamp of the object; a list page of 500 of them costs
//! megabytes that are dropped at once. Serde skips what is not named here
//! without allocating it, so the initial list of a big cluster stays small.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};
use k8s_openapi::{ListableResource, Metadata, NamespaceResourceScope, Resource};
use serde::{Deserialize, Deserializer};

/// A Pod as the watch of pods reads it.
#[derive(Clone, Debug, Deserialize)]
pub struct PodSummary {
    #[serde(deserialize_with = "summary_meta")]
    pub metadata: ObjectMeta,
    pub spec: Option<Spec>,
    pub status: Option<Status>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    pub node_name: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub phase: Option<String>,
    pub conditions: Option<Vec<Condition>>,
    pub container_statuses: Option<Vec<ContainerStatus>>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    pub restart_count: Option<i32>,
    pub state: Option<State>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct State {
    pub waiting: Option<Waiting>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Waiting {
    pub reason: Option<String>,
}

/// The metadata the projection and the watcher use (the watcher resumes
/// from `resourceVersion`); labels, annotations and managed fields are
/// skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    name: Option<String>,
    namespace: Option<String>,
    resource_version: Option<String>,
    creation_timestamp: Option<Time>,
    deletion_timestamp: Option<Time>,
    owner_references: Option<Vec<OwnerReference>>,
}

pub(super) fn summary_meta<'de, D: Deserializer<'de>>(d: D) -> Result<ObjectMeta, D::Error> {
    let m = Meta::deserialize(d)?;
    Ok(ObjectMeta {
        name: m.name,
        namespace: m.namespace,
        resource_version: m.resource_version,
        creation_timestamp: m.creation_timestamp,
        deletion_timestamp: m.deletion_timestamp,
        owner_references: m.owner_references,
        ..ObjectMeta::default()
    })
}

impl Resource for PodSummary {
    const API_VERSION: &'static str = "v1";
    const GROUP: &'static str = "";
    const KIND: &'static str = "Pod";
    const VERSION: &'static str = "v1";
    const URL_PATH_SEGMENT: &'static str = "pods";
    type Scope = NamespaceResourceScope;
}

impl ListableResource for PodSummary {
    const LIST_KIND: &'static str = "PodList";
}

impl Metadata for PodSummary {
    type Ty = ObjectMeta;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A Pod as the API serves it, with fields the summary skips.
    const POD: &str = r#"{
      "apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1",
        "resourceVersion": "42", "creationTimestamp": "2026-11-03T11:35:29Z",
        "labels": {"app": "web"}, "annotations": {"a": "b"},
        "managedFields": [{"manager": "kubelet", "fieldsV1": {"f:status": {}}}],
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
          "name": "web-5c4f", "uid": "r1", "controller": true}]},
      "spec": {"nodeName": "node-a", "containers": [{"name": "web", "image": "x"}]},
      "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [{"name": "web", "ready": false, "restartCount": 3,
          "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
    }"#;

    #[test]
    fn reads_what_the_projection_needs_and_skips_the_rest() {
        let p: PodSummary = serde_json::from_str(POD).unwrap();
        assert_eq!(p.metadata.name.as_deref(), Some("web-1"));
        assert_eq!(p.metadata.resource_version.as_deref(), Some("42"));
        assert!(p.metadata.labels.is_none() && p.metadata.managed_fields.is_none());
        let owner = &p.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.name.as_str(), owner.controller),
            ("web-5c4f", Some(true))
        );
        assert_eq!(p.spec.unwrap().node_name.as_deref(), Some("node-a"));
        let status = p.status.unwrap();
        let c = &status.container_statuses.unwrap()[0];
        assert_eq!(c.restart_count, Some(3));
        let reason = c
            .state
            .as_ref()
            .unwrap()
            .waiting
            .as_ref()
            .unwrap()
            .reason
            .clone();
        assert_eq!(reason.as_deref(), Some("CrashLoopBackOff"));
    }

    #[test]
    fn nulls_and_missing_parts_are_none() {
        let p: PodSummary = serde_json::from_str(
            r#"{"metadata": {"name": "x", "ownerReferences": null}, "status": {"conditions": null}}"#,
        )
        .unwrap();
        assert!(p.spec.is_none() && p.metadata.owner_references.is_none());
        assert!(p.status.unwrap().conditions.is_none());
    }
}
