//! The plan preview as the popup draws it: built by `update()` from what
//! the planning effect returned (plan, guards, server-side dry run), so the
//! UI never sees an engine type. Strings are drawn through `sanitize`.

use serde_json::Value;

use crate::control::error::Refusal;
use crate::control::plan::Confirmation;
use crate::control::{Operation, Plan};

/// What planning an operation came to (the result of `Effect::PlanOperation`).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum PlanOutcome {
    /// Planned; `refusal` when a guard said no (then there is no dry run).
    Ready {
        plan: Plan,
        dry_run: Vec<(usize, Result<(), String>)>,
        refusal: Option<Refusal>,
    },
    /// Planning itself refused (bounds, a safety rule).
    Refused(Refusal),
    /// Planning failed (unknown object, unreachable cluster).
    Failed(String),
}

/// How the operator confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    YesNo,
    /// Type `name`, or `short` (see `control::plan::Confirmation`);
    /// `prompt` says both.
    Typed {
        name: String,
        short: String,
        prompt: String,
        why: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviewStep {
    pub number: usize,
    pub gate: bool,
    pub description: String,
    /// `spec.replicas: 3 -> 5`
    pub changes: Vec<String>,
    /// `None`: no server-side dry run for this step.
    pub dry_run: Option<Result<(), String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub summary: String,
    pub production: bool,
    pub steps: Vec<PreviewStep>,
    /// Capacity and cost lines, one per region.
    pub figures: Vec<String>,
    pub warnings: Vec<String>,
    pub confirm: Confirm,
    /// A guard's refusal, naming its rule: nothing can run.
    pub refusal: Option<String>,
    /// The server's dry run rejected a step: nothing can run.
    pub rejected: Option<String>,
    /// Planning failed: nothing can run.
    pub error: Option<String>,
}

impl Preview {
    /// Whether confirming may start the operation.
    pub fn runnable(&self) -> bool {
        self.refusal.is_none()
            && self.rejected.is_none()
            && self.error.is_none()
            && !self.steps.is_empty()
    }

    fn blocked(op: &Operation, refusal: Option<String>, error: Option<String>) -> Self {
        Preview {
            summary: op.describe(),
            production: false,
            steps: Vec::new(),
            figures: Vec::new(),
            warnings: Vec::new(),
            confirm: Confirm::YesNo,
            refusal,
            rejected: None,
            error,
        }
    }

    pub fn build(op: &Operation, outcome: &PlanOutcome) -> Self {
        match outcome {
            PlanOutcome::Refused(r) => Self::blocked(op, Some(r.to_string()), None),
            PlanOutcome::Failed(e) => Self::blocked(op, None, Some(e.clone())),
            PlanOutcome::Ready {
                plan,
                dry_run,
                refusal,
            } => from_plan(plan, dry_run, refusal.as_ref()),
        }
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn from_plan(
    plan: &Plan,
    dry: &[(usize, Result<(), String>)],
    refusal: Option<&Refusal>,
) -> Preview {
    let steps = plan
        .steps
        .iter()
        .map(|s| PreviewStep {
            number: s.index + 1,
            gate: s.action.is_gate(),
            description: s.description.clone(),
            changes: s
                .changes
                .iter()
                .map(|c| format!("{}: {} -> {}", c.field, value(&c.from), value(&c.to)))
                .collect(),
            dry_run: dry
                .iter()
                .find(|(i, _)| *i == s.index)
                .map(|(_, r)| r.clone()),
        })
        .collect();
    let mut figures = Vec::new();
    for r in &plan.regions {
        if let Some(c) = &r.capacity {
            let cap = c
                .capacity_after_rps
                .map(|v| format!("{v:.0} req/s"))
                .unwrap_or_else(|| "unknown".into());
            let rate = c
                .request_rate_rps
                .map(|v| format!("{v:.1} req/s"))
                .unwrap_or_else(|| "unknown".into());
            figures.push(format!(
                "{}: replicas {} -> {}, capacity {cap} vs {rate} now",
                r.region, c.replicas_now, c.replicas_after
            ));
        }
        if let Some(c) = &r.cost {
            figures.push(format!(
                "{}: cost {:+.2} {}/day",
                r.region, c.change_per_day, c.currency
            ));
        }
    }
    let rejected = dry.iter().find_map(|(i, r)| {
        r.as_ref().err().map(|e| {
            format!(
                "the server's dry run rejected step {}: {e}; nothing can run",
                i + 1
            )
        })
    });
    Preview {
        summary: plan.summary.clone(),
        production: plan.production,
        steps,
        figures,
        warnings: plan.warnings.clone(),
        confirm: match &plan.confirmation {
            Confirmation::YesNo => Confirm::YesNo,
            Confirmation::TypedName { name, short, why } => Confirm::Typed {
                name: name.clone(),
                short: short.clone(),
                prompt: Confirmation::typed_prompt(name, short),
                why: why.clone(),
            },
        },
        refusal: refusal.map(|r| r.to_string()),
        rejected,
        error: None,
    }
}
