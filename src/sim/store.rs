//! Object storage for a cluster: resourceVersions, watch history, and the
//! broadcast to live watchers.

use std::sync::Arc;

use serde_json::Value;

use super::clock::rfc3339;
use super::cluster::{Change, Cluster, EventType, Key, Signal, key};
use super::kind::Kind;
use super::obj;
use super::pod::Pod;

/// How many changes a cluster remembers for resuming watches.
pub const HISTORY: usize = 10_000;

impl Cluster {
    fn bump(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    fn record(&mut self, rv: u64, kind: Kind, etype: EventType, obj: Arc<Value>) {
        let change = Arc::new(Change {
            rv,
            kind,
            etype,
            obj,
        });
        if self.history.len() >= self.settings.watch_history.max(1)
            && let Some(old) = self.history.pop_front()
        {
            self.floor = self.floor.max(old.rv);
        }
        self.history.push_back(change.clone());
        // No receivers is fine.
        let _ = self.tx.send(Signal::Change(change));
    }

    /// A stored object (not pods).
    pub fn doc(&self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.docs.get(&kind)?.get(&key(ns, name)).cloned()
    }

    /// Any object, pods rendered.
    pub fn object(&self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Value>> {
        if kind == Kind::Pod {
            return self
                .pods
                .get(&key(ns, name))
                .map(|p| Arc::new(p.to_value()));
        }
        self.doc(kind, ns, name)
    }

    /// Store an object (not a pod): sets resourceVersion, records the change.
    pub fn put(&mut self, kind: Kind, mut v: Value) -> Arc<Value> {
        let rv = self.bump();
        obj::set_meta(&mut v, "resourceVersion", rv.to_string());
        let k = key(obj::namespace(&v), obj::name(&v));
        let v = Arc::new(v);
        let old = self.docs.entry(kind).or_default().insert(k, v.clone());
        let etype = if old.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(rv, kind, etype, v.clone());
        v
    }

    /// Remove an object (not a pod); records DELETED.
    pub fn remove(&mut self, kind: Kind, ns: &str, name: &str) -> Option<Arc<Value>> {
        let old = self.docs.get_mut(&kind)?.remove(&key(ns, name))?;
        let mut v = (*old).clone();
        if obj::meta(&v, "deletionTimestamp").is_none() {
            obj::set_meta(&mut v, "deletionTimestamp", rfc3339(self.now()));
            if kind != Kind::Event {
                // Watchers see the deletion start (MODIFIED), then DELETED.
                let rv = self.bump();
                obj::set_meta(&mut v, "resourceVersion", rv.to_string());
                self.record(rv, kind, EventType::Modified, Arc::new(v.clone()));
            }
        }
        let rv = self.bump();
        obj::set_meta(&mut v, "resourceVersion", rv.to_string());
        let v = Arc::new(v);
        self.record(rv, kind, EventType::Deleted, v.clone());
        Some(v)
    }

    /// Objects of a kind, optionally in one namespace, in key order.
    pub fn docs_of(&self, kind: Kind, ns: Option<&str>) -> Vec<Arc<Value>> {
        let Some(map) = self.docs.get(&kind) else {
            return Vec::new();
        };
        match ns {
            Some(ns) => map
                .range(key(ns, "")..)
                .take_while(|(k, _)| k.0 == ns)
                .map(|(_, v)| v.clone())
                .collect(),
            None => map.values().cloned().collect(),
        }
    }

    /// Add a new pod; records ADDED.
    pub fn add_pod(&mut self, mut pod: Pod) {
        let rv = self.bump();
        pod.rv = rv;
        let k = key(&pod.ns, &pod.name);
        self.ctl
            .rs_pods
            .entry(key(&pod.ns, &pod.rs))
            .or_default()
            .insert(pod.name.clone());
        // While the initial world is built nobody watches: skip rendering.
        let v = (!self.ctl.quiet).then(|| Arc::new(pod.to_value()));
        self.pods.insert(k, pod);
        if let Some(v) = v {
            self.record(rv, Kind::Pod, EventType::Added, v);
        }
    }

    /// Record that a pod changed (MODIFIED).
    pub fn touch_pod(&mut self, k: &Key) {
        let rv = self.bump();
        let quiet = self.ctl.quiet;
        let Some(pod) = self.pods.get_mut(k) else {
            return;
        };
        pod.rv = rv;
        if quiet {
            return;
        }
        let v = Arc::new(pod.to_value());
        self.record(rv, Kind::Pod, EventType::Modified, v);
    }

    /// Remove a pod for good (DELETED).
    pub fn drop_pod(&mut self, k: &Key) {
        let Some(mut pod) = self.pods.remove(k) else {
            return;
        };
        if let Some(set) = self.ctl.rs_pods.get_mut(&key(&pod.ns, &pod.rs)) {
            set.remove(&pod.name);
        }
        self.ctl.moving.remove(k);
        self.ctl.terminating.remove(k);
        let rv = self.bump();
        pod.rv = rv;
        if self.ctl.quiet {
            return;
        }
        let v = Arc::new(pod.to_value());
        self.record(rv, Kind::Pod, EventType::Deleted, v);
    }

    /// Forget history: every open watch and every resume from an older
    /// resourceVersion ends with 410 Expired (like an etcd compaction).
    pub fn expire_watches(&mut self) {
        self.floor = self.rv;
        self.history.clear();
        let _ = self.tx.send(Signal::Expire);
    }

    /// Changes after `rv`, or `None` when `rv` is older than the history.
    pub fn changes_since(&self, rv: u64) -> Option<Vec<Arc<Change>>> {
        if rv < self.floor {
            return None;
        }
        let start = self.history.partition_point(|c| c.rv <= rv);
        Some(self.history.iter().skip(start).cloned().collect())
    }
}
