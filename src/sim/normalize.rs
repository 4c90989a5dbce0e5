//! Normalising objects before storing or comparing them: drop nulls, apply
//! the API server's defaults. Without this, `rollout undo` (whose patch
//! carries `"creationTimestamp": null`) would not find the old ReplicaSet.

use serde_json::{Map, Value, json};

use super::kind::Kind;
use super::obj;

/// Remove null members of objects and null array items, recursively.
pub fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => {
            a.retain(|x| !x.is_null());
            a.iter_mut().for_each(drop_nulls);
        }
        _ => {}
    }
}

fn default(m: &mut Map<String, Value>, k: &str, v: Value) {
    m.entry(k.to_string()).or_insert(v);
}

/// Drop nulls and apply defaults for `kind`.
pub fn normalize(kind: Kind, v: &mut Value) {
    drop_nulls(v);
    let top = obj::ensure_object(v);
    let kinfo = kind.info();
    top.insert("apiVersion".into(), json!(kind.api_version()));
    top.insert("kind".into(), json!(kinfo.kind));
    obj::obj_mut(v, &["metadata"]);
    match kind {
        Kind::Deployment => deployment(v),
        Kind::Service => service(v),
        _ => {}
    }
}

fn deployment(v: &mut Value) {
    let spec = obj::obj_mut(v, &["spec"]);
    default(spec, "replicas", json!(1));
    default(spec, "revisionHistoryLimit", json!(10));
    default(spec, "progressDeadlineSeconds", json!(600));
    let strategy = obj::obj_mut(v, &["spec", "strategy"]);
    default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let ru = obj::obj_mut(v, &["spec", "strategy", "rollingUpdate"]);
        default(ru, "maxSurge", json!("25%"));
        default(ru, "maxUnavailable", json!("25%"));
    } else {
        strategy.remove("rollingUpdate");
    }
    if let Some(t) = v.get_mut("spec").and_then(|s| s.get_mut("template")) {
        template(t);
    }
}

/// Defaults of a pod template (as the API server fills them in).
pub fn template(t: &mut Value) {
    drop_nulls(t);
    obj::obj_mut(t, &["metadata"]);
    let spec = obj::obj_mut(t, &["spec"]);
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "securityContext", json!({}));
    default(spec, "schedulerName", json!("default-scheduler"));
    if let Some(cs) = spec.get_mut("containers").and_then(Value::as_array_mut) {
        for c in cs {
            let image = c
                .get("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let m = obj::ensure_object(c);
            default(m, "resources", json!({}));
            default(m, "terminationMessagePath", json!("/dev/termination-log"));
            default(m, "terminationMessagePolicy", json!("File"));
            let latest = super::config::image_tag(&image) == "latest";
            default(
                m,
                "imagePullPolicy",
                json!(if latest { "Always" } else { "IfNotPresent" }),
            );
            if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    default(obj::ensure_object(p), "protocol", json!("TCP"));
                }
            }
        }
    }
}

fn service(v: &mut Value) {
    let spec = obj::obj_mut(v, &["spec"]);
    default(spec, "type", json!("ClusterIP"));
    default(spec, "sessionAffinity", json!("None"));
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            let port = p.get("port").cloned().unwrap_or(json!(80));
            let m = obj::ensure_object(p);
            default(m, "protocol", json!("TCP"));
            default(m, "targetPort", port);
        }
    }
}

/// A pod template without the `pod-template-hash` label, for comparing a
/// ReplicaSet's template with its Deployment's.
pub fn without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(labels) = t
        .get_mut("metadata")
        .and_then(|m| m.get_mut("labels"))
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    template(&mut t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_defaults() {
        let mut a = json!({"metadata": {"creationTimestamp": null, "labels": {"app": "w"}},
            "spec": {"containers": [{"name": "c", "image": "i:1"}]}});
        template(&mut a);
        let mut b = a.clone();
        template(&mut b);
        assert_eq!(a, b);
        assert!(a["metadata"].get("creationTimestamp").is_none());
        assert_eq!(
            a["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
    }
}
