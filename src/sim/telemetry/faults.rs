//! Telemetry faults, settable at start and at run time. Region faults are
//! ORed onto the Kubernetes side's flags; the service faults (Prometheus
//! down or slow, Alertmanager down) only exist here.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::input::WorldInput;

/// Every fault the telemetry side can inject.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Regions that are failed (errors, latency, alerts).
    pub region_failed: BTreeSet<String>,
    /// Regions with a latency spike: every latency quantile ×
    /// [`super::regional::LATENCY_SPIKE_FACTOR`] (+20 %), errors unchanged —
    /// mildly worse than the other regions, below the demo SLO thresholds.
    pub latency_spike: BTreeSet<String>,
    /// Regions with a cost anomaly (a runaway node group is billed).
    pub cost_anomaly: BTreeSet<String>,
    /// `region/service` pairs running a bad release.
    pub bad_release: BTreeSet<String>,
    /// Regions whose Prometheus answers 503 (`*` for every region and the global endpoint).
    pub prometheus_down: BTreeSet<String>,
    /// Extra delay of every Prometheus answer, milliseconds.
    pub prometheus_slow_ms: u64,
    /// The Alertmanager answers 503 and receives no alerts.
    pub alertmanager_down: bool,
}

impl Faults {
    /// Whether the Prometheus of `region` (None: the global endpoint) is down.
    pub fn prometheus_is_down(&self, region: Option<&str>) -> bool {
        self.prometheus_down.contains("*")
            || region.is_some_and(|r| self.prometheus_down.contains(r))
    }

    /// The fault kinds [`Faults::change`] knows.
    pub const KINDS: &'static [&'static str] = &[
        "region-failed",
        "latency-spike",
        "cost-anomaly",
        "prometheus-down",
        "bad-release",
        "alertmanager-down",
        "prometheus-slow",
    ];

    /// Set (`on`) or clear one fault, as the control routes name them:
    /// `region-failed`, `latency-spike`, `cost-anomaly`, `prometheus-down`
    /// (target: a region, or `*`), `bad-release` (target: `region:service`
    /// or `region/service`), `alertmanager-down` (target ignored),
    /// `prometheus-slow` (target: milliseconds, default 2000). False for an
    /// unknown kind.
    pub fn change(&mut self, kind: &str, target: &str, on: bool) -> bool {
        let target = target.replace(':', "/");
        let set = match kind {
            "region-failed" => &mut self.region_failed,
            "latency-spike" => &mut self.latency_spike,
            "cost-anomaly" => &mut self.cost_anomaly,
            "prometheus-down" => &mut self.prometheus_down,
            "bad-release" => &mut self.bad_release,
            "alertmanager-down" => {
                self.alertmanager_down = on;
                return true;
            }
            "prometheus-slow" => {
                self.prometheus_slow_ms = if on {
                    target.parse().unwrap_or(2000)
                } else {
                    0
                };
                return true;
            }
            _ => return false,
        };
        if on {
            set.insert(target);
        } else {
            set.remove(&target);
        }
        true
    }

    /// The world with these faults applied on top of the input's flags.
    pub fn apply(&self, world: &WorldInput) -> WorldInput {
        let mut w = world.clone();
        for r in &mut w.regions {
            r.failed |= self.region_failed.contains(&r.name);
            r.latency_spike |= self.latency_spike.contains(&r.name);
            r.cost_anomaly |= self.cost_anomaly.contains(&r.name);
            for s in &mut r.services {
                s.bad_release |= self.bad_release.contains(&format!("{}/{}", r.name, s.name));
            }
        }
        w
    }
}
