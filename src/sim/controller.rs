//! The deployment controller: finds or creates the new ReplicaSet (revisions,
//! pod-template-hash), rolls pods over with maxSurge/maxUnavailable (or
//! Recreate), keeps `revisionHistoryLimit` old ReplicaSets, and writes the
//! status and conditions `kubectl rollout status` reads.

pub mod rollout;
pub mod status;

use std::sync::Arc;

use serde_json::{Value, json};

use super::cluster::{Cluster, Key, key};
use super::hash::pod_template_hash;
use super::kind::Kind;
use super::normalize::without_hash;
use super::obj;
use super::replicaset::revision;
use rollout::{RsState, rolling_step, surge_unavailable};
use status::{StatusInput, Totals};

/// Deployment annotations not copied to its ReplicaSets.
pub const SKIP_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

impl Cluster {
    /// Reconcile one deployment. Returns whether it still needs attention.
    pub fn reconcile_deployment(&mut self, k: &Key) -> bool {
        let Some(d) = self.doc(Kind::Deployment, &k.0, &k.1) else {
            return false;
        };
        if obj::meta(&d, "deletionTimestamp").is_some() {
            return false;
        }
        let uid = obj::meta(&d, "uid").unwrap_or("").to_string();
        let spec = d.get("spec").cloned().unwrap_or(json!({}));
        let replicas = spec
            .get("replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(0);
        let paused = spec.get("paused").and_then(Value::as_bool).unwrap_or(false);
        let recreate =
            obj::path(&spec, "strategy.type").and_then(Value::as_str) == Some("Recreate");
        let (surge, unavailable) = if recreate {
            (0, replicas)
        } else {
            surge_unavailable(&spec, replicas)
        };
        let template = without_hash(spec.get("template").unwrap_or(&Value::Null));
        let mut collisions = obj::int(&d, "status.collisionCount", 0) as u32;

        let mut rss = self.owned_rs(&k.0, &uid);
        let max_rev = rss.iter().map(|r| revision(r)).max().unwrap_or(0);
        let found_idx = rss.iter().position(|r| {
            without_hash(
                r.get("spec")
                    .and_then(|s| s.get("template"))
                    .unwrap_or(&Value::Null),
            ) == template
        });
        let mut found: Option<(&'static str, String)> = None;
        let new_name: Option<String> = match found_idx {
            Some(i) => {
                let name = obj::name(&rss[i]).to_string();
                if revision(&rss[i]) < max_rev {
                    let mut v = (*rss[i]).clone();
                    let old = revision(&v);
                    let hist =
                        match obj::annotation(&v, "deployment.kubernetes.io/revision-history") {
                            Some(h) if !h.is_empty() => format!("{h},{old}"),
                            _ => old.to_string(),
                        };
                    obj::set_annotation(&mut v, "deployment.kubernetes.io/revision-history", &hist);
                    obj::set_annotation(
                        &mut v,
                        "deployment.kubernetes.io/revision",
                        &(max_rev + 1).to_string(),
                    );
                    rss[i] = self.put(Kind::ReplicaSet, v);
                    found = Some((
                        "FoundNewReplicaSet",
                        format!("Found new replica set \"{name}\""),
                    ));
                }
                Some(name)
            }
            None if paused => None,
            None => {
                let mut hash = pod_template_hash(&template, collisions);
                while self
                    .doc(Kind::ReplicaSet, &k.0, &format!("{}-{hash}", k.1))
                    .is_some()
                {
                    collisions += 1;
                    hash = pod_template_hash(&template, collisions);
                }
                let rs = self.new_rs(&d, &template, &hash, max_rev + 1);
                let name = obj::name(&rs).to_string();
                found = Some((
                    "NewReplicaSetCreated",
                    format!("Created new replica set \"{name}\""),
                ));
                rss.push(rs);
                Some(name)
            }
        };

        // Annotations: deployment -> new RS, revision -> deployment.
        let mut d_rev =
            obj::annotation(&d, "deployment.kubernetes.io/revision").map(str::to_string);
        if let Some(name) = &new_name
            && let Some(i) = rss.iter().position(|r| obj::name(r) == name)
        {
            let rs = self.sync_rs_annotations(&d, &rss[i], replicas, replicas + surge);
            d_rev = Some(revision(&rs).to_string());
            rss[i] = rs;
        }

        // Scale.
        if !paused || new_name.is_none() {
            self.scale_all(
                &d,
                &rss,
                new_name.as_deref(),
                replicas,
                surge,
                unavailable,
                recreate,
            );
        } else if let Some(name) = &new_name {
            // Paused: only a replicas change applies, and only when no old pods remain.
            let others: i64 = rss
                .iter()
                .filter(|r| obj::name(r) != name)
                .map(|r| obj::int(r, "spec.replicas", 0))
                .sum();
            if others == 0
                && let Some(rs) = rss.iter().find(|r| obj::name(r) == name)
            {
                self.scale_rs(rs, replicas, &d);
            }
        }
        let names: Vec<String> = rss.iter().map(|r| obj::name(r).to_string()).collect();
        let mut moving = false;
        for n in &names {
            moving |= self.reconcile_rs(&k.0, n);
        }
        self.cleanup_history(
            &k.0,
            &uid,
            new_name.as_deref(),
            obj::int(&d, "spec.revisionHistoryLimit", 10),
        );

        // Status.
        let mut t = Totals::default();
        for n in &names {
            let Some(rs) = self.doc(Kind::ReplicaSet, &k.0, n) else {
                continue;
            };
            let c = self.counts(&k.0, n);
            t.replicas += c.pods;
            t.ready += c.ready;
            t.available += c.ready;
            t.spec_total += obj::int(&rs, "spec.replicas", 0);
            if Some(n.as_str()) == new_name.as_deref() {
                t.updated += c.pods;
            }
        }
        let Some(d) = self.doc(Kind::Deployment, &k.0, &k.1) else {
            return false;
        };
        let old = d.get("status").cloned().unwrap_or(json!({}));
        let input = StatusInput {
            old: &old,
            totals: t,
            replicas,
            max_unavailable: unavailable,
            generation: obj::int(&d, "metadata.generation", 1),
            paused,
            deadline_s: obj::int(&d, "spec.progressDeadlineSeconds", 600),
            new_rs: new_name.as_deref(),
            found,
            collisions,
            now: self.now(),
        };
        let (st, complete) = status::compute(&input);
        let rev_changed =
            d_rev.as_deref() != obj::annotation(&d, "deployment.kubernetes.io/revision");
        if st != old || rev_changed {
            let mut v = (*d).clone();
            if let Some(r) = d_rev {
                obj::set_annotation(&mut v, "deployment.kubernetes.io/revision", &r);
            }
            obj::ensure_object(&mut v).insert("status".into(), st);
            self.put(Kind::Deployment, v);
        }
        let timed_out = obj::path(&old, "conditions")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.get("reason").and_then(Value::as_str) == Some("ProgressDeadlineExceeded")
                })
            });
        moving || (!complete && !paused && !timed_out)
    }

    fn sync_rs_annotations(
        &mut self,
        d: &Value,
        rs: &Arc<Value>,
        replicas: i64,
        max: i64,
    ) -> Arc<Value> {
        let mut v = (**rs).clone();
        if let Some(anns) = d
            .get("metadata")
            .and_then(|m| m.get("annotations"))
            .and_then(Value::as_object)
        {
            for (ak, av) in anns {
                if !SKIP_ANNOTATIONS.contains(&ak.as_str())
                    && let Some(s) = av.as_str()
                {
                    obj::set_annotation(&mut v, ak, s);
                }
            }
        }
        obj::set_annotation(
            &mut v,
            "deployment.kubernetes.io/desired-replicas",
            &replicas.to_string(),
        );
        obj::set_annotation(
            &mut v,
            "deployment.kubernetes.io/max-replicas",
            &max.to_string(),
        );
        if v == **rs {
            rs.clone()
        } else {
            self.put(Kind::ReplicaSet, v)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scale_all(
        &mut self,
        d: &Value,
        rss: &[Arc<Value>],
        new: Option<&str>,
        replicas: i64,
        surge: i64,
        unavailable: i64,
        recreate: bool,
    ) {
        let ns = obj::namespace(d).to_string();
        let state = |c: &Cluster, r: &Value| RsState {
            name: obj::name(r).to_string(),
            spec: obj::int(r, "spec.replicas", 0),
            available: c.counts(&ns, obj::name(r)).ready,
        };
        let old: Vec<&Arc<Value>> = rss.iter().filter(|r| Some(obj::name(r)) != new).collect();
        let new_rs = new.and_then(|n| rss.iter().find(|r| obj::name(r) == n));
        let Some(new_rs) = new_rs else {
            // Paused with no new ReplicaSet: nothing to roll.
            return;
        };
        if recreate {
            for r in &old {
                self.scale_rs(r, 0, d);
            }
            let old_pods: i64 = old
                .iter()
                .map(|r| self.counts(&ns, obj::name(r)).pods)
                .sum();
            let old_terminating = old.iter().any(|r| {
                self.ctl
                    .rs_pods
                    .get(&key(&ns, obj::name(r)))
                    .is_some_and(|s| !s.is_empty())
            });
            if old_pods == 0 && !old_terminating {
                self.scale_rs(new_rs, replicas, d);
            }
            return;
        }
        let new_state = state(self, new_rs);
        let old_states: Vec<RsState> = old.iter().map(|r| state(self, r)).collect();
        let (n, o) = rolling_step(replicas, surge, unavailable, &new_state, &old_states);
        for (r, to) in old.iter().zip(o) {
            self.scale_rs(r, to, d);
        }
        self.scale_rs(new_rs, n, d);
    }

    /// Keep `limit` old ReplicaSets: like the upstream controller, count
    /// every old one and delete, oldest first, those of the excess that are
    /// scaled to zero with no pods left.
    fn cleanup_history(&mut self, ns: &str, uid: &str, new: Option<&str>, limit: i64) {
        let old: Vec<Arc<Value>> = self
            .owned_rs(ns, uid)
            .into_iter()
            .filter(|r| Some(obj::name(r)) != new)
            .collect();
        let excess = old.len().saturating_sub(limit.max(0) as usize);
        for r in old.iter().take(excess) {
            let name = obj::name(r);
            let idle = obj::int(r, "spec.replicas", 0) == 0
                && self
                    .ctl
                    .rs_pods
                    .get(&key(ns, name))
                    .is_none_or(|s| s.is_empty());
            if idle {
                self.remove(Kind::ReplicaSet, ns, name);
                self.ctl.rs_pods.remove(&key(ns, name));
            }
        }
    }

    /// Delete a deployment and its ReplicaSets (foreground-style cascade).
    pub fn delete_deployment(&mut self, ns: &str, name: &str) -> Option<Arc<Value>> {
        let d = self.doc(Kind::Deployment, ns, name)?;
        let uid = obj::meta(&d, "uid").unwrap_or("").to_string();
        for rs in self.owned_rs(ns, &uid) {
            self.delete_rs(ns, obj::name(&rs));
        }
        self.ctl.active.remove(&key(ns, name));
        self.remove(Kind::Deployment, ns, name)
    }
}
