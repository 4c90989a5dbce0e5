//! Pod lifecycle on the simulated clock: Pending -> ContainerCreating ->
//! Running/Ready, or ImagePullBackOff / CrashLoopBackOff for a bad image;
//! Terminating pods disappear after a grace period.

use std::collections::BTreeSet;

use super::clock::Millis;
use super::cluster::{Cluster, Key, key};
use super::config::ImageFate;
use super::events::Involved;
use super::pod::Stage;

/// Simulated ms between crash-loop restarts (doubled per restart, capped).
const CRASH_BACKOFF_MS: Millis = 10_000;

impl Cluster {
    /// Advance every moving pod; returns the (namespace, ReplicaSet) pairs
    /// whose pods changed.
    pub fn advance_pods(&mut self, now: Millis) -> BTreeSet<Key> {
        let mut touched = BTreeSet::new();
        let moving: Vec<Key> = self.ctl.moving.iter().cloned().collect();
        for k in moving {
            if let Some(rs) = self.step_pod(&k, now, false) {
                touched.insert(key(&k.0, &rs));
            }
        }
        let done: Vec<Key> = self
            .ctl
            .terminating
            .iter()
            .filter(|k| {
                self.pods
                    .get(*k)
                    .and_then(|p| p.deleting)
                    .is_none_or(|t| now - t >= self.settings.terminate_ms)
            })
            .cloned()
            .collect();
        for k in done {
            if let Some(p) = self.pods.get(&k) {
                touched.insert(key(&k.0, &p.rs));
            }
            self.drop_pod(&k);
        }
        touched
    }

    /// Move one pod forward. `instant`: skip the delays (building the world).
    /// Returns the pod's ReplicaSet when the pod changed.
    pub fn step_pod(&mut self, k: &Key, now: Millis, instant: bool) -> Option<String> {
        let settings = self.settings.clone();
        let pod = self.pods.get(k)?;
        let age = now - pod.created;
        let fate = settings.fate(pod.image());
        let (stage, restarts) = (pod.stage, pod.restarts);
        let next = match stage {
            Stage::Pending if instant || age >= settings.schedule_ms => {
                Some((Stage::Creating, restarts))
            }
            Stage::Creating if instant || age >= settings.ready_ms => Some(match fate {
                ImageFate::Good => (Stage::Running, restarts),
                ImageFate::PullFail => (Stage::PullBackOff, restarts),
                ImageFate::Crash => (Stage::CrashLoop, restarts + 1),
            }),
            Stage::CrashLoop => {
                let wait = CRASH_BACKOFF_MS << restarts.min(5);
                (now - pod.changed >= wait).then_some((Stage::CrashLoop, restarts + 1))
            }
            _ => None,
        };
        let (stage, restarts) = next?;
        let rs = pod.rs.clone();
        let image = pod.image().to_string();
        let container = pod
            .containers()
            .first()
            .and_then(|c| c.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string();
        let (ns, name, uid) = (pod.ns.clone(), pod.name.clone(), pod.uid.clone());
        if let Some(p) = self.pods.get_mut(k) {
            p.stage = stage;
            p.restarts = restarts;
            p.changed = now;
            if stage == Stage::Running && p.started.is_none() {
                p.started = Some(now);
            }
        }
        if matches!(stage, Stage::Running | Stage::PullBackOff) {
            self.ctl.moving.remove(k);
        }
        self.touch_pod(k);
        let about = Involved {
            kind: "Pod",
            api_version: "v1",
            ns: &ns,
            name: &name,
            uid: &uid,
        };
        let c = "kubelet";
        match stage {
            Stage::Creating => self.event(
                about,
                false,
                "Pulling",
                &format!("Pulling image \"{image}\""),
                c,
            ),
            Stage::Running => {
                self.event(
                    about,
                    false,
                    "Pulled",
                    &format!("Successfully pulled image \"{image}\""),
                    c,
                );
                self.event(
                    about,
                    false,
                    "Created",
                    &format!("Created container {container}"),
                    c,
                );
                self.event(
                    about,
                    false,
                    "Started",
                    &format!("Started container {container}"),
                    c,
                );
            }
            Stage::PullBackOff => {
                let msg = format!(
                    "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
                );
                self.event(about, true, "Failed", &msg, c);
                self.event(
                    about,
                    false,
                    "BackOff",
                    &format!("Back-off pulling image \"{image}\""),
                    c,
                );
            }
            Stage::CrashLoop => {
                if restarts == 1 {
                    self.event(
                        about,
                        false,
                        "Started",
                        &format!("Started container {container}"),
                        c,
                    );
                }
                let msg = format!(
                    "Back-off restarting failed container {container} in pod {name}_{ns}({uid})"
                );
                self.event(about, true, "BackOff", &msg, c);
            }
            Stage::Pending => {}
        }
        Some(rs)
    }

    /// Mark the region failed (pods NotReady) or recovered.
    pub fn set_failed(&mut self, failed: bool) {
        if self.failed == failed {
            return;
        }
        self.failed = failed;
        let keys: Vec<Key> = self.pods.keys().cloned().collect();
        for k in keys {
            if let Some(p) = self.pods.get_mut(&k) {
                p.region_failed = failed;
                p.changed = self.frozen.unwrap_or_else(|| self.clock.now());
            }
            self.touch_pod(&k);
        }
        let ds: Vec<Key> = self
            .docs
            .get(&super::kind::Kind::Deployment)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        self.ctl.active.extend(ds);
    }

    /// One controller pass: pods, deployments, autoscalers, leases.
    pub fn tick(&mut self) {
        let now = self.now();
        let touched = self.advance_pods(now);
        for (ns, rs) in touched {
            self.activate_owner_of_rs(&ns, &rs);
        }
        let active: Vec<Key> = self.ctl.active.iter().cloned().collect();
        for k in active {
            if !self.reconcile_deployment(&k) {
                self.ctl.active.remove(&k);
            }
        }
        if now - self.ctl.last_hpa >= self.settings.hpa_every_ms {
            self.ctl.last_hpa = now;
            self.run_hpas(now);
        }
        if now - self.ctl.last_lease >= 10_000 {
            self.ctl.last_lease = now;
            self.renew_leases(now);
        }
    }

    /// Run the controllers with no delays until nothing moves (building the
    /// initial world at a frozen time).
    pub fn settle(&mut self) {
        let now = self.now();
        for _ in 0..64 {
            let moving: Vec<Key> = self.ctl.moving.iter().cloned().collect();
            for k in &moving {
                while self.ctl.moving.contains(k) {
                    if self.step_pod(k, now, true).is_none() {
                        break;
                    }
                }
            }
            let terminating: Vec<Key> = self.ctl.terminating.iter().cloned().collect();
            for k in &terminating {
                self.drop_pod(k);
            }
            let active: Vec<Key> = self.ctl.active.iter().cloned().collect();
            if active.is_empty() && self.ctl.moving.is_empty() {
                break;
            }
            for k in active {
                if !self.reconcile_deployment(&k) {
                    self.ctl.active.remove(&k);
                }
            }
        }
    }
}
