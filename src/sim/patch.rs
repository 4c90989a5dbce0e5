//! PATCH bodies: JSON patch and merge patch (json-patch crate), and
//! strategic merge patch written by hand with the merge keys kubectl relies
//! on (containers/env/volumes by `name`, container ports by `containerPort`,
//! Service ports by `port`, volumeMounts by `mountPath`, conditions by
//! `type`), `$setElementOrder/<list>`, `$patch: delete|replace` and
//! `$retainKeys`. Server-side apply bodies are applied as merge patches.

use serde_json::{Map, Value};

/// The patch types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// application/json-patch+json
    Json,
    /// application/merge-patch+json
    Merge,
    /// application/strategic-merge-patch+json
    Strategic,
    /// application/apply-patch+yaml (JSON bodies; merged)
    Apply,
}

/// The patch type of a Content-Type header.
pub fn patch_type(content_type: &str) -> Option<PatchType> {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    match ct {
        "application/json-patch+json" => Some(PatchType::Json),
        "application/merge-patch+json" => Some(PatchType::Merge),
        "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
        "application/apply-patch+yaml" | "application/apply-patch+json" => Some(PatchType::Apply),
        _ => None,
    }
}

/// Apply a patch body to a copy of `target`.
pub fn apply(pt: PatchType, target: &Value, body: &[u8]) -> Result<Value, String> {
    let mut doc = target.clone();
    match pt {
        PatchType::Json => {
            let p: json_patch::Patch =
                serde_json::from_slice(body).map_err(|e| format!("invalid JSON patch: {e}"))?;
            json_patch::patch(&mut doc, &p.0)
                .map_err(|e| format!("the JSON patch does not apply: {e}"))?;
        }
        PatchType::Merge | PatchType::Apply => {
            let p: Value =
                serde_json::from_slice(body).map_err(|e| format!("invalid merge patch: {e}"))?;
            json_patch::merge(&mut doc, &p);
        }
        PatchType::Strategic => {
            let p: Value = serde_json::from_slice(body)
                .map_err(|e| format!("invalid strategic merge patch: {e}"))?;
            strategic(&mut doc, &p, "");
        }
    }
    Ok(doc)
}

/// The merge key of a list field, if it merges by key.
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        "ports" if items.iter().any(|i| i.get("containerPort").is_some()) => Some("containerPort"),
        "ports" => Some("port"),
        _ => None,
    }
}

/// Strategic merge of `patch` into `doc`.
pub fn strategic(doc: &mut Value, patch: &Value, field: &str) {
    let Value::Object(p) = patch else {
        *doc = patch.clone();
        return;
    };
    if p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut p = p.clone();
        p.remove("$patch");
        *doc = Value::Object(p);
        return;
    }
    if !doc.is_object() {
        *doc = Value::Object(Map::new());
    }
    let _ = field;
    let Value::Object(d) = doc else { return };
    let mut orders: Vec<(String, Vec<Value>)> = Vec::new();
    for (k, v) in p {
        if let Some(list) = k.strip_prefix("$setElementOrder/") {
            orders.push((list.to_string(), v.as_array().cloned().unwrap_or_default()));
            continue;
        }
        if k.starts_with('$') {
            continue;
        }
        match v {
            Value::Null => {
                d.remove(k);
            }
            Value::Object(_) => strategic(d.entry(k.clone()).or_insert(Value::Null), v, k),
            Value::Array(items) => {
                let existing = d
                    .get(k)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                match merge_key(k, &existing).or_else(|| merge_key(k, items)) {
                    Some(mk) if items.iter().all(Value::is_object) => {
                        d.insert(k.clone(), Value::Array(merge_list(existing, items, mk, k)));
                    }
                    _ => {
                        d.insert(k.clone(), v.clone());
                    }
                }
            }
            other => {
                d.insert(k.clone(), other.clone());
            }
        }
    }
    for (list, order) in orders {
        let Some(items) = d.get_mut(&list).and_then(Value::as_array_mut) else {
            continue;
        };
        let mk = merge_key(&list, items).unwrap_or("name");
        let pos = |v: &Value| {
            order
                .iter()
                .position(|o| o.get(mk) == v.get(mk))
                .unwrap_or(usize::MAX)
        };
        items.sort_by_key(|v| pos(v));
    }
}

fn merge_list(mut existing: Vec<Value>, patch: &[Value], mk: &str, field: &str) -> Vec<Value> {
    for item in patch {
        let key = item.get(mk).cloned();
        let idx = existing
            .iter()
            .position(|e| key.is_some() && e.get(mk) == key.as_ref());
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (idx, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (None, true) => {}
            (Some(i), false) => strategic(&mut existing[i], item, field),
            (None, false) => {
                let mut fresh = Value::Object(Map::new());
                strategic(&mut fresh, item, field);
                existing.push(fresh);
            }
        }
    }
    existing
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_image() {
        let d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}}});
        let p = br#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"image":"b:2","name":"b"}]}}}}"#;
        let out = apply(PatchType::Strategic, &d, p).unwrap_or_default();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][1]["image"],
            "b:2"
        );
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][0]["image"],
            "a:1"
        );
    }

    #[test]
    fn delete_directive_and_null() {
        let d = json!({"metadata": {"labels": {"x": "1", "y": "2"}}, "env": [{"name": "A"}, {"name": "B"}]});
        let p = br#"{"metadata":{"labels":{"x":null}},"env":[{"name":"A","$patch":"delete"}]}"#;
        let out = apply(PatchType::Strategic, &d, p).unwrap_or_default();
        assert_eq!(
            out,
            json!({"metadata": {"labels": {"y": "2"}}, "env": [{"name": "B"}]})
        );
    }
}
