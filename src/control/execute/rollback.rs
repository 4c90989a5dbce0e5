//! The automatic rollback of a failed or aborted operation that asks for it
//! (progressive deploy): every change already applied is reverted with its
//! inverse, in reverse order — each checked against the object as it is now
//! (a field someone else changed since is left alone and reported) — then
//! every reverted Deployment's rollout is waited for.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::super::clients::Ctx;
use super::super::gate;
use super::super::journal::{Journal, Record};
use super::super::plan::Plan;
use super::super::step::ObjectRef;
use super::Progress;
use super::steps::{self, End};

/// Reverts the steps `applied` of `plan`; returns a one-line summary.
pub async fn run(
    ctx: &Ctx,
    plan: &Plan,
    applied: &[usize],
    j: &mut Journal,
    cause: &str,
    tx: &UnboundedSender<Progress>,
) -> String {
    let cause = format!("{cause} (automatic rollback)");
    let mut reverted = 0;
    let mut failed = Vec::new();
    let mut waits: Vec<ObjectRef> = Vec::new();
    for step in plan
        .steps
        .iter()
        .rev()
        .filter(|s| applied.contains(&s.index) && !s.action.is_gate())
    {
        if step.inverse.is_none() {
            continue;
        }
        let _ = tx.send(Progress::Note {
            message: format!("rolling back: {}", step.description),
        });
        match steps::revert(ctx, step, &cause).await {
            End::Done { observed, .. } | End::AlreadyApplied { observed, .. } => {
                reverted += 1;
                let _ = j.write(Record::RolledBack {
                    step: step.index,
                    observed,
                });
                if let Some(t) = step.target.as_ref().filter(|t| t.kind == "Deployment")
                    && !waits.contains(t)
                {
                    waits.push(t.clone());
                }
            }
            End::Failed { error } => {
                let _ = tx.send(Progress::Note {
                    message: format!("rollback of step {} failed: {error}", step.index + 1),
                });
                let _ = j.write(Record::RollbackFailed {
                    step: step.index,
                    error: error.clone(),
                });
                failed.push(step.index + 1);
            }
        }
    }
    // The rollback's own waits: not cancellable by the abort that caused it.
    let never = CancellationToken::new();
    let mut not_ready = Vec::new();
    for t in &waits {
        let v = gate::rollout(
            ctx,
            t,
            ctx.settings.rollout_timeout.min(Duration::from_secs(600)),
            None,
            None,
            &never,
        )
        .await;
        let _ = tx.send(Progress::Note {
            message: format!("rollback: {}", v.message),
        });
        if !v.passed {
            not_ready.push(t.label());
        }
    }
    let mut s = format!(
        "rolled back {reverted} change{}",
        if reverted == 1 { "" } else { "s" }
    );
    if !failed.is_empty() {
        s.push_str(&format!("; could not roll back step(s) {failed:?}"));
    }
    if !not_ready.is_empty() {
        s.push_str(&format!(
            "; not rolled out after the rollback: {}",
            not_ready.join(", ")
        ));
    }
    s
}
