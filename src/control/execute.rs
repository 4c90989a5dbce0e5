//! Running a plan: take the leases, journal `started`, then for every step
//! journal the intent, read the object, skip it when already applied, send
//! it carrying the plan's resourceVersion (409: re-read; stop when someone
//! else changed our field), read it back, journal the result. Progress goes
//! out as [`Progress`] events; cancelling the token aborts between steps
//! and inside gates.

mod rollback;
mod steps;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::clients::Ctx;
use super::error::ControlError;
use super::journal::{self, Journal, Outcome, Record};
use super::lease::{self, Held};
use super::plan::Plan;
pub use steps::dry_run;

/// The state of a step as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepState {
    Started,
    Done,
    AlreadyApplied,
    Skipped,
    Failed,
}

/// What the engine reports while it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum Progress {
    #[serde(rename_all = "camelCase")]
    Started {
        id: String,
        journal: PathBuf,
    },
    #[serde(rename_all = "camelCase")]
    Step {
        index: usize,
        description: String,
        state: StepState,
        message: String,
    },
    #[serde(rename_all = "camelCase")]
    Gate {
        index: usize,
        passed: bool,
        message: String,
        values: serde_json::Value,
    },
    Note {
        message: String,
    },
    #[serde(rename_all = "camelCase")]
    Finished {
        outcome: Outcome,
        message: String,
    },
}

/// The result of one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    pub index: usize,
    pub description: String,
    pub state: StepState,
    pub message: String,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finished {
    pub id: String,
    pub outcome: Outcome,
    pub message: String,
    pub journal: PathBuf,
    pub steps: Vec<StepResult>,
}

/// Starts a new operation from a confirmed plan.
pub async fn start(
    ctx: &Ctx,
    plan: &Plan,
    reason: Option<&str>,
    tx: UnboundedSender<Progress>,
    cancel: CancellationToken,
) -> Result<Finished, ControlError> {
    let id = journal::new_id(&plan.operation);
    let leases = take_leases(ctx, plan, &id).await?;
    let mut j = match Journal::create(&ctx.journal_dir, &id) {
        Ok(j) => j,
        Err(e) => {
            release(ctx, &leases).await;
            return Err(ControlError::Failed(e));
        }
    };
    let started = Record::Started {
        id: id.clone(),
        actor: ctx.actor.clone(),
        pid: std::process::id(),
        reason: reason.map(|r| crate::sanitize::clean(r).into_owned()),
        operation: plan.operation.clone(),
        plan: plan.clone(),
    };
    if let Err(e) = j.write(started) {
        release(ctx, &leases).await;
        return Err(ControlError::Failed(e));
    }
    run(
        ctx,
        plan,
        &mut j,
        leases,
        BTreeSet::new(),
        reason,
        tx,
        cancel,
    )
    .await
}

/// Continues an unfinished operation from its first step without a done
/// record. Each step reads first, so one whose request went through just
/// before the crash is journaled as already applied, never sent twice.
pub async fn resume(
    ctx: &Ctx,
    id: &str,
    tx: UnboundedSender<Progress>,
    cancel: CancellationToken,
) -> Result<Finished, ControlError> {
    let entries = journal::load(&ctx.journal_dir, id)?;
    let summary = journal::summarize(id, &entries);
    match summary.state.as_str() {
        "unfinished" => {}
        "running" => {
            return Err(ControlError::Usage(format!(
                "operation {id} is still running (pid {} on {}); nothing to resume",
                summary.pid.unwrap_or(0),
                summary.actor.map(|a| a.host).unwrap_or_default()
            )));
        }
        other => {
            return Err(ControlError::Usage(format!(
                "operation {id} already ended ({other}); `opsdeck ops undo {id}` reverts it"
            )));
        }
    }
    let (plan, done) = journal::progress(&entries);
    let Some(plan) = plan.cloned() else {
        return Err(ControlError::Failed(format!("journal of {id} has no plan")));
    };
    let reason = entries.iter().find_map(|e| match &e.record {
        Record::Started { reason, .. } => reason.clone(),
        _ => None,
    });
    super::guard::read_only(ctx, &plan)?;
    super::guard::rbac(ctx, &plan).await?;
    let leases = take_leases(ctx, &plan, id).await?;
    let mut j = match Journal::open(&ctx.journal_dir, id) {
        Ok(j) => j,
        Err(e) => {
            release(ctx, &leases).await;
            return Err(ControlError::Failed(e));
        }
    };
    let resumed = Record::Resumed {
        actor: ctx.actor.clone(),
        pid: std::process::id(),
    };
    if let Err(e) = j.write(resumed) {
        release(ctx, &leases).await;
        return Err(ControlError::Failed(e));
    }
    run(
        ctx,
        &plan,
        &mut j,
        leases,
        done,
        reason.as_deref(),
        tx,
        cancel,
    )
    .await
}

