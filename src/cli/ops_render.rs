//! Plans, progress and results as people read them. Every string from a
//! server passes through `sanitize::clean` where it is printed.

use std::fmt::Write as _;

use serde_json::Value;

use crate::control::Plan;
use crate::control::error::Refusal;
use crate::control::execute::{Finished, Progress, StepState};
use crate::control::plan::Confirmation;
use crate::sanitize::clean;

fn value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => clean(s).into_owned(),
        Value::Array(a) => a.iter().map(value).collect::<Vec<_>>().join(", "),
        other => clean(&other.to_string()).into_owned(),
    }
}

/// The plan: steps with their field changes, figures, warnings, guards.
pub fn plan(
    p: &Plan,
    dry: &[(usize, Result<(), String>)],
    refusal: Option<&Refusal>,
    dry_run: bool,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Plan: {}{}",
        clean(&p.summary),
        if p.production { "  [PRODUCTION]" } else { "" }
    );
    for step in &p.steps {
        let mark = if step.action.is_gate() {
            "check"
        } else {
            "change"
        };
        let _ = writeln!(
            s,
            "  {}. [{mark}] {}",
            step.index + 1,
            clean(&step.description)
        );
        for c in &step.changes {
            let _ = writeln!(
                s,
                "       {}: {} -> {}",
                clean(&c.field),
                value(&c.from),
                value(&c.to)
            );
        }
        if let Some((_, r)) = dry.iter().find(|(i, _)| *i == step.index) {
            match r {
                Ok(()) => s.push_str("       server dry run: accepted\n"),
                Err(e) => {
                    let _ = writeln!(s, "       server dry run: REJECTED: {}", clean(e));
                }
            }
        }
    }
    if p.steps.is_empty() {
        s.push_str("  (nothing to change)\n");
    }
    for r in &p.regions {
        if let Some(c) = &r.capacity {
            let cap = c
                .capacity_after_rps
                .map(|v| format!("{v:.0} req/s"))
                .unwrap_or_else(|| "unknown (no capacity_rps_per_pod)".into());
            let rate = c
                .request_rate_rps
                .map(|v| format!("{v:.1} req/s"))
                .unwrap_or_else(|| "unknown".into());
            let _ = writeln!(
                s,
                "  {}: replicas {} -> {}; capacity after {cap} vs {rate} now",
                clean(&r.region),
                c.replicas_now,
                c.replicas_after
            );
        }
        if let Some(c) = &r.cost {
            let _ = writeln!(
                s,
                "  {}: cost {:+.2} {}/day ({:.2} per replica-day)",
                clean(&r.region),
                c.change_per_day,
                c.currency,
                c.per_replica_day
            );
        }
    }
    for w in &p.warnings {
        let _ = writeln!(s, "  warning: {}", clean(w));
    }
    match &p.confirmation {
        Confirmation::YesNo => {}
        Confirmation::TypedName { name, short, why } => {
            let what = Confirmation::typed_prompt(name, short);
            let _ = writeln!(s, "  confirmation: type {what} ({why})");
        }
    }
    if let Some(r) = refusal {
        let _ = writeln!(s, "{}", clean(&r.to_string()));
    } else if dry_run {
        s.push_str("dry run: nothing was changed\n");
    }
    s
}

/// One progress event, one line.
pub fn progress(p: &Progress) -> String {
    match p {
        Progress::Started { id, journal } => {
            format!("operation {id} started (journal {})", journal.display())
        }
        Progress::Step {
            index,
            description,
            state,
            message,
        } => {
            let n = index + 1;
            match state {
                StepState::Started => format!("[{n}] {description} ..."),
                StepState::Done => format!("[{n}] done"),
                StepState::AlreadyApplied => format!("[{n}] already applied: {message}"),
                StepState::Skipped => format!("[{n}] skipped: {message}"),
                StepState::Failed => format!("[{n}] FAILED: {message}"),
            }
        }
        Progress::Gate {
            index,
            passed,
            message,
            ..
        } => {
            format!(
                "[{}] {}: {message}",
                index + 1,
                if *passed { "passed" } else { "not passed" }
            )
        }
        Progress::Note { message } => format!("note: {message}"),
        Progress::Finished { outcome, message } => format!("{}: {message}", outcome.label()),
    }
}

pub fn result(summary: &str, outcome: &str, message: &str, f: Option<&Finished>) -> String {
    let message = clean(message);
    let mut s = if message.starts_with(outcome) {
        format!("{message}\n")
    } else {
        format!("{outcome}: {message}\n")
    };
    if let Some(f) = f {
        let _ = writeln!(
            s,
            "operation {} ({}); journal {}",
            f.id,
            clean(summary),
            f.journal.display()
        );
    }
    s
}
