//! The Kubernetes side of change steps: read the field a step changes (to
//! tell whether it is already applied, or changed by someone else), and send
//! the change carrying a resourceVersion, so a concurrent write gives 409
//! instead of being overwritten.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::Api;
use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use super::step::{Action, ObjectRef};

pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const TEMPLATE_HASH: &str = "pod-template-hash";
pub const FIELD_MANAGER: &str = "opsdeck";

/// The object as read, and the value of the field the step changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub value: Value,
    pub resource_version: String,
    pub uid: Option<String>,
    pub object: Value,
}

/// A deployment's pod template without the `pod-template-hash` label.
pub fn bare_template(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(labels) = t
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(TEMPLATE_HASH);
    }
    t
}

/// The value `action` sets, in the shape [`observe`] reads.
pub fn wanted(action: &Action) -> Value {
    match action {
        Action::SetReplicas { replicas } => json!(replicas),
        Action::SetHpaBounds { min, max } => json!({"min": min, "max": max}),
        Action::SetTemplate { template, .. } => bare_template(template),
        Action::RestartAt { at } => json!(at),
        Action::SetImage { image, .. } => json!(image),
        Action::SetWeight { weight, .. } => json!(weight),
        _ => Value::Null,
    }
}

/// The index of `container` in the object's pod template.
fn container_index(obj: &Value, container: &str) -> Option<usize> {
    obj.pointer("/spec/template/spec/containers")?
        .as_array()?
        .iter()
        .position(|c| c.get("name").and_then(Value::as_str) == Some(container))
}

fn field(action: &Action, obj: &Value) -> Value {
    match action {
        Action::SetReplicas { .. } => obj.pointer("/spec/replicas").cloned().unwrap_or(json!(1)),
        Action::SetHpaBounds { .. } => json!({
            "min": obj.pointer("/spec/minReplicas").cloned().unwrap_or(json!(1)),
            "max": obj.pointer("/spec/maxReplicas").cloned().unwrap_or(Value::Null),
        }),
        Action::SetTemplate { .. } => {
            bare_template(obj.pointer("/spec/template").unwrap_or(&Value::Null))
        }
        Action::RestartAt { .. } => obj
            .pointer("/spec/template/metadata/annotations")
            .and_then(|a| a.get(RESTARTED_AT))
            .cloned()
            .unwrap_or(Value::Null),
        Action::SetImage { container, .. } => container_index(obj, container)
            .and_then(|i| {
                obj.pointer(&format!("/spec/template/spec/containers/{i}/image"))
                    .cloned()
            })
            .unwrap_or(Value::Null),
        Action::SetWeight { key, .. } => super::router::weight(
            obj.get("kind").and_then(Value::as_str).unwrap_or("Service"),
            key,
            obj,
        ),
        _ => Value::Null,
    }
}

