//! Server-side Tables (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
//! the columns `kubectl get` prints.

use serde_json::{Value, json};

use super::super::clock::{Millis, parse};
use super::super::kind::Kind;
use super::super::obj;
use super::super::pod::{Pod, Stage};

/// The Table content type.
pub const CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// Does the Accept header ask for a Table?
pub fn wants_table(accept: &str) -> bool {
    accept.contains("as=Table")
}

fn col(name: &str, ty: &str, priority: u8, desc: &str) -> Value {
    json!({"name": name, "type": ty, "format": if name == "Name" { "name" } else { "" }, "description": desc, "priority": priority})
}

/// Column definitions for a kind.
pub fn columns(kind: Kind) -> Vec<Value> {
    let name = col(
        "Name",
        "string",
        0,
        "Name must be unique within a namespace.",
    );
    let age = col(
        "Age",
        "string",
        0,
        "CreationTimestamp is a timestamp representing the server time when this object was created.",
    );
    let s = |n: &str, p: u8| col(n, "string", p, "");
    let i = |n: &str, p: u8| col(n, "integer", p, "");
    match kind {
        Kind::Deployment => vec![
            name,
            s("Ready", 0),
            i("Up-to-date", 0),
            i("Available", 0),
            age,
            s("Containers", 1),
            s("Images", 1),
            s("Selector", 1),
        ],
        Kind::ReplicaSet => vec![
            name,
            i("Desired", 0),
            i("Current", 0),
            i("Ready", 0),
            age,
            s("Containers", 1),
            s("Images", 1),
            s("Selector", 1),
        ],
        Kind::Pod => vec![
            name,
            s("Ready", 0),
            s("Status", 0),
            s("Restarts", 0),
            age,
            s("IP", 1),
            s("Node", 1),
            s("Nominated Node", 1),
            s("Readiness Gates", 1),
        ],
        Kind::Node => vec![
            name,
            s("Status", 0),
            s("Roles", 0),
            age,
            s("Version", 0),
            s("Internal-IP", 1),
            s("External-IP", 1),
            s("OS-Image", 1),
            s("Kernel-Version", 1),
            s("Container-Runtime", 1),
        ],
        Kind::Namespace => vec![name, s("Status", 0), age],
        Kind::Event => vec![
            s("Last Seen", 0),
            s("Type", 0),
            s("Reason", 0),
            s("Object", 0),
            s("Subobject", 1),
            s("Source", 1),
            s("Message", 0),
            s("First Seen", 1),
            s("Count", 1),
            s("Name", 1),
        ],
        Kind::Service => vec![
            name,
            s("Type", 0),
            s("Cluster-IP", 0),
            s("External-IP", 0),
            s("Port(s)", 0),
            age,
            s("Selector", 1),
        ],
        Kind::Hpa => vec![
            name,
            s("Reference", 0),
            s("Targets", 0),
            i("MinPods", 0),
            i("MaxPods", 0),
            i("Replicas", 0),
            age,
        ],
        Kind::Lease => vec![name, s("Holder", 0), age],
        // The custom resources' printer columns, as their CRDs declare them.
        Kind::VirtualService => vec![name, s("Gateways", 0), s("Hosts", 0), age],
        Kind::HttpRoute => vec![name, s("Hostnames", 0), age],
    }
}

/// Kubernetes' HumanDuration.
pub fn human(ms: Millis) -> String {
    if ms < -1000 {
        return "<invalid>".into();
    }
    let s = ms.max(0) / 1000;
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        if s % 60 == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        if h % 24 == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        }
    } else if d < 365 * 2 {
        format!("{d}d")
    } else if d < 365 * 8 {
        format!("{}y{}d", d / 365, d % 365)
    } else {
        format!("{}y", d / 365)
    }
}

fn age(v: &Value, field: &str, now: Millis) -> String {
    match obj::path(v, field).and_then(Value::as_str).and_then(parse) {
        Some(t) => human(now - t),
        None => "<unknown>".into(),
    }
}