async fn take_leases(ctx: &Ctx, plan: &Plan, id: &str) -> Result<Vec<Held>, ControlError> {
    let mut services = plan.lease_services();
    if services.is_empty() {
        services.extend(undo_service(ctx, plan));
    }
    let mut held = Vec::new();
    for service in &services {
        for (context, namespace) in plan.lease_scopes() {
            match lease::acquire(ctx, &context, &namespace, service, id).await {
                Ok(h) => held.push(h),
                Err(e) => {
                    release(ctx, &held).await;
                    return Err(e);
                }
            }
        }
    }
    Ok(held)
}

/// The service an undo acts on: that of the operation it undoes.
fn undo_service(ctx: &Ctx, plan: &Plan) -> Option<String> {
    let super::Operation::Undo { of } = &plan.operation else {
        return None;
    };
    let entries = journal::load(&ctx.journal_dir, of).ok()?;
    entries.iter().find_map(|e| match &e.record {
        Record::Started { operation, .. } => operation.service().map(str::to_string),
        _ => None,
    })
}

async fn release(ctx: &Ctx, held: &[Held]) {
    for h in held {
        let _ = lease::release(ctx, h).await;
    }
}

/// What the renewal task learned: a lost lease, or the operator's request.
#[derive(Debug, Default)]
struct Signals {
    lost: Mutex<Option<String>>,
    aborted: std::sync::atomic::AtomicBool,
    paused: std::sync::atomic::AtomicBool,
}

/// Renews every held lease (every third of the TTL, at most every 2 s, so
/// a pause or abort request is seen quickly); a lost lease cancels the run
/// (fail closed); the request annotation pauses, continues or aborts it.
fn renew_task(
    ctx: &Ctx,
    held: Vec<Held>,
    cancel: CancellationToken,
    signals: Arc<Signals>,
) -> tokio::task::JoinHandle<()> {
    use std::sync::atomic::Ordering;
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let every = (ctx.settings.lease_ttl / 3).clamp(
            std::time::Duration::from_millis(200),
            std::time::Duration::from_secs(2),
        );
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = cancel.cancelled() => return,
            }
            for h in &held {
                match lease::renew(&ctx, h).await {
                    Ok(Some(r)) if r == "abort" => {
                        signals.aborted.store(true, Ordering::SeqCst);
                        cancel.cancel();
                        return;
                    }
                    Ok(Some(r)) if r == "pause" => signals.paused.store(true, Ordering::SeqCst),
                    Ok(Some(r)) if r == "continue" => signals.paused.store(false, Ordering::SeqCst),
                    Ok(_) => {}
                    Err(e) => {
                        if let Ok(mut l) = signals.lost.lock() {
                            *l = Some(e);
                        }
                        cancel.cancel();
                        return;
                    }
                }
            }
        }
    })
}

