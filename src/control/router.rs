//! Traffic routers behind one seam: where a region's weight lives and how
//! it is read and written. The engine only knows `Action::SetWeight {
//! region, weight, key }` on a target object; this module knows the shapes:
//! ExternalDNS weighted records (an annotation on each region's Service),
//! Istio `VirtualService` route weights and Gateway API `HTTPRoute`
//! `backendRefs[].weight` (one object listing every region).

use kube::Api;
use kube::api::{ApiResource, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use serde_json::{Value, json};

use super::step::ObjectRef;

/// The API resource of a router object kind.
pub fn resource(kind: &str) -> Option<ApiResource> {
    let (g, v, k, plural) = match kind {
        "Service" => ("", "v1", "Service", "services"),
        "VirtualService" => (
            "networking.istio.io",
            "v1",
            "VirtualService",
            "virtualservices",
        ),
        "HTTPRoute" => ("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
        _ => return None,
    };
    Some(ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(g, v, k),
        plural,
    ))
}

/// RBAC group and resource of a router object kind.
pub fn rbac(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "VirtualService" => ("networking.istio.io", "virtualservices"),
        "HTTPRoute" => ("gateway.networking.k8s.io", "httproutes"),
        _ => ("", "services"),
    }
}

/// Where in the object the weight of `key` sits, as a JSON pointer.
fn pointer(kind: &str, key: &str, obj: &Value) -> Option<String> {
    match kind {
        "VirtualService" => {
            let http = obj.pointer("/spec/http")?.as_array()?;
            for (i, h) in http.iter().enumerate() {
                for (j, r) in h.get("route")?.as_array()?.iter().enumerate() {
                    if r.pointer("/destination/host").and_then(Value::as_str) == Some(key) {
                        return Some(format!("/spec/http/{i}/route/{j}/weight"));
                    }
                }
            }
            None
        }
        "HTTPRoute" => {
            let rules = obj.pointer("/spec/rules")?.as_array()?;
            for (i, rule) in rules.iter().enumerate() {
                for (j, b) in rule.get("backendRefs")?.as_array()?.iter().enumerate() {
                    if b.get("name").and_then(Value::as_str) == Some(key) {
                        return Some(format!("/spec/rules/{i}/backendRefs/{j}/weight"));
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// The weight of `key` in `obj` (JSON number), or null when absent.
pub fn weight(kind: &str, key: &str, obj: &Value) -> Value {
    let raw = match kind {
        "Service" => obj
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .and_then(|s| s.trim().parse::<u64>().ok()),
        _ => pointer(kind, key, obj)
            .and_then(|p| obj.pointer(&p).cloned())
            .and_then(|v| v.as_u64()),
    };
    raw.map(|w| json!(w)).unwrap_or(Value::Null)
}

/// Reads a router object as JSON.
pub async fn get(client: &kube::Client, t: &ObjectRef) -> Result<Value, kube::Error> {
    let ar = resource(&t.kind).ok_or_else(|| {
        kube::Error::Discovery(kube::error::DiscoveryError::MissingResource(t.kind.clone()))
    })?;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &t.namespace, &ar);
    serde_json::to_value(api.get(&t.name).await?).map_err(kube::Error::SerdeError)
}

/// Sets the weight of `key` to `weight`, carrying `resource_version`.
pub async fn set(
    client: &kube::Client,
    t: &ObjectRef,
    key: &str,
    weight: u32,
    resource_version: &str,
    observed: &Value,
    dry_run: bool,
) -> Result<(), kube::Error> {
    let ar = resource(&t.kind).ok_or_else(|| {
        kube::Error::Discovery(kube::error::DiscoveryError::MissingResource(t.kind.clone()))
    })?;
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), &t.namespace, &ar);
    let pp = PatchParams {
        dry_run,
        field_manager: Some(super::kube_ops::FIELD_MANAGER.into()),
        ..Default::default()
    };
    if t.kind == "Service" {
        let patch = json!({"metadata": {"resourceVersion": resource_version, "annotations": {key: weight.to_string()}}});
        api.patch(&t.name, &pp, &Patch::Merge(&patch)).await?;
        return Ok(());
    }
    let Some(path) = pointer(&t.kind, key, observed) else {
        return Err(kube::Error::Discovery(
            kube::error::DiscoveryError::MissingResource(format!(
                "{} {} has no route to {key}",
                t.kind, t.name
            )),
        ));
    };
    let ops = json!([
        {"op": "replace", "path": "/metadata/resourceVersion", "value": resource_version},
        {"op": "add", "path": path, "value": weight},
    ]);
    let patch: json_patch::Patch = serde_json::from_value(ops).map_err(kube::Error::SerdeError)?;
    api.patch(&t.name, &pp, &Patch::<()>::Json(patch)).await?;
    Ok(())
}
