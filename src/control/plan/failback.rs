//! Planning a failback: the reversal of the latest recorded failover off a
//! region. The region back to its replicas, ready; its SLO checked (a
//! drained region, serving nothing yet, passes), the weights back stepwise
//! with the region's SLO verified after each shift; the targets' replicas
//! restored; the failover's silence expired.

use super::super::clients::Ctx;
use super::super::error::ControlError;
use super::super::journal::{self, Record};
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, ObjectRef, Step};
use super::restart::verify_step;
use super::scale::wait_step;
use super::{Confirmation, Plan, target};
use crate::config::Router;

/// The service whose traffic object `t` is (its Service for ExternalDNS,
/// its route object for Istio and Gateway API).
fn traffic_owner(ctx: &Ctx, t: &ObjectRef) -> Option<String> {
    ctx.cfg
        .services
        .iter()
        .find(|s| {
            let name = match s.traffic.router {
                Router::ExternalDns => &s.traffic.k8s_service,
                _ => &s.traffic.object,
            };
            *name == t.name && s.namespace == t.namespace
        })
        .map(|s| s.name.clone())
}

/// `step` (an SLO verification) passing when the region has no traffic.
fn idle_ok(mut step: Step) -> Step {
    if let Action::VerifySlo { idle_ok, .. } = &mut step.action {
        *idle_ok = true;
        step.description
            .push_str(" (before traffic returns: passes when it serves none)");
    }
    step
}

/// The latest succeeded failover off `to` (of `services`, if named) that no
/// failback reversed yet.
fn recorded(
    ctx: &Ctx,
    services: &[String],
    to: &str,
) -> Result<(String, Vec<journal::Entry>), ControlError> {
    let all = journal::list(&ctx.journal_dir).map_err(ControlError::Failed)?;
    let reversed: Vec<String> = all
        .iter()
        .filter(|s| {
            matches!(s.operation, Some(Operation::Failback { .. }))
                && s.outcome == Some(journal::Outcome::Succeeded)
        })
        .filter_map(|s| {
            s.summary
                .split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
                .find(|w| w.contains("-failover-"))
                .map(str::to_string)
        })
        .collect();
    let found = all.iter().find(|s| {
        matches!(&s.operation, Some(Operation::Failover { from, services: sv, .. }) if from == to && (services.is_empty() || sv == services))
            && s.outcome == Some(journal::Outcome::Succeeded)
            && !reversed.contains(&s.id)
    });
    let Some(found) = found else {
        return Err(ControlError::Usage(format!(
            "no recorded failover off {to} to fail back (`opsdeck ops list` shows the journal)"
        )));
    };
    Ok((
        found.id.clone(),
        journal::load(&ctx.journal_dir, &found.id)?,
    ))
}

