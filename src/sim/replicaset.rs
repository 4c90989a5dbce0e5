//! The ReplicaSet controller: keeps each ReplicaSet's pods at its
//! `spec.replicas`, and writes its status.

use std::sync::Arc;

use serde_json::{Value, json};

use super::clock::rfc3339;
use super::cluster::{Cluster, key};
use super::events::Involved;
use super::kind::Kind;
use super::obj;
use super::pod::{Pod, Stage};

/// Pod counts of one ReplicaSet (pods being deleted excluded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// pods
    pub pods: i64,
    /// ready pods
    pub ready: i64,
}

/// A ReplicaSet's `metadata.ownerReferences[controller]` uid.
pub fn owner_uid(rs: &Value) -> Option<&str> {
    rs.get("metadata")?
        .get("ownerReferences")?
        .as_array()?
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))?
        .get("uid")?
        .as_str()
}

/// The owner's name.
pub fn owner_name(rs: &Value) -> Option<&str> {
    rs.get("metadata")?
        .get("ownerReferences")?
        .as_array()?
        .first()?
        .get("name")?
        .as_str()
}

/// The revision annotation of a ReplicaSet.
pub fn revision(rs: &Value) -> i64 {
    obj::annotation(rs, "deployment.kubernetes.io/revision")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

impl Cluster {
    /// Pod counts for a ReplicaSet.
    pub fn counts(&self, ns: &str, rs: &str) -> Counts {
        let mut c = Counts::default();
        if let Some(names) = self.ctl.rs_pods.get(&key(ns, rs)) {
            for n in names {
                if let Some(p) = self.pods.get(&key(ns, n))
                    && p.deleting.is_none()
                {
                    c.pods += 1;
                    c.ready += i64::from(p.ready());
                }
            }
        }
        c
    }

    /// ReplicaSets controlled by the object with `uid`, oldest revision first.
    pub fn owned_rs(&self, ns: &str, uid: &str) -> Vec<Arc<Value>> {
        let mut out: Vec<Arc<Value>> = self
            .docs_of(Kind::ReplicaSet, Some(ns))
            .into_iter()
            .filter(|r| owner_uid(r) == Some(uid))
            .collect();
        out.sort_by_key(|r| {
            (
                revision(r),
                obj::meta(r, "creationTimestamp").unwrap_or("").to_string(),
            )
        });
        out
    }

    /// Set a ReplicaSet's `spec.replicas`; records the deployment's
    /// ScalingReplicaSet event.
    pub fn scale_rs(&mut self, rs: &Value, to: i64, deployment: &Value) {
        let from = obj::int(rs, "spec.replicas", 0);
        if from == to {
            return;
        }
        let mut v = rs.clone();
        obj::obj_mut(&mut v, &["spec"]).insert("replicas".into(), json!(to));
        let name = obj::name(&v).to_string();
        self.put(Kind::ReplicaSet, v);
        let dir = if to > from { "up" } else { "down" };
        let msg = format!("Scaled {dir} replica set {name} from {from} to {to}");
        self.event(
            Involved::of(Kind::Deployment, deployment),
            false,
            "ScalingReplicaSet",
            &msg,
            "deployment-controller",
        );
    }

    /// Create or delete pods so the ReplicaSet has `spec.replicas`; update
    /// its status. Returns whether its pods changed.
    pub fn reconcile_rs(&mut self, ns: &str, name: &str) -> bool {
        let Some(rs) = self.doc(Kind::ReplicaSet, ns, name) else {
            return false;
        };
        let want = obj::int(&rs, "spec.replicas", 1).max(0);
        let have = self.counts(ns, name);
        let mut changed = false;
        if have.pods < want {
            let template = Arc::new(
                rs.get("spec")
                    .and_then(|s| s.get("template"))
                    .cloned()
                    .unwrap_or(Value::Null),
            );
            for _ in have.pods..want {
                self.create_pod(&rs, template.clone());
            }
            changed = true;
        } else if have.pods > want {
            self.delete_pods(&rs, (have.pods - want) as usize);
            changed = true;
        }
        self.rs_status(&rs);
        changed
    }

    fn rs_status(&mut self, rs: &Value) {
        let c = self.counts(obj::namespace(rs), obj::name(rs));
        let mut status = serde_json::Map::new();
        status.insert("replicas".into(), json!(c.pods));
        if c.pods > 0 {
            status.insert("fullyLabeledReplicas".into(), json!(c.pods));
        }
        if c.ready > 0 {
            status.insert("readyReplicas".into(), json!(c.ready));
            status.insert("availableReplicas".into(), json!(c.ready));
        }
        status.insert(
            "observedGeneration".into(),
            json!(obj::int(rs, "metadata.generation", 1)),
        );
        let status = Value::Object(status);
        if rs.get("status") != Some(&status) {
            let mut v = rs.clone();
            obj::ensure_object(&mut v).insert("status".into(), status);
            self.put(Kind::ReplicaSet, v);
        }
    }

    fn create_pod(&mut self, rs: &Value, template: Arc<Value>) {
        let ns = obj::namespace(rs).to_string();
        let rs_name = obj::name(rs).to_string();
        let mut name = format!("{rs_name}-{}", self.rng.suffix(5));
        while self.pods.contains_key(&key(&ns, &name)) {
            name = format!("{rs_name}-{}", self.rng.suffix(5));
        }
        let (node, host_ip) = if self.ctl.nodes.is_empty() {
            (String::new(), String::new())
        } else {
            self.ctl.next_node = (self.ctl.next_node + 1) % self.ctl.nodes.len();
            self.ctl.nodes[self.ctl.next_node].clone()
        };
        self.ctl.next_ip = self.ctl.next_ip.wrapping_add(1);
        let ip = format!(
            "10.{}.{}.{}",
            64 + (self.ctl.next_ip >> 16) % 64,
            (self.ctl.next_ip >> 8) & 0xff,
            self.ctl.next_ip & 0xff
        );
        let now = self.now();
        let pod = Pod {
            ns: ns.clone(),
            name: name.clone(),
            uid: self.rng.uuid(),
            rv: 0,
            rs: rs_name.clone(),
            rs_uid: obj::meta(rs, "uid").unwrap_or("").to_string(),
            template,
            node: node.clone(),
            host_ip,
            ip,
            created: now,
            started: None,
            stage: Stage::Pending,
            restarts: 0,
            changed: now,
            deleting: None,
            region_failed: self.failed,
        };
        let uid = pod.uid.clone();
        self.add_pod(pod);
        self.ctl.moving.insert(key(&ns, &name));
        self.event(
            Involved::of(Kind::ReplicaSet, rs),
            false,
            "SuccessfulCreate",
            &format!("Created pod: {name}"),
            "replicaset-controller",
        );
        let about = Involved {
            kind: "Pod",
            api_version: "v1",
            ns: &ns,
            name: &name,
            uid: &uid,
        };
        let msg = format!("Successfully assigned {ns}/{name} to {node}");
        self.event(about, false, "Scheduled", &msg, "default-scheduler");
    }

    /// Delete `n` pods of a ReplicaSet, not-ready and newest first.
    fn delete_pods(&mut self, rs: &Value, n: usize) {
        let ns = obj::namespace(rs).to_string();
        let Some(names) = self.ctl.rs_pods.get(&key(&ns, obj::name(rs))) else {
            return;
        };
        let mut victims: Vec<(bool, i64, String)> = names
            .iter()
            .filter_map(|pn| self.pods.get(&key(&ns, pn)))
            .filter(|p| p.deleting.is_none())
            .map(|p| (p.ready(), -p.created, p.name.clone()))
            .collect();
        victims.sort();
        let now = self.now();
        for (_, _, pn) in victims.into_iter().take(n) {
            let k = key(&ns, &pn);
            if let Some(p) = self.pods.get_mut(&k) {
                p.deleting = Some(now);
                p.changed = now;
            }
            self.ctl.moving.remove(&k);
            self.touch_pod(&k);
            self.ctl.terminating.insert(k);
            let msg = format!("Deleted pod: {pn}");
            self.event(
                Involved::of(Kind::ReplicaSet, rs),
                false,
                "SuccessfulDelete",
                &msg,
                "replicaset-controller",
            );
        }
    }

    /// Delete a ReplicaSet and (gracefully) its pods.
    pub fn delete_rs(&mut self, ns: &str, name: &str) {
        if let Some(rs) = self.doc(Kind::ReplicaSet, ns, name) {
            let n = self.counts(ns, name).pods as usize;
            self.delete_pods(&rs, n);
            self.remove(Kind::ReplicaSet, ns, name);
        }
    }

    /// Begin deleting one pod (API DELETE); its ReplicaSet replaces it.
    pub fn delete_pod(&mut self, ns: &str, name: &str) -> bool {
        let k = key(ns, name);
        let now = self.now();
        let Some(p) = self.pods.get_mut(&k) else {
            return false;
        };
        if p.deleting.is_none() {
            p.deleting = Some(now);
            p.changed = now;
            let rs = p.rs.clone();
            self.ctl.moving.remove(&k);
            self.touch_pod(&k);
            self.ctl.terminating.insert(k);
            self.activate_owner_of_rs(ns, &rs);
        }
        true
    }

    /// Mark the Deployment that owns a ReplicaSet for reconciliation.
    pub fn activate_owner_of_rs(&mut self, ns: &str, rs: &str) {
        if let Some(rs) = self.doc(Kind::ReplicaSet, ns, rs)
            && let Some(d) = owner_name(&rs)
        {
            self.ctl.active.insert(key(ns, d));
        }
    }

    /// A new ReplicaSet for a deployment: `<deploy>-<hash>`, controlled by it.
    pub fn new_rs(&mut self, d: &Value, template: &Value, hash: &str, revision: i64) -> Arc<Value> {
        let ns = obj::namespace(d);
        let dname = obj::name(d);
        let mut t = template.clone();
        obj::obj_mut(&mut t, &["metadata", "labels"])
            .insert("pod-template-hash".into(), json!(hash));
        let labels = t["metadata"]["labels"].clone();
        let mut selector = d
            .get("spec")
            .and_then(|s| s.get("selector"))
            .cloned()
            .unwrap_or(json!({}));
        obj::obj_mut(&mut selector, &["matchLabels"])
            .insert("pod-template-hash".into(), json!(hash));
        let v = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": format!("{dname}-{hash}"),
                "namespace": ns,
                "uid": self.rng.uuid(),
                "generation": 1,
                "creationTimestamp": rfc3339(self.now()),
                "labels": labels,
                "annotations": {"deployment.kubernetes.io/revision": revision.to_string()},
                "ownerReferences": [{
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": dname,
                    "uid": obj::meta(d, "uid").unwrap_or(""),
                    "controller": true,
                    "blockOwnerDeletion": true,
                }],
            },
            "spec": {"replicas": 0, "minReadySeconds": obj::int(d, "spec.minReadySeconds", 0), "selector": selector, "template": t},
            "status": {"replicas": 0},
        });
        self.put(Kind::ReplicaSet, v)
    }
}
