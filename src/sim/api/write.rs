//! Writes: POST (create), PUT (update, 409 on a stale resourceVersion),
//! PATCH (JSON, merge, strategic merge), DELETE, all honouring `dryRun=All`.
//! Objects are normalised (nulls dropped, defaults applied) before storing.

#![allow(clippy::result_large_err)] // the error is the HTTP answer itself

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::clock::rfc3339;
use super::super::cluster::{Cluster, key};
use super::super::kind::Kind;
use super::super::normalize::normalize;
use super::super::obj;
use super::super::patch::{self, PatchType};
use super::Ctx;
use super::status::{self, Resp};

fn parse_body(ctx: &Ctx) -> Result<Value, Resp> {
    if ctx.content_type.contains("protobuf") {
        return Err(status::error(
            415,
            "UnsupportedMediaType",
            "the simulator accepts JSON request bodies only",
            None,
        ));
    }
    serde_json::from_slice(&ctx.body)
        .map_err(|e| status::bad_request(&format!("invalid JSON body: {e}")))
}

fn validate(kind: Kind, v: &Value) -> Result<(), String> {
    if obj::name(v).is_empty() {
        return Err("metadata.name: Required value: name or generateName is required".into());
    }
    if kind != Kind::Deployment {
        return Ok(());
    }
    let sel = obj::path(v, "spec.selector.matchLabels").and_then(Value::as_object);
    let labels = obj::path(v, "spec.template.metadata.labels").and_then(Value::as_object);
    let Some(sel) = sel.filter(|s| !s.is_empty()) else {
        return Err("spec.selector: Required value".into());
    };
    if !sel
        .iter()
        .all(|(k, x)| labels.and_then(|l| l.get(k)) == Some(x))
    {
        return Err("spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`".into());
    }
    let containers = obj::path(v, "spec.template.spec.containers").and_then(Value::as_array);
    let Some(cs) = containers.filter(|c| !c.is_empty()) else {
        return Err("spec.template.spec.containers: Required value".into());
    };
    for (i, c) in cs.iter().enumerate() {
        for f in ["name", "image"] {
            if c.get(f).and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(format!(
                    "spec.template.spec.containers[{i}].{f}: Required value"
                ));
            }
        }
    }
    if obj::int(v, "spec.replicas", 0) < 0 {
        return Err("spec.replicas: Invalid value: must be greater than or equal to 0".into());
    }
    Ok(())
}

/// Normalise, validate and store `new` (replacing `old`, if any). Keeps the
/// server-owned metadata and status, bumps `generation` on spec changes.
pub fn commit(
    c: &mut Cluster,
    kind: Kind,
    dry_run: bool,
    ns: &str,
    old: Option<&Value>,
    mut new: Value,
) -> Result<Arc<Value>, Resp> {
    normalize(kind, &mut new);
    if kind.info().namespaced {
        obj::set_meta(&mut new, "namespace", ns);
    } else if let Some(m) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("namespace");
    }
    if obj::name(&new).is_empty()
        && let Some(g) = obj::meta(&new, "generateName").map(str::to_string)
    {
        let n = format!("{g}{}", c.rng.suffix(5));
        obj::set_meta(&mut new, "name", n);
    }
    let name = obj::name(&new).to_string();
    if let Err(e) = validate(kind, &new) {
        return Err(status::invalid(kind, &name, &e));
    }
    match old {
        Some(old) => {
            for k in [
                "uid",
                "creationTimestamp",
                "generation",
                "deletionTimestamp",
            ] {
                match old.get("metadata").and_then(|m| m.get(k)) {
                    Some(x) => obj::set_meta(&mut new, k, x.clone()),
                    None => {
                        if let Some(m) = new.get_mut("metadata").and_then(Value::as_object_mut) {
                            m.remove(k);
                        }
                    }
                }
            }
            if matches!(kind, Kind::Deployment | Kind::ReplicaSet) {
                match old.get("status") {
                    Some(s) => new["status"] = s.clone(),
                    None => {
                        if let Some(m) = new.as_object_mut() {
                            m.remove("status");
                        }
                    }
                }
            }
            if old.get("spec") != new.get("spec")
                && old
                    .get("metadata")
                    .and_then(|m| m.get("generation"))
                    .is_some()
            {
                obj::set_meta(
                    &mut new,
                    "generation",
                    obj::int(old, "metadata.generation", 1) + 1,
                );
            }
            obj::set_meta(
                &mut new,
                "resourceVersion",
                obj::meta(old, "resourceVersion").unwrap_or("").to_string(),
            );
        }
        None => {
            obj::set_meta(&mut new, "uid", c.rng.uuid());
            obj::set_meta(&mut new, "creationTimestamp", rfc3339(c.now()));
            if kind.has_generation() {
                obj::set_meta(&mut new, "generation", 1);
            }
            if let Some(m) = new.get_mut("metadata").and_then(Value::as_object_mut) {
                m.remove("resourceVersion");
            }
            if kind == Kind::Namespace {
                new["status"] = json!({"phase": "Active"});
            }
        }
    }
    if dry_run {
        return Ok(Arc::new(new));
    }
    if old.is_some_and(|o| *o == new) {
        // Nothing changed: no new resourceVersion, no event.
        return Ok(Arc::new(new));
    }
    let stored = c.put(kind, new);
    if kind == Kind::Deployment {
        c.ctl.active.insert(key(ns, &name));
    }
    Ok(stored)
}

