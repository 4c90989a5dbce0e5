//! The HorizontalPodAutoscaler (autoscaling/v2) controller and the leases the
//! control plane renews.
//!
//! Load is synthetic: CPU utilisation of a target follows a slow wave whose
//! phase comes from the region and deployment names (deterministic), and a
//! failed region runs hot. The HPA moves `spec.replicas` of its target within
//! `minReplicas..=maxReplicas` like the real one (10% tolerance).

use serde_json::{Value, json};

use super::clock::{Millis, rfc3339, rfc3339_micro};
use super::cluster::{Cluster, key};
use super::events::Involved;
use super::hash::fnv32a;
use super::kind::Kind;
use super::obj;

/// Period of the synthetic load wave (simulated ms).
const WAVE_MS: f64 = 20.0 * 60_000.0;

/// Synthetic CPU utilisation (percent of request) for a target.
pub fn utilisation(region: &str, target: &str, now: Millis, failed: bool) -> i64 {
    let phase = f64::from(fnv32a(format!("{region}/{target}").as_bytes()) % 1000) / 1000.0;
    let x = (now as f64 / WAVE_MS + phase) * std::f64::consts::TAU;
    let base = 55.0 + 30.0 * x.sin();
    (if failed { base + 40.0 } else { base }).round() as i64
}

impl Cluster {
    /// Evaluate every HPA once.
    pub fn run_hpas(&mut self, now: Millis) {
        for h in self.docs_of(Kind::Hpa, None) {
            self.run_hpa(&h, now);
        }
    }

    fn run_hpa(&mut self, h: &Value, now: Millis) {
        let ns = obj::namespace(h).to_string();
        let Some(target) = obj::path(h, "spec.scaleTargetRef.name").and_then(Value::as_str) else {
            return;
        };
        let Some(d) = self.doc(Kind::Deployment, &ns, target) else {
            return;
        };
        let min = obj::int(h, "spec.minReplicas", 1).max(1);
        let max = obj::int(h, "spec.maxReplicas", min).max(min);
        let want_util = h
            .get("spec")
            .and_then(|s| s.get("metrics"))
            .and_then(Value::as_array)
            .and_then(|m| m.first())
            .and_then(|m| obj::path(m, "resource.target.averageUtilization"))
            .and_then(Value::as_i64)
            .unwrap_or(80)
            .max(1);
        let current = obj::int(&d, "spec.replicas", 1);
        let util = utilisation(&self.region.name, target, now, self.failed);
        let ratio = util as f64 / want_util as f64;
        let mut desired = if (ratio - 1.0).abs() <= 0.1 {
            current
        } else {
            (current as f64 * ratio).ceil() as i64
        };
        desired = desired.clamp(min, max);
        let mut status = json!({
            "currentReplicas": current,
            "desiredReplicas": desired,
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": util}}}],
            "conditions": [
                {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": rfc3339(self.clock.epoch())},
                {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": rfc3339(self.clock.epoch())},
                {"type": "ScalingLimited", "status": if desired == min || desired == max { "True" } else { "False" }, "reason": if desired == max { "TooManyReplicas" } else if desired == min { "TooFewReplicas" } else { "DesiredWithinRange" }, "message": "the desired count is within the acceptable range", "lastTransitionTime": rfc3339(self.clock.epoch())},
            ],
        });
        if let Some(t) = h.get("status").and_then(|s| s.get("lastScaleTime")) {
            obj::ensure_object(&mut status).insert("lastScaleTime".into(), t.clone());
        }
        if desired != current {
            obj::ensure_object(&mut status).insert("lastScaleTime".into(), json!(rfc3339(now)));
            let mut dv = (*d).clone();
            obj::obj_mut(&mut dv, &["spec"]).insert("replicas".into(), json!(desired));
            let generation = obj::int(&dv, "metadata.generation", 1) + 1;
            obj::set_meta(&mut dv, "generation", generation);
            self.put(Kind::Deployment, dv);
            self.ctl.active.insert(key(&ns, target));
            let why = if desired > current { "above" } else { "below" };
            let msg = format!(
                "New size: {desired}; reason: cpu resource utilization (percentage of request) {why} target"
            );
            self.event(
                Involved::of(Kind::Hpa, h),
                false,
                "SuccessfulRescale",
                &msg,
                "horizontal-pod-autoscaler",
            );
        }
        if h.get("status") != Some(&status) {
            let mut hv = h.clone();
            obj::ensure_object(&mut hv).insert("status".into(), status);
            self.put(Kind::Hpa, hv);
        }
    }

    /// The control plane renews its leader-election leases.
    pub fn renew_leases(&mut self, now: Millis) {
        for l in self.docs_of(Kind::Lease, Some("kube-system")) {
            let mut v = (*l).clone();
            obj::obj_mut(&mut v, &["spec"]).insert("renewTime".into(), json!(rfc3339_micro(now)));
            self.put(Kind::Lease, v);
        }
    }
}