fn st<'a>(v: &'a Value, p: &str) -> &'a str {
    obj::path(v, p).and_then(Value::as_str).unwrap_or("")
}

fn containers(v: &Value, field: &str) -> String {
    obj::path(v, "spec.template.spec.containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| st(c, field))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

fn selector(v: &Value) -> String {
    obj::path(v, "spec.selector.matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// The cells of one row.
pub fn cells(kind: Kind, v: &Value, now: Millis) -> Vec<Value> {
    let name = json!(obj::name(v));
    let created = age(v, "metadata.creationTimestamp", now);
    let int = |p: &str| json!(obj::int(v, p, 0));
    match kind {
        Kind::Deployment => vec![
            name,
            json!(format!(
                "{}/{}",
                obj::int(v, "status.readyReplicas", 0),
                obj::int(v, "spec.replicas", 1)
            )),
            int("status.updatedReplicas"),
            int("status.availableReplicas"),
            json!(created),
            json!(containers(v, "name")),
            json!(containers(v, "image")),
            json!(selector(v)),
        ],
        Kind::ReplicaSet => vec![
            name,
            int("spec.replicas"),
            int("status.replicas"),
            int("status.readyReplicas"),
            json!(created),
            json!(containers(v, "name")),
            json!(containers(v, "image")),
            json!(selector(v)),
        ],
        Kind::Pod => pod_cells(v, name, created, now),
        Kind::Node => {
            let ready = obj::path(v, "status.conditions")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| st(c, "type") == "Ready"))
                .map(|c| {
                    if st(c, "status") == "True" {
                        "Ready"
                    } else {
                        "NotReady"
                    }
                })
                .unwrap_or("Unknown");
            let addr = |t: &str| {
                obj::path(v, "status.addresses")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().find(|x| st(x, "type") == t))
                    .map(|x| st(x, "address").to_string())
                    .unwrap_or_else(|| "<none>".into())
            };
            vec![
                name,
                json!(ready),
                json!("<none>"),
                json!(created),
                json!(st(v, "status.nodeInfo.kubeletVersion")),
                json!(addr("InternalIP")),
                json!(addr("ExternalIP")),
                json!(st(v, "status.nodeInfo.osImage")),
                json!(st(v, "status.nodeInfo.kernelVersion")),
                json!(st(v, "status.nodeInfo.containerRuntimeVersion")),
            ]
        }
        Kind::Namespace => vec![name, json!(st(v, "status.phase")), json!(created)],
        Kind::Event => {
            let obj_ref = format!(
                "{}/{}",
                st(v, "involvedObject.kind").to_lowercase(),
                st(v, "involvedObject.name")
            );
            vec![
                json!(age(v, "lastTimestamp", now)),
                json!(st(v, "type")),
                json!(st(v, "reason")),
                json!(obj_ref),
                json!(st(v, "involvedObject.fieldPath")),
                json!(st(v, "source.component")),
                json!(st(v, "message")),
                json!(age(v, "firstTimestamp", now)),
                json!(obj::int(v, "count", 1)),
                name,
            ]
        }
        Kind::Service => {
            let ports = obj::path(v, "spec.ports")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            format!(
                                "{}/{}",
                                obj::int(p, "port", 0),
                                p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            let sel = obj::path(v, "spec.selector")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, x)| format!("{k}={}", x.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(st(v, "spec.type")),
                json!(st(v, "spec.clusterIP")),
                json!("<none>"),
                json!(ports),
                json!(created),
                json!(sel),
            ]
        }
        Kind::Hpa => {
            let target = obj::path(v, "spec.metrics")
                .and_then(Value::as_array)
                .and_then(|m| m.first())
                .map(|m| obj::int(m, "resource.target.averageUtilization", 0))
                .unwrap_or(0);
            let current = obj::path(v, "status.currentMetrics")
                .and_then(Value::as_array)
                .and_then(|m| m.first())
                .map(|m| format!("{}%", obj::int(m, "resource.current.averageUtilization", 0)))
                .unwrap_or_else(|| "<unknown>".into());
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    st(v, "spec.scaleTargetRef.kind"),
                    st(v, "spec.scaleTargetRef.name")
                )),
                json!(format!("cpu: {current}/{target}%")),
                int("spec.minReplicas"),
                int("spec.maxReplicas"),
                int("status.currentReplicas"),
                json!(created),
            ]
        }
        Kind::Lease => vec![name, json!(st(v, "spec.holderIdentity")), json!(created)],
        Kind::VirtualService => vec![
            name,
            json!(list_cell(v, "spec.gateways")),
            json!(list_cell(v, "spec.hosts")),
            json!(created),
        ],
        Kind::HttpRoute => vec![name, json!(list_cell(v, "spec.hostnames")), json!(created)],
    }
}

