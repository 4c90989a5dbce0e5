//! The Operations view's state: every journaled operation as rows with
//! their steps (state, start and end time, the gate's numbers), and the
//! labels fleet cells show for services under a running operation. Built by
//! `update()` from what the journal follower read.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::control::Operation;
use crate::control::journal::{Entry, Record, Summary};
use crate::model::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepMark {
    Pending,
    Running,
    Done,
    AlreadyApplied,
    Failed,
    Passed,
    NotPassed,
    /// Started, but its process ended before the step did.
    Interrupted,
}

impl StepMark {
    pub fn label(self) -> &'static str {
        match self {
            StepMark::Pending => "pending",
            StepMark::Running => "running",
            StepMark::Done => "done",
            StepMark::AlreadyApplied => "already",
            StepMark::Failed => "FAILED",
            StepMark::Passed => "passed",
            StepMark::NotPassed => "NOT PASSED",
            StepMark::Interrupted => "stopped",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpStep {
    pub number: usize,
    pub description: String,
    pub gate: bool,
    pub mark: StepMark,
    pub started: Option<Timestamp>,
    pub ended: Option<Timestamp>,
    /// An error, or the gate's numbers (`readyReplicas=5 errorRatio=0.001`).
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpRow {
    pub id: String,
    pub verb: String,
    pub summary: String,
    /// `running`, `unfinished`, `succeeded`, `failed`, `aborted`.
    pub state: String,
    pub actor: String,
    pub pid: Option<u32>,
    pub started: Option<Timestamp>,
    pub ended: Option<Timestamp>,
    pub message: Option<String>,
    pub steps: Vec<OpStep>,
    pub steps_done: usize,
    pub service: Option<String>,
    pub regions: Vec<String>,
}

impl OpRow {
    pub fn running(&self) -> bool {
        self.state == "running"
    }

    pub fn build(summary: &Summary, entries: &[Entry]) -> Self {
        let mut steps: Vec<OpStep> = Vec::new();
        let mut ended = None;
        for e in entries {
            match &e.record {
                Record::Started { plan, .. } => {
                    steps = plan
                        .steps
                        .iter()
                        .map(|s| OpStep {
                            number: s.index + 1,
                            description: s.description.clone(),
                            gate: s.action.is_gate(),
                            mark: StepMark::Pending,
                            started: None,
                            ended: None,
                            detail: None,
                        })
                        .collect();
                }
                Record::Intent { step, .. } => {
                    if let Some(s) = steps.get_mut(*step) {
                        s.mark = StepMark::Running;
                        s.started = Some(e.at);
                        s.ended = None;
                    }
                }
                Record::Done { step, .. } | Record::AlreadyApplied { step, .. } => {
                    if let Some(s) = steps.get_mut(*step) {
                        if !matches!(s.mark, StepMark::Passed | StepMark::NotPassed) {
                            s.mark = if matches!(e.record, Record::Done { .. }) {
                                StepMark::Done
                            } else {
                                StepMark::AlreadyApplied
                            };
                        }
                        s.ended = Some(e.at);
                    }
                }
                Record::Failed { step, error } => {
                    if let Some(s) = steps.get_mut(*step) {
                        s.mark = StepMark::Failed;
                        s.ended = Some(e.at);
                        s.detail = Some(error.clone());
                    }
                }
                Record::Gate {
                    step,
                    passed,
                    values,
                } => {
                    if let Some(s) = steps.get_mut(*step) {
                        s.mark = if *passed {
                            StepMark::Passed
                        } else {
                            StepMark::NotPassed
                        };
                        s.detail = Some(compact(values));
                    }
                }
                Record::Ended { .. } => ended = Some(e.at),
                _ => {}
            }
        }
        if summary.state != "running" {
            for s in steps.iter_mut().filter(|s| s.mark == StepMark::Running) {
                s.mark = StepMark::Interrupted;
            }
        }
        let op = summary.operation.as_ref();
        OpRow {
            id: summary.id.clone(),
            verb: op.map(|o| o.verb().to_string()).unwrap_or_default(),
            summary: if summary.summary.is_empty() {
                op.map(Operation::describe).unwrap_or_default()
            } else {
                summary.summary.clone()
            },
            state: summary.state.clone(),
            actor: summary
                .actor
                .as_ref()
                .map(|a| a.label())
                .unwrap_or_default(),
            pid: summary.pid,
            started: summary.started_at,
            ended,
            message: summary.message.clone(),
            steps,
            steps_done: summary.steps_done,
            service: op.and_then(|o| o.service()).map(str::to_string),
            regions: op.map(regions).unwrap_or_default(),
        }
    }
}

fn regions(op: &Operation) -> Vec<String> {
    match op {
        Operation::Scale { regions, .. } => regions.clone(),
        Operation::Rollback { region, .. } | Operation::Restart { region, .. } => {
            vec![region.clone()]
        }
        _ => Vec::new(),
    }
}

/// A gate's numbers on one line: `key=value` pairs, nested keys dotted.
pub fn compact(v: &Value) -> String {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            Value::Number(n) => {
                let text = match n.as_f64() {
                    Some(f) if n.is_f64() => format!("{f:.4}")
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .to_string(),
                    _ => n.to_string(),
                };
                out.push(format!("{prefix}={text}"));
            }
            Value::String(s) => out.push(format!("{prefix}={s}")),
            Value::Bool(b) => out.push(format!("{prefix}={b}")),
            Value::Null => {}
            Value::Array(a) => out.push(format!("{prefix}=[{} items]", a.len())),
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    out.join(" ")
}

/// Everything the Operations view and the fleet cells show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OpsState {
    /// Newest first.
    pub rows: Vec<OpRow>,
    /// The journal has been read once (the resume prompt is offered then).
    pub loaded: bool,
    /// Why the journal cannot be read, when it cannot.
    pub error: Option<String>,
    /// Selected row of the history.
    pub selected: usize,
    /// The operation opened to see its steps.
    pub open: Option<String>,
    /// `(service, region)` → `scale 1/2` for running operations.
    pub labels: BTreeMap<(String, String), String>,
    /// Indices into `rows` that the filter lets through, in order.
    pub shown: Vec<usize>,
}

impl OpsState {
    /// Replaces or adds the rows read, keeps newest first, relabels cells.
    pub fn apply(&mut self, rows: Vec<OpRow>) {
        for r in rows {
            match self.rows.iter_mut().find(|o| o.id == r.id) {
                Some(o) => *o = r,
                None => self.rows.push(r),
            }
        }
        self.rows.sort_by(|a, b| b.id.cmp(&a.id));
        self.labels.clear();
        for r in self.rows.iter().filter(|r| r.running()) {
            let Some(service) = &r.service else { continue };
            let label = format!("{} {}/{}", r.verb, r.steps_done, r.steps.len());
            for region in &r.regions {
                self.labels
                    .insert((service.clone(), region.clone()), label.clone());
            }
        }
    }

    /// Recomputes `shown` for `filter` and keeps the selection inside it.
    pub fn refilter(&mut self, filter: &str) {
        self.shown = self.visible(filter);
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    /// The selected row of the history.
    pub fn selected_row(&self) -> Option<&OpRow> {
        self.rows.get(*self.shown.get(self.selected)?)
    }

    /// The rows the filter lets through, as indices into `rows`.
    pub fn visible(&self, filter: &str) -> Vec<usize> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                filter.is_empty()
                    || [&r.id, &r.summary, &r.state, &r.actor]
                        .iter()
                        .any(|s| super::lists::contains(s, filter))
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn running(&self) -> impl Iterator<Item = &OpRow> {
        self.rows.iter().filter(|r| r.running())
    }
}
