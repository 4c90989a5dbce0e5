//! Small helpers over JSON objects (`serde_json::Value`).

use serde_json::{Map, Value};

/// `metadata.<field>` as a string.
pub fn meta<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    v.get("metadata")?.get(field)?.as_str()
}

/// `metadata.name`, or empty.
pub fn name(v: &Value) -> &str {
    meta(v, "name").unwrap_or("")
}

/// `metadata.namespace`, or empty.
pub fn namespace(v: &Value) -> &str {
    meta(v, "namespace").unwrap_or("")
}

/// A label value.
pub fn label<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get("metadata")?.get("labels")?.get(key)?.as_str()
}

/// An annotation value.
pub fn annotation<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get("metadata")?.get("annotations")?.get(key)?.as_str()
}

/// The value at a dotted path (`spec.nodeName`).
pub fn path<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |cur, seg| cur.get(seg))
}

/// A mutable object at `keys`, creating empty objects along the way.
pub fn obj_mut<'a>(v: &'a mut Value, keys: &[&str]) -> &'a mut Map<String, Value> {
    let mut cur = v;
    for k in keys {
        cur = ensure_object(cur)
            .entry((*k).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    ensure_object(cur)
}

/// Make `v` an object (replacing anything else) and return its map.
pub fn ensure_object(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("the value was just made an object"),
    }
}

/// Set `metadata.<key>` to a string.
pub fn set_meta(v: &mut Value, key: &str, val: impl Into<Value>) {
    obj_mut(v, &["metadata"]).insert(key.to_string(), val.into());
}

/// Set an annotation.
pub fn set_annotation(v: &mut Value, key: &str, val: &str) {
    obj_mut(v, &["metadata", "annotations"]).insert(key.to_string(), Value::from(val));
}

/// An integer at a dotted path, or `default`.
pub fn int(v: &Value, dotted: &str, default: i64) -> i64 {
    path(v, dotted).and_then(Value::as_i64).unwrap_or(default)
}

/// The resourceVersion as a number (0 when absent).
pub fn rv(v: &Value) -> u64 {
    meta(v, "resourceVersion")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The labels of an object as (key, value) pairs.
pub fn labels(v: &Value) -> Option<&Map<String, Value>> {
    v.get("metadata")?.get("labels")?.as_object()
}
