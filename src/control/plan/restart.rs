//! Planning a rolling restart: the `kubectl.kubernetes.io/restartedAt`
//! template annotation (what `kubectl rollout restart` sets), then the
//! rollout wait.

use serde_json::{Value, json};

use super::super::clients::Ctx;
use super::super::error::ControlError;
use super::super::kube_ops::RESTARTED_AT;
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, ObjectRef, Step};
use super::scale::{permission, wait_step};
use super::target;
use super::{Confirmation, Plan};
use crate::config::Service;

pub async fn plan(ctx: &Ctx, service: &str, region: &str) -> Result<Plan, ControlError> {
    let svc = target::service(ctx, service)?;
    let reg = target::region(ctx, region)?;
    let at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string();
    let mut steps = Vec::new();
    let mut gates = Vec::new();
    let mut warnings = Vec::new();
    for live in target::live(ctx, svc, reg).await? {
        warnings.extend(live.warnings());
        let t = live.target.clone();
        let before = live
            .object
            .pointer("/spec/template/metadata/annotations")
            .and_then(|a| a.get(RESTARTED_AT))
            .cloned()
            .unwrap_or(Value::Null);
        steps.push(Step {
            index: 0,
            description: format!(
                "restart {} (rolling: new pods replace the old ones)",
                t.label()
            ),
            action: Action::RestartAt { at: at.clone() },
            target: Some(t.clone()),
            changes: vec![FieldChange {
                field: format!("spec.template.metadata.annotations[{RESTARTED_AT}]"),
                from: before,
                to: json!(at),
            }],
            // A restart replaces pods; there is nothing to put back.
            inverse: None,
            permissions: vec![permission(&t, "patch", "apps", "deployments", None)],
            dry_run: true,
            resource_version: live.resource_version(),
        });
        gates.push(wait_step(ctx, &t, None, None));
    }
    if ctx.settings.wait {
        steps.extend(gates);
    }
    Ok(Plan {
        operation: Operation::Restart {
            service: service.into(),
            region: region.into(),
        },
        summary: format!("restart {service} in {region}"),
        steps,
        regions: Vec::new(),
        warnings,
        confirmation: Confirmation::YesNo,
        rollback_on_failure: false,
        services: Vec::new(),
        production: target::production(ctx, reg),
    })
}

/// The SLO check of `svc` in `t`'s region over the verification window.
pub fn verify_step(ctx: &Ctx, svc: &Service, t: &ObjectRef) -> Step {
    let window = ctx.settings.verify_window.as_secs();
    Step {
        index: 0,
        description: format!(
            "verify {} in {} for {window} s: error ratio <= {:.2}%, p95 <= {:.0} ms",
            svc.name,
            t.region,
            svc.slo.max_error_ratio * 100.0,
            svc.slo.max_p95_seconds * 1000.0
        ),
        action: Action::VerifySlo {
            service: svc.name.clone(),
            window_seconds: window,
            max_error_ratio: svc.slo.max_error_ratio,
            max_p95_seconds: svc.slo.max_p95_seconds,
            idle_ok: false,
        },
        target: Some(t.clone()),
        changes: Vec::new(),
        inverse: None,
        permissions: Vec::new(),
        dry_run: false,
        resource_version: None,
    }
}
