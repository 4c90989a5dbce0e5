//! The parts of a Pod the console keeps, read straight from the API's JSON.
//! A full `k8s_openapi` Pod allocates every container, port, resource map,
//! condition and timestamp of the object; a list page of 500 of them costs
//! megabytes that are dropped at once. Serde skips what is not named here
//! without allocating it, so the initial list of a big cluster stays small.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;

/// A Pod as the watch of pods reads it.
#[derive(Clone, Debug, Deserialize)]
pub struct PodSummary {
    #[serde(deserialize_with = "super::summary::summary_meta")]
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

super::summary::namespaced_v1!(PodSummary, "Pod", "pods", "PodList");

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
