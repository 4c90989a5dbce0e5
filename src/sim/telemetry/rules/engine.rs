//! Rule evaluation with Prometheus' alert state machine: inactive →
//! pending → firing (after `for:`), resolved alerts kept 15 minutes.

use std::collections::BTreeMap;

use super::template::expand;
use super::{AlertGroup, AlertRule};
use crate::sim::telemetry::promql::{Evaluator, Value, earliest_ms};
use crate::sim::telemetry::series::{Labels, NAME, SeriesStore};

/// How long resolved alerts are kept (and re-sent as resolved).
pub const RESOLVED_RETENTION_MS: i64 = 15 * 60 * 1000;

/// Prometheus alert states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    Inactive,
    Pending,
    Firing,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Inactive => "inactive",
            AlertState::Pending => "pending",
            AlertState::Firing => "firing",
        }
    }
}

/// One alert instance of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveAlert {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub state: AlertState,
    pub value: f64,
    pub active_at_ms: i64,
    pub fired_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
}

/// One rule and its alerts.
#[derive(Debug, Clone)]
pub struct RuleState {
    pub rule: AlertRule,
    pub alerts: BTreeMap<Labels, ActiveAlert>,
    pub last_error: Option<String>,
    pub last_eval_ms: Option<i64>,
    pub eval_seconds: f64,
}

impl RuleState {
    /// The rule's state: the most severe of its alerts.
    pub fn state(&self) -> AlertState {
        let mut s = AlertState::Inactive;
        for a in self.alerts.values() {
            match a.state {
                AlertState::Firing => return AlertState::Firing,
                AlertState::Pending => s = AlertState::Pending,
                AlertState::Inactive => {}
            }
        }
        s
    }
}

/// One group and its rules.
#[derive(Debug, Clone)]
pub struct GroupState {
    pub name: String,
    pub file: String,
    pub interval_ms: i64,
    pub rules: Vec<RuleState>,
    pub last_eval_ms: Option<i64>,
    pub eval_seconds: f64,
}

/// All groups.
#[derive(Debug, Clone, Default)]
pub struct RuleEngine {
    pub groups: Vec<GroupState>,
}

impl RuleEngine {
    pub fn new(groups: Vec<AlertGroup>) -> Self {
        Self {
            groups: groups
                .into_iter()
                .map(|g| GroupState {
                    name: g.name,
                    file: g.file,
                    interval_ms: g.interval_ms,
                    rules: g
                        .rules
                        .into_iter()
                        .map(|rule| RuleState {
                            rule,
                            alerts: BTreeMap::new(),
                            last_error: None,
                            last_eval_ms: None,
                            eval_seconds: 0.0,
                        })
                        .collect(),
                    last_eval_ms: None,
                    eval_seconds: 0.0,
                })
                .collect(),
        }
    }

    /// Evaluate every group whose interval has elapsed. Returns true when
    /// at least one group ran.
    pub fn evaluate_due(&mut self, store: &SeriesStore, now_ms: i64) -> bool {
        let mut ran = false;
        let rules = self.groups.iter().flat_map(|g| &g.rules);
        let earliest = earliest_ms(rules.map(|r| &r.rule.parsed), now_ms);
        let ev = Evaluator::new(store, None).reading_from(earliest);
        for g in &mut self.groups {
            if g.last_eval_ms
                .is_some_and(|last| now_ms - last < g.interval_ms)
            {
                continue;
            }
            let started = std::time::Instant::now();
            for r in &mut g.rules {
                let t0 = std::time::Instant::now();
                eval_rule(&ev, r, now_ms);
                r.eval_seconds = t0.elapsed().as_secs_f64();
            }
            g.last_eval_ms = Some(now_ms);
            g.eval_seconds = started.elapsed().as_secs_f64();
            ran = true;
        }
        ran
    }

    /// Pending and firing alerts of every rule.
    pub fn active(&self) -> impl Iterator<Item = &ActiveAlert> {
        self.groups
            .iter()
            .flat_map(|g| g.rules.iter())
            .flat_map(|r| r.alerts.values())
            .filter(|a| a.state != AlertState::Inactive)
    }

    /// Every alert, including recently resolved ones.
    pub fn all(&self) -> impl Iterator<Item = &ActiveAlert> {
        self.groups
            .iter()
            .flat_map(|g| g.rules.iter())
            .flat_map(|r| r.alerts.values())
    }

    /// The `ALERTS` series Prometheus writes for pending and firing alerts.
    pub fn alerts_series(&self) -> Vec<(Labels, f64)> {
        self.active()
            .map(|a| {
                let mut ls = a.labels.clone();
                ls.insert(NAME.into(), "ALERTS".into());
                ls.insert("alertstate".into(), a.state.as_str().into());
                (ls, 1.0)
            })
            .collect()
    }
}

fn eval_rule(ev: &Evaluator<'_>, r: &mut RuleState, now_ms: i64) {
    r.last_eval_ms = Some(now_ms);
    let samples = match ev.eval(&r.rule.parsed, now_ms) {
        Ok(Value::Vector(v)) => v,
        Ok(other) => {
            r.last_error = Some(format!(
                "rule result is a {}, not a vector",
                other.type_name()
            ));
            return;
        }
        Err(e) => {
            r.last_error = Some(e.message);
            return;
        }
    };
    r.last_error = None;
    let mut seen = Vec::new();
    for s in samples {
        let mut series_labels = s.labels.clone();
        series_labels.remove(NAME);
        let mut labels = series_labels.clone();
        for (k, v) in &r.rule.labels {
            labels.insert(k.clone(), expand(v, &series_labels, s.value));
        }
        labels.insert("alertname".into(), r.rule.name.clone());
        let annotations = r
            .rule
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), expand(v, &series_labels, s.value)))
            .collect();
        seen.push(labels.clone());
        match r.alerts.get_mut(&labels) {
            Some(a) if a.state != AlertState::Inactive => {
                a.value = s.value;
                a.annotations = annotations;
            }
            _ => {
                r.alerts.insert(
                    labels.clone(),
                    ActiveAlert {
                        labels,
                        annotations,
                        state: AlertState::Pending,
                        value: s.value,
                        active_at_ms: now_ms,
                        fired_at_ms: None,
                        resolved_at_ms: None,
                    },
                );
            }
        }
    }
    let for_ms = r.rule.for_ms;
    r.alerts.retain(|labels, a| {
        if !seen.contains(labels) {
            match a.state {
                AlertState::Pending => return false,
                AlertState::Firing => {
                    a.state = AlertState::Inactive;
                    a.resolved_at_ms = Some(now_ms);
                }
                AlertState::Inactive => {
                    return a
                        .resolved_at_ms
                        .is_some_and(|t| now_ms - t < RESOLVED_RETENTION_MS);
                }
            }
            return true;
        }
        if a.state == AlertState::Pending && now_ms - a.active_at_ms >= for_ms {
            a.state = AlertState::Firing;
            a.fired_at_ms = Some(now_ms);
        }
        true
    });
}