#[allow(clippy::too_many_arguments)]
async fn run(
    ctx: &Ctx,
    plan: &Plan,
    j: &mut Journal,
    leases: Vec<Held>,
    done: BTreeSet<usize>,
    reason: Option<&str>,
    tx: UnboundedSender<Progress>,
    cancel: CancellationToken,
) -> Result<Finished, ControlError> {
    let id = j.id.clone();
    for e in super::notify::send(
        ctx,
        &id,
        &plan.summary,
        super::notify::Phase::Started,
        None,
        "",
    )
    .await
    {
        let _ = j.write(Record::Note { message: e });
    }
    let _ = tx.send(Progress::Started {
        id: id.clone(),
        journal: j.path.clone(),
    });
    for h in &leases {
        let _ = j.write(Record::Lease {
            context: h.context.clone(),
            namespace: h.namespace.clone(),
            name: h.name.clone(),
            holder: h.holder.clone(),
            taken_over_from: h.taken_over_from.clone(),
        });
        if let Some(prev) = &h.taken_over_from {
            let _ = tx.send(Progress::Note {
                message: format!(
                    "took over expired lease {}/{} in {} from {prev}",
                    h.namespace, h.name, h.context
                ),
            });
        }
    }
    let inner = cancel.child_token();
    let signals = Arc::new(Signals::default());
    let renewer = renew_task(ctx, leases.clone(), inner.clone(), signals.clone());
    let cause = super::record::change_cause(ctx, &plan.summary, &id, reason);
    let mut results = Vec::new();
    let mut outcome = (Outcome::Succeeded, format!("{}: done", plan.summary));
    for step in &plan.steps {
        if done.contains(&step.index) {
            results.push(StepResult {
                index: step.index,
                description: step.description.clone(),
                state: StepState::Skipped,
                message: "done before the resume".into(),
            });
            continue;
        }
        if signals.paused.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = j.write(Record::Note {
                message: format!("paused by request before step {}", step.index + 1),
            });
            wait_while_paused(&signals, &inner, &tx).await;
            let _ = j.write(Record::Note {
                message: "continued by request".into(),
            });
        }
        if inner.is_cancelled() {
            outcome = stopped(&signals, step.index);
            break;
        }
        let _ = j.write(Record::Intent {
            step: step.index,
            description: step.description.clone(),
        });
        let _ = tx.send(Progress::Step {
            index: step.index,
            description: step.description.clone(),
            state: StepState::Started,
            message: String::new(),
        });
        let end = steps::run_step(ctx, step, &id, &cause, &inner, &tx).await;
        let gate = steps::gate_record(step, &end);
        let (state, message, record) = match end {
            steps::End::Done { observed, message } => (
                StepState::Done,
                message,
                Record::Done {
                    step: step.index,
                    observed,
                },
            ),
            steps::End::AlreadyApplied { observed, message } => (
                StepState::AlreadyApplied,
                message,
                Record::AlreadyApplied {
                    step: step.index,
                    observed,
                },
            ),
            steps::End::Failed { error, .. } => (
                StepState::Failed,
                error.clone(),
                Record::Failed {
                    step: step.index,
                    error,
                },
            ),
        };
        if let Some(gate) = gate {
            let _ = j.write(gate);
        }
        if let Err(e) = j.write(record) {
            outcome = (Outcome::Failed, e);
            break;
        }
        let _ = tx.send(Progress::Step {
            index: step.index,
            description: step.description.clone(),
            state,
            message: message.clone(),
        });
        if state == StepState::Done
            && !step.action.is_gate()
            && let Err(e) =
                super::record::event(ctx, step, &id, &format!("{cause}: {}", step.description))
                    .await
        {
            let _ = j.write(Record::Note {
                message: format!("no Event for step {}: {e}", step.index),
            });
        }
        results.push(StepResult {
            index: step.index,
            description: step.description.clone(),
            state,
            message: message.clone(),
        });
        if state == StepState::Failed {
            let what = format!("step {} failed: {message}", step.index + 1);
            for e in super::notify::send(
                ctx,
                &id,
                &plan.summary,
                super::notify::Phase::StepFailed,
                None,
                &what,
            )
            .await
            {
                let _ = j.write(Record::Note { message: e });
            }
            outcome = if inner.is_cancelled() {
                stopped(&signals, step.index)
            } else {
                (
                    Outcome::Failed,
                    format!("step {} failed: {message}", step.index + 1),
                )
            };
            break;
        }
    }
    if outcome.0 != Outcome::Succeeded && plan.rollback_on_failure {
        let applied: Vec<usize> = plan
            .steps
            .iter()
            .filter(|s| {
                done.contains(&s.index)
                    || results.iter().any(|r| {
                        r.index == s.index
                            && matches!(r.state, StepState::Done | StepState::AlreadyApplied)
                    })
            })
            .map(|s| s.index)
            .collect();
        let summary = rollback::run(ctx, plan, &applied, j, &cause, &tx).await;
        outcome.1 = format!("{}; {summary}", outcome.1);
    }
    inner.cancel();
    let _ = renewer.await;
    release(ctx, &leases).await;
    for e in super::notify::send(
        ctx,
        &id,
        &plan.summary,
        super::notify::Phase::Ended,
        Some(outcome.0.label()),
        &outcome.1,
    )
    .await
    {
        let _ = j.write(Record::Note { message: e });
    }
    let _ = j.write(Record::Ended {
        outcome: outcome.0,
        message: outcome.1.clone(),
    });
    let _ = tx.send(Progress::Finished {
        outcome: outcome.0,
        message: outcome.1.clone(),
    });
    Ok(Finished {
        id,
        outcome: outcome.0,
        message: outcome.1,
        journal: j.path.clone(),
        steps: results,
    })
}

fn stopped(signals: &Signals, step: usize) -> (Outcome, String) {
    if let Some(why) = signals.lost.lock().ok().and_then(|l| l.clone()) {
        return (
            Outcome::Failed,
            format!("stopped at step {}: lease lost: {why}", step + 1),
        );
    }
    let by = if signals.aborted.load(std::sync::atomic::Ordering::SeqCst) {
        "by request (ops abort)"
    } else {
        "by the operator"
    };
    (
        Outcome::Aborted,
        format!("aborted {by} at step {}", step + 1),
    )
}

/// Holds the run between steps while a pause is requested.
async fn wait_while_paused(
    signals: &Signals,
    cancel: &CancellationToken,
    tx: &UnboundedSender<Progress>,
) {
    use std::sync::atomic::Ordering;
    let _ = tx.send(Progress::Note {
        message: "paused by request; `opsdeck ops continue ID` goes on".into(),
    });
    while signals.paused.load(Ordering::SeqCst) && !cancel.is_cancelled() {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}