/// The annotation a racing writer ([`Faults::racing_writes`]) changes.
///
/// [`Faults::racing_writes`]: crate::sim::Faults::racing_writes
pub const RACING_WRITER: &str = "sim.opsdeck.dev/racing-writer";

/// `old`, or — when the region's racing-writes fault is due — `old` after
/// another writer changed an annotation on it (a new resourceVersion, a
/// watch event), as it is stored now.
pub fn race(ctx: &Ctx, c: &mut Cluster, kind: Kind, ns: &str, old: Arc<Value>) -> Arc<Value> {
    if !ctx.cell.take_racing_write() {
        return old;
    }
    let mut touched = (*old).clone();
    let n = obj::path(&touched, "metadata.annotations")
        .and_then(|a| a.get(RACING_WRITER))
        .and_then(Value::as_str)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    if let Some(m) = touched.get_mut("metadata").and_then(Value::as_object_mut) {
        let a = m.entry("annotations").or_insert_with(|| json!({}));
        if let Some(a) = a.as_object_mut() {
            a.insert(RACING_WRITER.into(), json!((n + 1).to_string()));
        }
    }
    commit(c, kind, false, ns, Some(&old), touched).unwrap_or(old)
}

fn answer(code: u16, r: Result<Arc<Value>, Resp>) -> Resp {
    match r {
        Ok(v) => status::json(code, &v),
        Err(e) => e,
    }
}

/// POST to a collection.
pub fn create(ctx: &Ctx, kind: Kind, ns: &str) -> Resp {
    if kind == Kind::Pod {
        return status::method_not_allowed();
    }
    let body = match parse_body(ctx) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut c = ctx.lock();
    if kind.info().namespaced && c.doc(Kind::Namespace, "", ns).is_none() {
        return status::not_found(Kind::Namespace, ns);
    }
    let name = obj::name(&body).to_string();
    if !name.is_empty()
        && c.object(kind, if kind.info().namespaced { ns } else { "" }, &name)
            .is_some()
    {
        return status::already_exists(kind, &name);
    }
    answer(201, commit(&mut c, kind, ctx.dry_run(), ns, None, body))
}

/// PUT an object.
pub fn update(ctx: &Ctx, kind: Kind, ns: &str, name: &str) -> Resp {
    if kind == Kind::Pod {
        return status::method_not_allowed();
    }
    let body = match parse_body(ctx) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut c = ctx.lock();
    let Some(old) = c.doc(kind, ns, name) else {
        return status::not_found(kind, name);
    };
    let old = race(ctx, &mut c, kind, ns, old);
    if obj::name(&body) != name {
        return status::bad_request("the name of the object does not match the name on the URL");
    }
    if let Some(rv) = obj::meta(&body, "resourceVersion")
        && rv != obj::meta(&old, "resourceVersion").unwrap_or("")
    {
        return status::conflict(kind, name);
    }
    answer(
        200,
        commit(&mut c, kind, ctx.dry_run(), ns, Some(&old), body),
    )
}

/// PATCH an object.
pub fn patch(ctx: &Ctx, kind: Kind, ns: &str, name: &str) -> Resp {
    if kind == Kind::Pod {
        return status::method_not_allowed();
    }
    let Some(pt) = patch::patch_type(&ctx.content_type) else {
        let msg = format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {:?})",
            ctx.content_type
        );
        return status::error(415, "UnsupportedMediaType", &msg, None);
    };
    let mut c = ctx.lock();
    let Some(old) = c.doc(kind, ns, name) else {
        if pt == PatchType::Apply {
            let body = match parse_body(ctx) {
                Ok(b) => b,
                Err(e) => return e,
            };
            return answer(201, commit(&mut c, kind, ctx.dry_run(), ns, None, body));
        }
        return status::not_found(kind, name);
    };
    let old = race(ctx, &mut c, kind, ns, old);
    let new = match patch::apply(pt, &old, &ctx.body) {
        Ok(v) => v,
        Err(e) => return status::error(422, "Invalid", &e, None),
    };
    if obj::meta(&new, "resourceVersion") != obj::meta(&old, "resourceVersion")
        && obj::meta(&new, "resourceVersion").is_some()
    {
        return status::conflict(kind, name);
    }
    if obj::name(&new) != name {
        return status::bad_request("metadata.name cannot be changed by a patch");
    }
    answer(
        200,
        commit(&mut c, kind, ctx.dry_run(), ns, Some(&old), new),
    )
}

/// DELETE an object.
pub fn delete(ctx: &Ctx, kind: Kind, ns: &str, name: &str) -> Resp {
    let mut c = ctx.lock();
    let Some(v) = c.object(kind, ns, name) else {
        return status::not_found(kind, name);
    };
    if ctx.dry_run() {
        return status::json(200, &v);
    }
    match kind {
        Kind::Pod => {
            c.delete_pod(ns, name);
            let v = c.object(kind, ns, name).unwrap_or(v);
            status::json(200, &v)
        }
        Kind::Deployment => answer(
            200,
            c.delete_deployment(ns, name)
                .ok_or_else(|| status::not_found(kind, name)),
        ),
        Kind::ReplicaSet => {
            c.delete_rs(ns, name);
            status::json(200, &v)
        }
        _ => answer(
            200,
            c.remove(kind, ns, name)
                .ok_or_else(|| status::not_found(kind, name)),
        ),
    }
}
