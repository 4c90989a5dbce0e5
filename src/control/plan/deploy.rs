//! Planning a progressive deploy: waves (from the config, else the
//! non-production region with the least traffic first, one region per
//! wave, production last); per wave set the image, wait for the rollout,
//! then the canary gate against the regions still on the old version. A
//! failed gate or rollout rolls back every wave already done.

use serde_json::{Value, json};

use super::super::clients::Ctx;
use super::super::error::ControlError;
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, Step};
use super::scale::{permission, wait_step};
use super::{Confirmation, Plan, preview, target};

/// The waves of `regions` for `svc`.
async fn waves(
    ctx: &Ctx,
    svc: &crate::config::Service,
    regions: &[String],
) -> (Vec<Vec<String>>, Vec<String>) {
    let mut warnings = Vec::new();
    if !svc.deploy.waves.is_empty() {
        let mut out: Vec<Vec<String>> = svc
            .deploy
            .waves
            .iter()
            .map(|w| {
                w.iter()
                    .filter(|r| regions.contains(r))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        for r in regions {
            if !out.iter().flatten().any(|x| x == r) {
                warnings.push(format!(
                    "{r} is in no configured wave: deployed last, on its own"
                ));
                out.push(vec![r.clone()]);
            }
        }
        return (out, warnings);
    }
    let sizes: Vec<(String, u32, u32)> = regions.iter().map(|r| (r.clone(), 0, 0)).collect();
    let (figures, _) = preview::regions(ctx, svc, &sizes).await;
    let rate = |r: &str| {
        figures
            .iter()
            .find(|f| f.region == r)
            .and_then(|f| f.capacity.as_ref())
            .and_then(|c| c.request_rate_rps)
            .unwrap_or(f64::MAX)
    };
    let mut order: Vec<(bool, f64, usize, String)> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let prod = ctx
                .cfg
                .regions
                .iter()
                .find(|x| &x.name == r)
                .is_some_and(|x| target::production(ctx, x));
            (prod, rate(r), i, r.clone())
        })
        .collect();
    order.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    (
        order.into_iter().map(|(_, _, _, r)| vec![r]).collect(),
        warnings,
    )
}

pub async fn plan(
    ctx: &Ctx,
    service: &str,
    image: &str,
    container: Option<&str>,
    regions: &[String],
) -> Result<Plan, ControlError> {
    let svc = target::service(ctx, service)?;
    let all: Vec<String> = ctx.cfg.regions.iter().map(|r| r.name.clone()).collect();
    let chosen: Vec<String> = if regions.is_empty() {
        all.clone()
    } else {
        regions.to_vec()
    };
    for r in &chosen {
        target::region(ctx, r)?;
    }
    if image.trim().is_empty() {
        return Err(ControlError::Usage(
            "--image must name an image, e.g. registry.example.com/shop/checkout:1.2.3".into(),
        ));
    }
    let (waves, mut warnings) = waves(ctx, svc, &chosen).await;
    let mut steps = Vec::new();
    let mut production = false;
    let mut done: Vec<String> = Vec::new();
    let window = ctx.settings.gate_window.unwrap_or(svc.deploy.gate_window);
    for (w, wave) in waves.iter().enumerate() {
        let mut waits = Vec::new();
        let mut changed = false;
        for name in wave {
            let region = target::region(ctx, name)?;
            production |= target::production(ctx, region);
            for live in target::live(ctx, svc, region).await? {
                warnings.extend(live.warnings());
                let t = live.target.clone();
                let containers = live
                    .object
                    .pointer("/spec/template/spec/containers")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let name_of = |c: &Value| {
                    c.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                let c = match container {
                    Some(want) => {
                        containers
                            .iter()
                            .find(|c| name_of(c) == want)
                            .ok_or_else(|| {
                                let have: Vec<String> = containers.iter().map(name_of).collect();
                                ControlError::Usage(format!(
                                    "{} has no container {want:?} (containers: {})",
                                    t.label(),
                                    have.join(", ")
                                ))
                            })?
                    }
                    None => containers.first().ok_or_else(|| {
                        ControlError::Failed(format!("{} has no containers", t.label()))
                    })?,
                };
                let cname = name_of(c);
                let current = c
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if current == image {
                    warnings.push(format!("{} already runs {image}", t.label()));
                    continue;
                }
                changed = true;
                steps.push(Step {
                    index: 0,
                    description: format!(
                        "wave {}: set {} container {cname} to {image}",
                        w + 1,
                        t.label()
                    ),
                    action: Action::SetImage {
                        container: cname.clone(),
                        image: image.into(),
                    },
                    target: Some(t.clone()),
                    changes: vec![FieldChange {
                        field: format!("spec.template.spec.containers[{cname}].image"),
                        from: json!(current),
                        to: json!(image),
                    }],
                    inverse: Some(Action::SetImage {
                        container: cname.clone(),
                        image: current.clone(),
                    }),
                    permissions: vec![permission(&t, "patch", "apps", "deployments", None)],
                    dry_run: true,
                    resource_version: live.resource_version(),
                });
                waits.push(wait_step(ctx, &t, None, None));
            }
        }
        done.extend(wave.iter().cloned());
        if !changed || !ctx.settings.wait {
            continue;
        }
        steps.extend(waits);
        let baseline: Vec<String> = all.iter().filter(|r| !done.contains(r)).cloned().collect();
        steps.push(Step {
            index: 0,
            description: format!(
                "wave {}: canary gate for {} s on {} vs baseline {}",
                w + 1,
                window.as_secs(),
                wave.join(", "),
                if baseline.is_empty() {
                    "(none: absolute thresholds only)".to_string()
                } else {
                    baseline.join(", ")
                }
            ),
            action: Action::CanaryGate {
                service: svc.name.clone(),
                canary: wave.clone(),
                baseline,
                window_seconds: window.as_secs().max(1),
                // At least MIN_SAMPLES + 1 samples per region in the window.
                interval_seconds: svc
                    .deploy
                    .gate_interval
                    .as_secs()
                    .min(window.as_secs() / (super::super::canary::MIN_SAMPLES as u64 + 1))
                    .max(1),
                confidence: svc.deploy.confidence,
                margin: svc.deploy.margin,
                max_error_ratio: svc.slo.max_error_ratio,
                max_p95_seconds: svc.slo.max_p95_seconds,
            },
            target: None,
            changes: Vec::new(),
            inverse: None,
            permissions: Vec::new(),
            dry_run: false,
            resource_version: None,
        });
    }
    let op = Operation::Deploy {
        service: service.into(),
        image: image.into(),
        container: container.map(str::to_string),
        regions: regions.to_vec(),
    };
    let summary = format!(
        "deploy {image} as {service} in {} wave{}: {}",
        waves.len(),
        if waves.len() == 1 { "" } else { "s" },
        waves
            .iter()
            .map(|w| w.join("+"))
            .collect::<Vec<_>>()
            .join(" -> ")
    );
    Ok(Plan {
        operation: op,
        summary,
        steps,
        regions: Vec::new(),
        warnings,
        confirmation: Confirmation::YesNo,
        production,
        rollback_on_failure: true,
        services: vec![service.into()],
    })
}