pub async fn failback(ctx: &Ctx, services: &[String], to: &str) -> Result<Plan, ControlError> {
    let region = target::region(ctx, to)?;
    let (id, entries) = recorded(ctx, services, to)?;
    let (Some(fo), done) = journal::progress(&entries) else {
        return Err(ControlError::Failed(format!("journal of {id} has no plan")));
    };
    let silence_id = |step: usize| {
        entries.iter().find_map(|e| match &e.record {
            Record::Done { step: s, observed } if *s == step => observed
                .get("id")
                .and_then(|v| v.as_str())
                .map(str::to_string),
            _ => None,
        })
    };
    let revert = |s: &Step, why: &str| -> Option<Step> {
        let inv = s.inverse.clone()?;
        Some(Step {
            index: 0,
            description: format!(
                "{why}: {} {}",
                s.target.as_ref().map(|t| t.label()).unwrap_or_default(),
                s.changes
                    .iter()
                    .map(|c| format!("{} {} -> {}", c.field, c.to, c.from))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            action: inv,
            target: s.target.clone(),
            changes: s
                .changes
                .iter()
                .map(|c| FieldChange {
                    field: c.field.clone(),
                    from: c.to.clone(),
                    to: c.from.clone(),
                })
                .collect(),
            inverse: Some(s.action.clone()),
            permissions: s.permissions.clone(),
            dry_run: s.dry_run,
            resource_version: None,
        })
    };
    let applied: Vec<&Step> = fo
        .steps
        .iter()
        .filter(|s| done.contains(&s.index) && !s.action.is_gate())
        .collect();
    let in_source = |s: &Step| s.target.as_ref().is_some_and(|t| t.region == to);
    let is_weight = |s: &Step| matches!(s.action, Action::SetWeight { .. });
    let is_scale = |s: &Step| {
        matches!(
            s.action,
            Action::SetReplicas { .. } | Action::SetHpaBounds { .. }
        )
    };
    let mut steps = Vec::new();
    // 1. The source back to its replicas, ready, within its SLO.
    let mut checked = Vec::new();
    for s in applied.iter().rev().filter(|s| is_scale(s) && in_source(s)) {
        steps.extend(revert(s, "scale the region back"));
        if let Some(t) = &s.target {
            steps.push(wait_step(ctx, t, None, None));
        }
    }
    let names: Vec<String> = match &fo.operation {
        Operation::Failover { .. } => fo.services.clone(),
        _ => Vec::new(),
    };
    for name in &names {
        let svc = target::service(ctx, name)?;
        if let Some(t) = applied
            .iter()
            .filter_map(|s| s.target.as_ref())
            .find(|t| t.region == to)
        {
            checked.push(verify_step(ctx, svc, t));
        }
    }
    // A drained region has no traffic to judge before the first shift back.
    let idle: Vec<Step> = checked.iter().cloned().map(idle_ok).collect();
    if ctx.settings.wait {
        steps.extend(idle);
    }
    // 2. Weights back, stepwise: the shift's steps in reverse (the region
    // up first, then the targets down); after each such group, the
    // service's SLO in the region, now that traffic reaches it.
    let verify_of = |service: &str| {
        checked
            .iter()
            .find(|c| matches!(&c.action, Action::VerifySlo { service: s, .. } if s == service))
    };
    let mut pending: Option<String> = None;
    for s in applied.iter().rev().filter(|s| is_weight(s)) {
        if in_source(s) {
            let owner = s.target.as_ref().and_then(|t| traffic_owner(ctx, t));
            if let Some(v) = pending.take().as_deref().and_then(verify_of)
                && ctx.settings.wait
            {
                steps.push(v.clone());
            }
            pending = owner;
        }
        steps.extend(revert(s, "shift back"));
    }
    if let Some(v) = pending.as_deref().and_then(verify_of)
        && ctx.settings.wait
    {
        steps.push(v.clone());
    }
    // 3. The targets back to their replicas; 4. the silence expired.
    for s in applied
        .iter()
        .rev()
        .filter(|s| is_scale(s) && !in_source(s))
    {
        steps.extend(revert(s, "restore"));
    }
    for s in applied
        .iter()
        .filter(|s| matches!(s.action, Action::CreateSilence { .. }))
    {
        if let (Action::CreateSilence { ha_cluster, .. }, Some(sid)) =
            (&s.action, silence_id(s.index))
        {
            steps.push(Step {
                index: 0,
                description: format!("expire the failover's silence {sid} in {ha_cluster}"),
                action: Action::ExpireSilence {
                    ha_cluster: ha_cluster.clone(),
                    id: sid,
                },
                target: None,
                changes: Vec::new(),
                inverse: None,
                permissions: Vec::new(),
                dry_run: false,
                resource_version: None,
            });
        }
    }
    let op = Operation::Failback {
        services: services.to_vec(),
        to: to.into(),
    };
    let est = super::estimate::plan_time(ctx, &steps).await;
    Ok(Plan {
        summary: format!("{} (reverses {id})", op.describe()),
        operation: op,
        steps,
        regions: Vec::new(),
        warnings: vec![super::estimate::against_rto(&est, to, region.rto)],
        confirmation: Confirmation::YesNo,
        production: target::production(ctx, region),
        rollback_on_failure: false,
        services: names,
    })
}
