//! Planning an undo: the recorded inverses of an operation's applied steps,
//! in reverse order, each against the object as it is now, then the
//! rollout waits.

use super::super::clients::Ctx;
use super::super::error::ControlError;
use super::super::journal::{self, Record};
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, Step};
use super::scale::wait_step;
use super::{Confirmation, Plan};

pub fn plan(ctx: &Ctx, of: &str) -> Result<Plan, ControlError> {
    let entries = journal::load(&ctx.journal_dir, of)?;
    let summary = journal::summarize(of, &entries);
    if summary.state == "running" {
        return Err(ControlError::Usage(format!(
            "operation {of} is still running (pid {}): abort it or wait for it to end",
            summary.pid.unwrap_or(0)
        )));
    }
    let (Some(plan), done) = journal::progress(&entries) else {
        return Err(ControlError::Failed(format!("journal of {of} has no plan")));
    };
    let mut steps = Vec::new();
    let mut gates: Vec<Step> = Vec::new();
    let rolled_back: Vec<usize> = entries
        .iter()
        .filter_map(|e| match &e.record {
            Record::RolledBack { step, .. } => Some(*step),
            _ => None,
        })
        .collect();
    for s in plan
        .steps
        .iter()
        .rev()
        .filter(|s| done.contains(&s.index) && !rolled_back.contains(&s.index))
    {
        let observed_id = entries.iter().find_map(|e| match &e.record {
            Record::Done { step, observed } if *step == s.index => observed
                .get("id")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            _ => None,
        });
        let inverse = match (&s.action, &s.inverse) {
            (Action::CreateSilence { ha_cluster, .. }, _) => {
                observed_id.map(|id| Action::ExpireSilence {
                    ha_cluster: ha_cluster.clone(),
                    id,
                })
            }
            (_, Some(inv)) => Some(inv.clone()),
            _ => None,
        };
        let Some(inverse) = inverse else { continue };
        let changes = s
            .changes
            .iter()
            .map(|c| FieldChange {
                field: c.field.clone(),
                from: c.to.clone(),
                to: c.from.clone(),
            })
            .collect();
        let description = match &inverse {
            Action::SetReplicas { replicas } => {
                format!("undo: scale {} back to {replicas} replicas", label(s))
            }
            Action::SetHpaBounds { min, max } => format!(
                "undo: set {} back to minReplicas {min}, maxReplicas {max}",
                label(s)
            ),
            Action::SetTemplate { revision, .. } => format!(
                "undo: put {} back on the template of revision {}",
                label(s),
                revision
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "?".into())
            ),
            Action::ExpireSilence { id, .. } => format!("undo: expire silence {id}"),
            _ => format!("undo: {}", s.description),
        };
        let deployment_target = s.target.clone().filter(|t| t.kind == "Deployment");
        steps.push(Step {
            index: 0,
            description,
            action: inverse,
            target: s.target.clone(),
            changes,
            inverse: Some(s.action.clone()),
            permissions: s.permissions.clone(),
            dry_run: s.dry_run,
            resource_version: None,
        });
        if let Some(t) = deployment_target
            && !gates.iter().any(|g| g.target.as_ref() == Some(&t))
        {
            gates.push(wait_step(ctx, &t, None, None));
        }
    }
    if steps.is_empty() {
        return Err(ControlError::Usage(format!(
            "operation {of} applied nothing that can be undone"
        )));
    }
    if ctx.settings.wait {
        steps.extend(gates);
    }
    let op = Operation::Undo { of: of.into() };
    Ok(Plan {
        operation: op,
        summary: format!("undo {of} ({})", plan.summary),
        steps,
        regions: Vec::new(),
        warnings: vec![
            "each inverse is checked against the object as it is now: a field someone else changed since stops the undo (nothing is overwritten)".into(),
        ],
        confirmation: Confirmation::YesNo,
        rollback_on_failure: false,
        services: Vec::new(),
        production: plan.production,
    })
}

fn label(s: &Step) -> String {
    s.target.as_ref().map(|t| t.label()).unwrap_or_default()
}
