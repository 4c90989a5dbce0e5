//! Kubernetes Events (core/v1) written by the simulated controllers.

use serde_json::{Value, json};

use super::clock::rfc3339;
use super::cluster::{Cluster, key};
use super::kind::Kind;
use super::obj;

/// How many events a cluster keeps.
pub const MAX_EVENTS: usize = 2_000;

/// The object an event is about.
#[derive(Debug, Clone, Copy)]
pub struct Involved<'a> {
    /// kind
    pub kind: &'static str,
    /// apiVersion
    pub api_version: &'static str,
    /// namespace
    pub ns: &'a str,
    /// name
    pub name: &'a str,
    /// uid
    pub uid: &'a str,
}

impl<'a> Involved<'a> {
    /// The object described by a stored document.
    pub fn of(kind: Kind, v: &'a Value) -> Self {
        Self {
            kind: kind.info().kind,
            api_version: match kind {
                Kind::Deployment | Kind::ReplicaSet => "apps/v1",
                Kind::Hpa => "autoscaling/v2",
                _ => "v1",
            },
            ns: obj::namespace(v),
            name: obj::name(v),
            uid: obj::meta(v, "uid").unwrap_or(""),
        }
    }
}

impl Cluster {
    /// Record an event (`Normal` or `Warning`).
    pub fn event(
        &mut self,
        about: Involved<'_>,
        warning: bool,
        reason: &str,
        message: &str,
        component: &str,
    ) {
        if self.ctl.quiet {
            return;
        }
        self.ctl.event_seq += 1;
        let now = self.now();
        let name = format!(
            "{}.{:016x}",
            about.name,
            (now as u64).wrapping_mul(1_000_000) + self.ctl.event_seq
        );
        let v = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": about.ns,
                "uid": self.rng.uuid(),
                "creationTimestamp": rfc3339(now),
            },
            "involvedObject": {
                "kind": about.kind,
                "namespace": about.ns,
                "name": about.name,
                "uid": about.uid,
                "apiVersion": about.api_version,
            },
            "reason": reason,
            "message": message,
            "source": {"component": component},
            "firstTimestamp": rfc3339(now),
            "lastTimestamp": rfc3339(now),
            "eventTime": Value::Null,
            "count": 1,
            "type": if warning { "Warning" } else { "Normal" },
            "reportingComponent": component,
            "reportingInstance": "",
        });
        let mut v = v;
        super::normalize::drop_nulls(&mut v);
        self.put(Kind::Event, v);
        self.ctl.events.push_back(key(about.ns, &name));
        while self.ctl.events.len() > MAX_EVENTS {
            if let Some((ns, n)) = self.ctl.events.pop_front() {
                self.remove(Kind::Event, &ns, &n);
            }
        }
    }
}
