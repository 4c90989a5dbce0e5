//! An in-process Alertmanager (API v2 semantics of Alertmanager 0.25):
//! alerts with fingerprints and timeouts, silences, inhibition, grouping.

mod api;
mod matchers;
mod silences;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use api::router;
pub use matchers::{AmMatcher, parse_filter};
pub use silences::{Silence, SilenceError, SilenceState};

/// Label set of an alert.
pub type LabelSet = BTreeMap<String, String>;

/// How long an alert without `endsAt` stays active (Alertmanager's `resolve_timeout`).
pub const RESOLVE_TIMEOUT_MS: i64 = 5 * 60 * 1000;

/// Alertmanager's fingerprint of a label set: FNV-1a 64 over sorted
/// `name 0xff value 0xff`, printed as 16 hex digits.
pub fn fingerprint(labels: &LabelSet) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    for (k, v) in labels {
        h.write(k.as_bytes());
        h.write(&[0xff]);
        h.write(v.as_bytes());
        h.write(&[0xff]);
    }
    format!("{:016x}", h.finish())
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AmAlert {
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub updated_at_ms: i64,
    pub generator_url: String,
}

/// An inhibition rule: firing alerts matching `source` mute alerts
/// matching `target` that have the same values for `equal`.
#[derive(Debug, Clone)]
pub struct InhibitRule {
    pub source: Vec<AmMatcher>,
    pub target: Vec<AmMatcher>,
    pub equal: Vec<String>,
}

/// Routing and inhibition configuration.
#[derive(Debug, Clone)]
pub struct AmConfig {
    pub receiver: String,
    pub group_by: Vec<String>,
    pub inhibit_rules: Vec<InhibitRule>,
}

impl Default for AmConfig {
    /// One receiver, grouped by alert name and region; a failing region
    /// inhibits the error and latency alerts inside it.
    fn default() -> Self {
        let m = |s: &str| parse_filter(s).ok();
        Self {
            receiver: "default".into(),
            group_by: vec!["alertname".into(), "region".into()],
            inhibit_rules: vec![InhibitRule {
                source: m("alertname=\"RegionDown\"").into_iter().collect(),
                target: m("alertname=~\"HighErrorRatio|HighLatencyP95\"")
                    .into_iter()
                    .collect(),
                equal: vec!["region".into()],
            }],
        }
    }
}

impl AmConfig {
    /// The configuration as Alertmanager YAML (for `/api/v2/status` and for
    /// feeding the same setup to a real Alertmanager in tests).
    pub fn to_yaml(&self) -> String {
        let mut y = format!(
            "global:\n  resolve_timeout: 5m\nroute:\n  receiver: {}\n  group_by: [{}]\nreceivers:\n  - name: {}\n",
            self.receiver,
            self.group_by.join(", "),
            self.receiver
        );
        if !self.inhibit_rules.is_empty() {
            y.push_str("inhibit_rules:\n");
            for r in &self.inhibit_rules {
                let list = |ms: &[AmMatcher]| {
                    ms.iter()
                        .map(|m| format!("'{m}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                y.push_str(&format!(
                    "  - source_matchers: [{}]\n    target_matchers: [{}]\n    equal: [{}]\n",
                    list(&r.source),
                    list(&r.target),
                    r.equal.join(", ")
                ));
            }
        }
        y
    }
}

/// Status of one alert as the API reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    pub state: String,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
}

/// The Alertmanager: alerts and silences.
#[derive(Debug, Clone, Default)]
pub struct Alertmanager {
    pub config: AmConfig,
    pub alerts: BTreeMap<String, AmAlert>,
    pub silences: Vec<Silence>,
    pub started_ms: i64,
}

impl Alertmanager {
    pub fn new(config: AmConfig, now_ms: i64) -> Self {
        Self {
            config,
            alerts: BTreeMap::new(),
            silences: Vec::new(),
            started_ms: now_ms,
        }
    }

    /// Receive alerts as `POST /api/v2/alerts` does.
    pub fn receive(&mut self, incoming: Vec<AmAlert>, now_ms: i64) {
        for mut a in incoming {
            a.updated_at_ms = now_ms;
            let fp = fingerprint(&a.labels);
            if let Some(old) = self.alerts.get(&fp) {
                // Merge with a still-active alert of the same identity.
                let old_resolved = old.ends_at_ms <= now_ms;
                if !old_resolved && old.starts_at_ms < a.starts_at_ms {
                    a.starts_at_ms = old.starts_at_ms;
                }
            }
            self.alerts.insert(fp, a);
        }
    }

    /// Drop alerts resolved long ago (Alertmanager's GC keeps them until
    /// they are no longer needed; 15 minutes here).
    pub fn gc(&mut self, now_ms: i64) {
        self.alerts
            .retain(|_, a| a.ends_at_ms > now_ms - 15 * 60 * 1000);
    }

    /// Whether an alert is resolved at `now`.
    pub fn resolved(a: &AmAlert, now_ms: i64) -> bool {
        a.ends_at_ms <= now_ms
    }

    /// Silences and inhibitions muting `labels` at `now`.
    pub fn status(&self, labels: &LabelSet, now_ms: i64) -> AlertStatus {
        let mut silenced_by: Vec<String> = self
            .silences
            .iter()
            .filter(|s| s.state(now_ms) == SilenceState::Active && s.matches(labels))
            .map(|s| s.id.clone())
            .collect();
        silenced_by.sort();
        let mut inhibited_by = Vec::new();
        for rule in &self.config.inhibit_rules {
            if !rule.target.iter().all(|m| m.matches(labels)) {
                continue;
            }
            for (fp, src) in &self.alerts {
                if Self::resolved(src, now_ms)
                    || !rule.source.iter().all(|m| m.matches(&src.labels))
                {
                    continue;
                }
                // An alert matching both sides never inhibits itself.
                if rule.source.iter().all(|m| m.matches(labels)) && src.labels == *labels {
                    continue;
                }
                if rule
                    .equal
                    .iter()
                    .all(|l| src.labels.get(l) == labels.get(l))
                    && !inhibited_by.contains(fp)
                {
                    inhibited_by.push(fp.clone());
                }
            }
        }
        let state = if silenced_by.is_empty() && inhibited_by.is_empty() {
            "active"
        } else {
            "suppressed"
        };
        AlertStatus {
            state: state.into(),
            silenced_by,
            inhibited_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_matches_prometheus_model() {
        // model.LabelSet{}.Fingerprint() is the FNV-64a offset basis.
        assert_eq!(fingerprint(&LabelSet::new()), "cbf29ce484222325");
        let ls: LabelSet = [("alertname".to_string(), "X".to_string())].into();
        assert_eq!(fingerprint(&ls).len(), 16);
    }
}
