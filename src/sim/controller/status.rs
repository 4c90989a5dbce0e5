//! Deployment status and conditions.

use serde_json::{Map, Value, json};

use super::super::clock::{Millis, parse, rfc3339};

/// Counts that make up a deployment's status.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    /// pods of all its ReplicaSets
    pub replicas: i64,
    /// pods of the new ReplicaSet
    pub updated: i64,
    /// ready pods
    pub ready: i64,
    /// available pods
    pub available: i64,
    /// sum of ReplicaSet spec.replicas
    pub spec_total: i64,
}

fn get_i(s: &Value, k: &str) -> i64 {
    s.get(k).and_then(Value::as_i64).unwrap_or(0)
}

/// The Progressing (or other) condition of a status.
pub fn condition<'a>(status: &'a Value, kind: &str) -> Option<&'a Value> {
    status
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))
}

fn reason_of(c: Option<&Value>) -> &str {
    c.and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Set a condition like `SetDeploymentCondition`: no change when status and
/// reason are the same; keep lastTransitionTime when status is the same.
pub fn set_condition(
    status: &mut Value,
    kind: &str,
    st: &str,
    reason: &str,
    msg: &str,
    now: Millis,
    force: bool,
) {
    let now_s = rfc3339(now);
    let existing = condition(status, kind).cloned();
    let mut transition = now_s.clone();
    if let Some(c) = &existing {
        let same_status = c.get("status").and_then(Value::as_str) == Some(st);
        if same_status && reason_of(Some(c)) == reason && !force {
            return;
        }
        if same_status && let Some(t) = c.get("lastTransitionTime").and_then(Value::as_str) {
            transition = t.to_string();
        }
    }
    let cond = json!({"type": kind, "status": st, "lastUpdateTime": now_s, "lastTransitionTime": transition, "reason": reason, "message": msg});
    let m = super::super::obj::ensure_object(status);
    let list = m.entry("conditions").or_insert_with(|| json!([]));
    if let Some(a) = list.as_array_mut() {
        match a
            .iter_mut()
            .find(|c| c.get("type").and_then(Value::as_str) == Some(kind))
        {
            Some(slot) => *slot = cond,
            None => a.push(cond),
        }
    }
}

/// Inputs to the status computation.
#[derive(Debug)]
pub struct StatusInput<'a> {
    /// the stored status
    pub old: &'a Value,
    /// counts
    pub totals: Totals,
    /// spec.replicas
    pub replicas: i64,
    /// maxUnavailable
    pub max_unavailable: i64,
    /// metadata.generation
    pub generation: i64,
    /// spec.paused
    pub paused: bool,
    /// spec.progressDeadlineSeconds
    pub deadline_s: i64,
    /// name of the new ReplicaSet
    pub new_rs: Option<&'a str>,
    /// a condition set while finding/creating the new ReplicaSet
    pub found: Option<(&'static str, String)>,
    /// status.collisionCount
    pub collisions: u32,
    /// now
    pub now: Millis,
}

/// The new status and whether the rollout is complete.
pub fn compute(i: &StatusInput<'_>) -> (Value, bool) {
    let t = i.totals;
    let mut s = Map::new();
    s.insert("observedGeneration".into(), json!(i.generation));
    for (k, v) in [
        ("replicas", t.replicas),
        ("updatedReplicas", t.updated),
        ("readyReplicas", t.ready),
        ("availableReplicas", t.available),
        (
            "unavailableReplicas",
            (t.spec_total.max(i.replicas) - t.available).max(0),
        ),
    ] {
        if v > 0 {
            s.insert(k.into(), json!(v));
        }
    }
    if i.collisions > 0 {
        s.insert("collisionCount".into(), json!(i.collisions));
    }
    let mut status = Value::Object(s);
    if let Some(c) = i.old.get("conditions") {
        obj_insert(&mut status, "conditions", c.clone());
    }
    let now = i.now;
    if t.available >= i.replicas - i.max_unavailable {
        set_condition(
            &mut status,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            now,
            false,
        );
    } else {
        set_condition(
            &mut status,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            now,
            false,
        );
    }
    let complete = t.updated == i.replicas && t.replicas == i.replicas && t.available == i.replicas;
    let rs = i.new_rs.unwrap_or("");
    let cur = reason_of(condition(&status, "Progressing")).to_string();
    if i.paused {
        if cur != "DeploymentPaused" {
            set_condition(
                &mut status,
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused",
                now,
                false,
            );
        }
        return (status, complete);
    }
    if cur == "DeploymentPaused" {
        set_condition(
            &mut status,
            "Progressing",
            "Unknown",
            "DeploymentResumed",
            "Deployment is resumed",
            now,
            false,
        );
    }
    if let Some((reason, msg)) = &i.found {
        set_condition(&mut status, "Progressing", "True", reason, msg, now, false);
    }
    let cur = reason_of(condition(&status, "Progressing")).to_string();
    let already_complete = t.replicas == t.updated && cur == "NewReplicaSetAvailable";
    if already_complete {
        return (status, complete);
    }
    if complete {
        let msg = format!("ReplicaSet \"{rs}\" has successfully progressed.");
        set_condition(
            &mut status,
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            &msg,
            now,
            false,
        );
    } else if progressing(i.old, &t) {
        let msg = format!("ReplicaSet \"{rs}\" is progressing.");
        set_condition(
            &mut status,
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            &msg,
            now,
            true,
        );
    } else if timed_out(&status, i.deadline_s, now) {
        let msg = format!("ReplicaSet \"{rs}\" has timed out progressing.");
        set_condition(
            &mut status,
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            &msg,
            now,
            false,
        );
    }
    (status, complete)
}

fn obj_insert(v: &mut Value, k: &str, x: Value) {
    super::super::obj::ensure_object(v).insert(k.to_string(), x);
}

fn progressing(old: &Value, t: &Totals) -> bool {
    let old_old = get_i(old, "replicas") - get_i(old, "updatedReplicas");
    let new_old = t.replicas - t.updated;
    t.updated > get_i(old, "updatedReplicas")
        || new_old < old_old
        || t.ready > get_i(old, "readyReplicas")
        || t.available > get_i(old, "availableReplicas")
}

fn timed_out(status: &Value, deadline_s: i64, now: Millis) -> bool {
    let Some(c) = condition(status, "Progressing") else {
        return false;
    };
    match reason_of(Some(c)) {
        "ProgressDeadlineExceeded" => return true,
        "NewReplicaSetAvailable" => return false,
        _ => {}
    }
    let from = c
        .get("lastUpdateTime")
        .and_then(Value::as_str)
        .and_then(parse)
        .unwrap_or(now);
    from + deadline_s * 1000 < now
}