/// A list field as a CRD printer column shows it (`["a","b"]`), or empty.
fn list_cell(v: &Value, p: &str) -> String {
    obj::path(v, p)
        .filter(|x| x.as_array().is_some_and(|a| !a.is_empty()))
        .map(Value::to_string)
        .unwrap_or_default()
}

fn pod_cells(v: &Value, name: Value, created: String, now: Millis) -> Vec<Value> {
    let statuses = obj::path(v, "status.containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = obj::path(v, "spec.containers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let ready = statuses
        .iter()
        .filter(|c| c.get("ready").and_then(Value::as_bool) == Some(true))
        .count();
    let restarts: i64 = statuses
        .iter()
        .map(|c| obj::int(c, "restartCount", 0))
        .sum();
    let waiting = statuses
        .iter()
        .find_map(|c| obj::path(c, "state.waiting.reason").and_then(Value::as_str));
    let status = if obj::meta(v, "deletionTimestamp").is_some() {
        "Terminating".to_string()
    } else if let Some(w) = waiting {
        w.to_string()
    } else {
        st(v, "status.phase").to_string()
    };
    let restarts_cell = if restarts > 0 {
        let last = statuses
            .iter()
            .find_map(|c| obj::path(c, "lastState.terminated.finishedAt").and_then(Value::as_str))
            .and_then(parse);
        match last {
            Some(t) => format!("{restarts} ({} ago)", human(now - t)),
            None => restarts.to_string(),
        }
    } else {
        "0".to_string()
    };
    let ip = obj::path(v, "status.podIP")
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    vec![
        name,
        json!(format!("{ready}/{total}")),
        json!(status),
        json!(restarts_cell),
        json!(created),
        json!(ip),
        json!(st(v, "spec.nodeName")),
        json!("<none>"),
        json!("<none>"),
    ]
}

/// One Table row for a pod, straight from the compact form (no full
/// object is rendered: `kubectl get pods -A` on 12,500 pods stays cheap).
pub fn pod_row(p: &Pod, now: Millis) -> Value {
    let total = p.containers().len();
    let ready = if p.ready() { total } else { 0 };
    let restarts = if p.restarts > 0 {
        format!("{} ({} ago)", p.restarts, human(now - p.changed))
    } else {
        "0".to_string()
    };
    let running = matches!(p.stage, Stage::Running | Stage::CrashLoop);
    json!({
        "cells": [
            p.name,
            format!("{ready}/{total}"),
            p.display_status(),
            restarts,
            human(now - p.created),
            if running { p.ip.as_str() } else { "<none>" },
            p.node,
            "<none>",
            "<none>",
        ],
        "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": p.metadata_value()},
    })
}

/// One Table row for an object.
pub fn row(kind: Kind, v: &Value, now: Millis) -> Value {
    json!({
        "cells": cells(kind, v, now),
        "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": v.get("metadata").cloned().unwrap_or(json!({}))},
    })
}

/// A Table.
pub fn table(
    kind: Kind,
    rows: Vec<Value>,
    rv: u64,
    cont: Option<String>,
    with_columns: bool,
) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": if with_columns { json!(columns(kind)) } else { Value::Null },
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn durations() {
        assert_eq!(human(5_000), "5s");
        assert_eq!(human(150_000), "2m30s");
        assert_eq!(human(3 * 86_400_000), "3d");
        assert_eq!(human(30 * 86_400_000), "30d");
    }
}
