//! Planning a scale: bounds from the config, one change per cluster (the
//! HPA's bounds when an HPA targets the Deployment, else `/scale`), then a
//! rollout wait per cluster.

use serde_json::json;

use super::super::clients::Ctx;
use super::super::error::{ControlError, Refusal};
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, Permission, Step};
use super::target::{self, int};
use super::{Confirmation, Plan, preview};

fn bounds_key(service: &str, region: &str, overridden: bool) -> String {
    if overridden {
        format!("services.{service}.regions.\"{region}\".replicas")
    } else {
        format!("services.{service}.replicas")
    }
}

pub fn permission(
    t: &super::super::step::ObjectRef,
    verb: &str,
    group: &str,
    resource: &str,
    sub: Option<&str>,
) -> Permission {
    Permission {
        context: t.context.clone(),
        namespace: t.namespace.clone(),
        verb: verb.into(),
        group: group.into(),
        resource: resource.into(),
        subresource: sub.map(str::to_string),
    }
}

pub async fn plan(
    ctx: &Ctx,
    service: &str,
    regions: &[String],
    replicas: u32,
) -> Result<Plan, ControlError> {
    let svc = target::service(ctx, service)?;
    if regions.is_empty() {
        return Err(ControlError::Usage(
            "scale needs at least one --region".into(),
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut changes = Vec::new();
    let mut gates = Vec::new();
    let mut warnings = Vec::new();
    let mut production = false;
    let mut sizes = Vec::new();
    for name in regions {
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);
        let region = target::region(ctx, name)?;
        let b = svc.replicas_in(name);
        let key = bounds_key(
            service,
            name,
            svc.regions.get(name).is_some_and(|r| r.replicas.is_some()),
        );
        if replicas < b.min || replicas > b.max {
            let (which, bound) = if replicas < b.min {
                ("below the minimum", b.min)
            } else {
                ("above the maximum", b.max)
            };
            return Err(Refusal::Bounds {
                message: format!(
                    "{replicas} replicas in {name} is {which} {bound} ({key} = {{ min = {}, max = {} }})",
                    b.min, b.max
                ),
            }
            .into());
        }
        production |= target::production(ctx, region);
        let r = region_steps(ctx, svc, region, replicas).await?;
        changes.extend(r.changes);
        gates.extend(r.gates);
        warnings.extend(r.warnings);
        let now_total = r.now_total;
        sizes.push((
            name.clone(),
            now_total,
            replicas * region.clusters.len() as u32,
        ));
    }
    let (regions_preview, more) = preview::regions(ctx, svc, &sizes).await;
    warnings.extend(more);
    let mut steps = changes;
    if ctx.settings.wait && !steps.is_empty() {
        steps.extend(gates);
    }
    Ok(Plan {
        operation: Operation::Scale {
            service: service.into(),
            regions: seen.iter().map(|s| s.to_string()).collect(),
            replicas,
        },
        summary: format!(
            "scale {service} to {replicas} replicas in {}",
            seen.join(", ")
        ),
        steps,
        regions: regions_preview,
        warnings,
        confirmation: Confirmation::YesNo,
        rollback_on_failure: false,
        services: Vec::new(),
        production,
    })
}

/// The changes and waits that bring `svc` to `replicas` in every cluster of
/// `region` (the HPA's bounds when one targets the Deployment). Bounds are
/// the caller's to check.
pub struct RegionScale {
    pub changes: Vec<Step>,
    pub gates: Vec<Step>,
    pub warnings: Vec<String>,
    pub now_total: u32,
}

pub async fn region_steps(
    ctx: &Ctx,
    svc: &crate::config::Service,
    region: &crate::config::Region,
    replicas: u32,
) -> Result<RegionScale, ControlError> {
    let mut changes = Vec::new();
    let mut gates = Vec::new();
    let mut warnings = Vec::new();
    let mut now_total = 0;
    for live in target::live(ctx, svc, region).await? {
        warnings.extend(live.warnings());
        let current = int(&live.object, "/spec/replicas", 1).max(0) as u32;
        now_total += current;
        let t = live.target.clone();
        let (min_r, max_r) = match &live.hpa {
            Some((hpa, h)) => {
                let min0 = int(h, "/spec/minReplicas", 1).max(0) as u32;
                let max0 = int(h, "/spec/maxReplicas", i64::from(min0)).max(0) as u32;
                let (min1, max1, wait) = if replicas >= current {
                    (replicas, max0.max(replicas), (Some(replicas), None))
                } else {
                    (min0.min(replicas), replicas, (None, Some(replicas)))
                };
                warnings.push(format!(
                    "{} is autoscaled by HPA {}: the plan sets its bounds to {min1}..{max1} (was {min0}..{max0}) so the HPA holds {} {replicas} replicas instead of undoing a /scale change",
                    t.label(),
                    hpa.name,
                    if replicas >= current { "at least" } else { "at most" }
                ));
                if (min1, max1) != (min0, max0) {
                    changes.push(Step {
                        index: 0,
                        description: format!(
                            "set HPA {}/{} in {} to minReplicas {min1}, maxReplicas {max1}",
                            hpa.namespace, hpa.name, hpa.region
                        ),
                        action: Action::SetHpaBounds {
                            min: min1,
                            max: max1,
                        },
                        target: Some(hpa.clone()),
                        changes: vec![
                            FieldChange {
                                field: "spec.minReplicas".into(),
                                from: json!(min0),
                                to: json!(min1),
                            },
                            FieldChange {
                                field: "spec.maxReplicas".into(),
                                from: json!(max0),
                                to: json!(max1),
                            },
                        ],
                        inverse: Some(Action::SetHpaBounds {
                            min: min0,
                            max: max0,
                        }),
                        permissions: vec![permission(
                            hpa,
                            "patch",
                            "autoscaling",
                            "horizontalpodautoscalers",
                            None,
                        )],
                        dry_run: true,
                        resource_version: h
                            .pointer("/metadata/resourceVersion")
                            .and_then(|v| v.as_str())
                            .map(str::to_string),
                    });
                }
                wait
            }
            None => {
                if current != replicas {
                    changes.push(Step {
                        index: 0,
                        description: format!(
                            "scale {} from {current} to {replicas} replicas",
                            t.label()
                        ),
                        action: Action::SetReplicas { replicas },
                        target: Some(t.clone()),
                        changes: vec![FieldChange {
                            field: "spec.replicas".into(),
                            from: json!(current),
                            to: json!(replicas),
                        }],
                        inverse: Some(Action::SetReplicas { replicas: current }),
                        permissions: vec![
                            permission(&t, "patch", "apps", "deployments", Some("scale")),
                            permission(&t, "patch", "apps", "deployments", None),
                        ],
                        dry_run: true,
                        resource_version: live.resource_version(),
                    });
                } else {
                    warnings.push(format!(
                        "{} already has {replicas} replicas: nothing to change there",
                        t.label()
                    ));
                }
                (Some(replicas), Some(replicas))
            }
        };
        gates.push(wait_step(ctx, &t, min_r, max_r));
    }
    Ok(RegionScale {
        changes,
        gates,
        warnings,
        now_total,
    })
}

/// The rollout wait after a change to `t`.
pub fn wait_step(
    ctx: &Ctx,
    t: &super::super::step::ObjectRef,
    min: Option<u32>,
    max: Option<u32>,
) -> Step {
    let range = match (min, max) {
        (Some(a), Some(b)) if a == b => format!(" at {a} replicas"),
        (Some(a), None) => format!(" at {a} or more replicas"),
        (None, Some(b)) => format!(" at {b} or fewer replicas"),
        _ => String::new(),
    };
    Step {
        index: 0,
        description: format!("wait until {} is rolled out{range}", t.label()),
        action: Action::WaitRollout {
            timeout_seconds: ctx.settings.rollout_timeout.as_secs(),
            min_replicas: min,
            max_replicas: max,
        },
        target: Some(t.clone()),
        changes: Vec::new(),
        inverse: None,
        permissions: vec![permission(t, "get", "apps", "deployments", None)],
        dry_run: false,
        resource_version: None,
    }
}