/// Reads the target and the field `action` changes.
pub async fn observe(
    client: &kube::Client,
    target: &ObjectRef,
    action: &Action,
) -> Result<Observed, kube::Error> {
    let object = match action {
        Action::SetHpaBounds { .. } => {
            let api: Api<HorizontalPodAutoscaler> =
                Api::namespaced(client.clone(), &target.namespace);
            serde_json::to_value(api.get(&target.name).await?)
        }
        Action::SetWeight { .. } => {
            let mut v = super::router::get(client, target).await?;
            if v.get("kind").is_none() {
                v["kind"] = json!(target.kind);
            }
            Ok(v)
        }
        _ => {
            let api: Api<Deployment> = Api::namespaced(client.clone(), &target.namespace);
            serde_json::to_value(api.get(&target.name).await?)
        }
    }
    .map_err(kube::Error::SerdeError)?;
    let meta = |k: &str| {
        object
            .pointer(&format!("/metadata/{k}"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(Observed {
        value: field(action, &object),
        resource_version: meta("resourceVersion").unwrap_or_default(),
        uid: meta("uid"),
        object,
    })
}

fn params(dry_run: bool) -> PatchParams {
    PatchParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    }
}

/// Sends the change of `action` to `target`, carrying `resource_version`
/// (a stale one gives 409 Conflict). `change_cause` goes on Deployments in
/// the same request where the change is to the Deployment itself.
pub async fn apply(
    client: &kube::Client,
    target: &ObjectRef,
    action: &Action,
    resource_version: &str,
    dry_run: bool,
    change_cause: &str,
    observed: &Value,
) -> Result<(), kube::Error> {
    let pp = params(dry_run);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &target.namespace);
    match action {
        Action::SetReplicas { replicas } => {
            let patch = json!({"metadata": {"resourceVersion": resource_version}, "spec": {"replicas": replicas}});
            deployments
                .patch_scale(&target.name, &pp, &Patch::Merge(&patch))
                .await?;
        }
        Action::SetHpaBounds { min, max } => {
            let api: Api<HorizontalPodAutoscaler> =
                Api::namespaced(client.clone(), &target.namespace);
            let patch = json!({"metadata": {"resourceVersion": resource_version}, "spec": {"minReplicas": min, "maxReplicas": max}});
            api.patch(&target.name, &pp, &Patch::Merge(&patch)).await?;
        }
        Action::SetTemplate { template, .. } => {
            // kubectl rollout undo's request: replace the template, move the
            // annotations; plus the resourceVersion precondition.
            let mut ops = vec![
                json!({"op": "replace", "path": "/metadata/resourceVersion", "value": resource_version}),
                json!({"op": "replace", "path": "/spec/template", "value": bare_template(template)}),
            ];
            if observed.pointer("/metadata/annotations").is_none() {
                ops.push(json!({"op": "add", "path": "/metadata/annotations", "value": {}}));
            }
            ops.push(json!({"op": "add", "path": "/metadata/annotations/kubernetes.io~1change-cause", "value": change_cause}));
            let patch: json_patch::Patch =
                serde_json::from_value(Value::Array(ops)).map_err(kube::Error::SerdeError)?;
            deployments
                .patch(&target.name, &pp, &Patch::<()>::Json(patch))
                .await?;
        }
        Action::RestartAt { at } => {
            let patch = json!({
                "metadata": {"resourceVersion": resource_version, "annotations": {CHANGE_CAUSE: change_cause}},
                "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}
            });
            deployments
                .patch(&target.name, &pp, &Patch::Merge(&patch))
                .await?;
        }
        Action::SetImage { container, image } => {
            let Some(i) = container_index(observed, container) else {
                return Err(kube::Error::Discovery(
                    kube::error::DiscoveryError::MissingResource(format!(
                        "container {container} in {}",
                        target.label()
                    )),
                ));
            };
            let mut ops = vec![
                json!({"op": "replace", "path": "/metadata/resourceVersion", "value": resource_version}),
                json!({"op": "test", "path": format!("/spec/template/spec/containers/{i}/name"), "value": container}),
                json!({"op": "replace", "path": format!("/spec/template/spec/containers/{i}/image"), "value": image}),
            ];
            if observed.pointer("/metadata/annotations").is_none() {
                ops.push(json!({"op": "add", "path": "/metadata/annotations", "value": {}}));
            }
            ops.push(json!({"op": "add", "path": "/metadata/annotations/kubernetes.io~1change-cause", "value": change_cause}));
            let patch: json_patch::Patch =
                serde_json::from_value(Value::Array(ops)).map_err(kube::Error::SerdeError)?;
            deployments
                .patch(&target.name, &pp, &Patch::<()>::Json(patch))
                .await?;
        }
        Action::SetWeight { key, weight, .. } => {
            super::router::set(
                client,
                target,
                key,
                *weight,
                resource_version,
                observed,
                dry_run,
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Records who changed a Deployment through `/scale` (which cannot carry
/// annotations): `kubernetes.io/change-cause` on the Deployment.
pub async fn annotate_change_cause(
    client: &kube::Client,
    namespace: &str,
    deployment: &str,
    change_cause: &str,
) -> Result<(), kube::Error> {
    let api: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let patch = json!({"metadata": {"annotations": {CHANGE_CAUSE: change_cause}}});
    api.patch(deployment, &params(false), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

/// Whether a kube error is 409 Conflict.
pub fn is_conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409)
}
