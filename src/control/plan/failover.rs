//! Planning a regional failover (its failback is in `failback`): silence the
//! source region's expected alerts, scale the targets to absorb its traffic
//! with headroom (within bounds, HPA-aware), wait until they are ready, then
//! shift the weight stepwise (targets up first, the source down after),
//! checking the targets' SLOs after each step. The safety rule (never total
//! weight 0, never fewer serving regions than `min_serving_regions`) is
//! checked before the first step.

use serde_json::json;

use super::super::clients::Ctx;
use super::super::error::{ControlError, Refusal};
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, ObjectRef, Step};
use super::restart::verify_step;
use super::scale::{permission, region_steps};
use super::{Confirmation, Plan, preview, silence, target};
use crate::config::{Router, Service};

/// Where one region's weight of a service lives, and its value now.
#[derive(Debug, Clone)]
pub struct RegionWeight {
    pub region: String,
    pub target: ObjectRef,
    pub key: String,
    pub weight: u32,
}

/// The weight of `svc` in every configured region, through its router.
pub async fn weights(ctx: &Ctx, svc: &Service) -> Result<Vec<RegionWeight>, ControlError> {
    let mut out = Vec::new();
    for region in &ctx.cfg.regions {
        let Some(cluster) = region.clusters.first() else {
            continue;
        };
        let (kind, name, key, context) = match svc.traffic.router {
            Router::ExternalDns => (
                "Service",
                svc.traffic.k8s_service.clone(),
                svc.traffic.weight_annotation.clone(),
                cluster.context.clone(),
            ),
            Router::Istio | Router::GatewayApi => (
                if svc.traffic.router == Router::Istio {
                    "VirtualService"
                } else {
                    "HTTPRoute"
                },
                svc.traffic.object.clone(),
                svc.traffic.destination_in(&svc.name, &region.name),
                svc.traffic
                    .context
                    .clone()
                    .unwrap_or_else(|| cluster.context.clone()),
            ),
            Router::None => {
                return Err(ControlError::Usage(format!(
                    "service {} has traffic.router = \"none\": there are no weights to move (set services.traffic.router)",
                    svc.name
                )));
            }
        };
        let t = ObjectRef {
            region: region.name.clone(),
            context,
            namespace: svc.namespace.clone(),
            api_version: match kind {
                "VirtualService" => "networking.istio.io/v1",
                "HTTPRoute" => "gateway.networking.k8s.io/v1",
                _ => "v1",
            }
            .into(),
            kind: kind.into(),
            name,
            uid: None,
        };
        let client = ctx.kube(&t.context).await?;
        let obj = super::super::router::get(&client, &t).await.map_err(|e| {
            super::super::error::kube(
                &t.context,
                &format!("{} {}/{}", t.kind, t.namespace, t.name),
                &e,
            )
        })?;
        let weight = super::super::router::weight(kind, &key, &obj)
            .as_u64()
            .unwrap_or(0) as u32;
        out.push(RegionWeight {
            region: region.name.clone(),
            target: ObjectRef {
                uid: obj
                    .pointer("/metadata/uid")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                ..t
            },
            key,
            weight,
        });
    }
    Ok(out)
}

fn weight_step(w: &RegionWeight, from: u32, to: u32, why: &str) -> Step {
    let (group, resource) = super::super::router::rbac(&w.target.kind);
    Step {
        index: 0,
        description: format!(
            "{why}: weight of {} in {} {from} -> {to}",
            w.target.name, w.region
        ),
        action: Action::SetWeight {
            region: w.region.clone(),
            weight: to,
            key: w.key.clone(),
        },
        target: Some(w.target.clone()),
        changes: vec![FieldChange {
            field: format!("weight[{}]", w.region),
            from: json!(from),
            to: json!(to),
        }],
        inverse: Some(Action::SetWeight {
            region: w.region.clone(),
            weight: from,
            key: w.key.clone(),
        }),
        permissions: vec![permission(&w.target, "patch", group, resource, None)],
        dry_run: true,
        resource_version: None,
    }
}

pub async fn plan(
    ctx: &Ctx,
    services: &[String],
    from: &str,
    to: &[String],
    scale_down: bool,
    allow_shortfall: bool,
) -> Result<Plan, ControlError> {
    let source = target::region(ctx, from)?;
    for t in to {
        target::region(ctx, t)?;
        if t == from {
            return Err(ControlError::Usage(format!(
                "--to {t}: a region cannot take over its own traffic"
            )));
        }
    }
    let chosen: Vec<&Service> = if services.is_empty() {
        ctx.cfg
            .services
            .iter()
            .filter(|s| s.traffic.router != Router::None)
            .collect()
    } else {
        services
            .iter()
            .map(|s| target::service(ctx, s))
            .collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(ControlError::Usage(
            "no service with a traffic router to fail over".into(),
        ));
    }
    let matchers = if services.len() == 1 {
        vec![format!("region={from}"), format!("service={}", services[0])]
    } else {
        vec![format!("region={from}")]
    };
    let silence_for = chosen[0].failover.silence.as_secs();
    let mut steps = silence::steps(
        ctx,
        &matchers,
        silence_for,
        &format!("opsdeck failover of {from} by {}", ctx.actor.label()),
    )?;
    let mut warnings = Vec::new();
    let mut production = target::production(ctx, source);
    let (mut scales, mut waits, mut shifts) = (Vec::new(), Vec::new(), Vec::new());
    for svc in &chosen {
        let ws = weights(ctx, svc).await?;
        let Some(src) = ws.iter().find(|w| w.region == from).cloned() else {
            return Err(ControlError::Usage(format!(
                "{from} has no cluster for {}",
                svc.name
            )));
        };
        if src.weight == 0 {
            warnings.push(format!(
                "{} already takes no traffic in {from} (weight 0): nothing to shift",
                svc.name
            ));
            continue;
        }
        let targets: Vec<RegionWeight> = if to.is_empty() {
            let serving: Vec<RegionWeight> = ws
                .iter()
                .filter(|w| w.region != from && w.weight > 0)
                .cloned()
                .collect();
            if serving.is_empty() {
                ws.iter().filter(|w| w.region != from).cloned().collect()
            } else {
                serving
            }
        } else {
            ws.iter()
                .filter(|w| to.contains(&w.region))
                .cloned()
                .collect()
        };
        // Safety rule: after the plan, some weight and enough serving regions.
        let serving_after = ws
            .iter()
            .filter(|w| {
                w.region != from && (w.weight > 0 || targets.iter().any(|t| t.region == w.region))
            })
            .count() as u32;
        let min = svc.failover.min_serving_regions;
        if targets.is_empty() || serving_after < min {
            return Err(Refusal::Safety {
                message: format!(
                    "failing {} over from {from} would leave {serving_after} serving region(s), fewer than services.{}.failover.min_serving_regions = {min} (no service may be left with total weight 0)",
                    svc.name, svc.name
                ),
            }
            .into());
        }
        // Demand: the measured request rates; the source's part by weight share.
        let sizes: Vec<(String, u32, u32)> = ws.iter().map(|w| (w.region.clone(), 0, 0)).collect();
        let (figures, _) = preview::regions(ctx, svc, &sizes).await;
        let measured = |r: &str| {
            figures
                .iter()
                .find(|f| f.region == r)
                .and_then(|f| f.capacity.as_ref())
                .and_then(|c| c.request_rate_rps)
        };
        // A region whose rate cannot be read (its Prometheus is down) is not
        // idle: it is estimated from the measured regions' rate per unit of
        // weight, so its pods are still sized for what it carries.
        let (known_rps, known_weight) = ws
            .iter()
            .filter_map(|w| measured(&w.region).map(|r| (r, w.weight)))
            .fold((0.0, 0u32), |(r, n), (rr, w)| (r + rr, n + w));
        let per_weight = (known_weight > 0).then(|| known_rps / f64::from(known_weight));
        let rate = |r: &str| {
            measured(r).or_else(|| {
                let w = ws.iter().find(|w| w.region == r)?.weight;
                per_weight.map(|p| p * f64::from(w))
            })
        };
        for w in ws
            .iter()
            .filter(|w| w.weight > 0 && measured(&w.region).is_none())
        {
            warnings.push(match rate(&w.region) {
                Some(r) => format!(
                    "{}'s request rate in {} could not be read: estimated at {r:.0} req/s from the other regions",
                    svc.name, w.region
                ),
                None => format!(
                    "{}'s request rate in {} could not be read, nor anywhere else: the targets are not sized for the moved traffic",
                    svc.name, w.region
                ),
            });
        }
        let total_weight: u32 = ws.iter().map(|w| w.weight).sum();
        let global: f64 = ws.iter().filter_map(|w| rate(&w.region)).sum();
        let moved_rps = global * f64::from(src.weight) / f64::from(total_weight.max(1));
        let target_weight: u32 = targets.iter().map(|t| t.weight).sum();
        let share = |t: &RegionWeight| {
            if target_weight > 0 {
                f64::from(t.weight) / f64::from(target_weight)
            } else {
                1.0 / targets.len() as f64
            }
        };
        for t in &targets {
            let region = target::region(ctx, &t.region)?;
            production |= target::production(ctx, region);
            let b = svc.replicas_in(&t.region);
            let Some(cap) = svc.capacity_rps_per_pod else {
                warnings.push(format!(
                    "{} has no capacity_rps_per_pod: {} is not scaled for the extra traffic",
                    svc.name, t.region
                ));
                continue;
            };
            let now_rps = rate(&t.region).unwrap_or(0.0);
            let need = ((now_rps + share(t) * moved_rps) * (1.0 + svc.failover.headroom) / cap)
                .ceil()
                .max(1.0) as u32;
            let live = target::live(ctx, svc, region).await?;
            let current = live
                .first()
                .map(|l| target::int(&l.object, "/spec/replicas", 1).max(0) as u32)
                .unwrap_or(0);
            if need <= current {
                continue;
            }
            let mut want = need.max(b.min);
            if want > b.max {
                let msg = format!(
                    "{} in {} needs {need} replicas to absorb {:.0} req/s with {:.0}% headroom, above its maximum {} (services.{}.replicas)",
                    svc.name,
                    t.region,
                    share(t) * moved_rps,
                    svc.failover.headroom * 100.0,
                    b.max,
                    svc.name
                );
                if !allow_shortfall {
                    return Err(Refusal::Bounds {
                        message: format!(
                            "capacity shortfall: {msg}; --allow-shortfall proceeds at the maximum"
                        ),
                    }
                    .into());
                }
                warnings.push(format!("capacity shortfall (allowed): {msg}"));
                want = b.max;
            }
            if want > current {
                let r = region_steps(ctx, svc, region, want).await?;
                scales.extend(r.changes);
                waits.extend(r.gates);
                warnings.extend(r.warnings);
            }
        }
        // Shift stepwise: targets up, then the source down; SLO check after each.
        let mut last_src = src.weight;
        let mut last: Vec<u32> = targets.iter().map(|t| t.weight).collect();
        let shares: Vec<f64> = targets.iter().map(share).collect();
        for f in &svc.failover.shift_steps {
            let moved = (f64::from(src.weight) * f).round() as u32;
            let why = format!("shift {:.0}% of {}'s {} traffic", f * 100.0, from, svc.name);
            for (i, (t, add)) in targets.iter().zip(split(moved, &shares)).enumerate() {
                let next = t.weight + add;
                if next != last[i] {
                    shifts.push(weight_step(t, last[i], next, &why));
                    last[i] = next;
                }
            }
            let src_next = src.weight - moved;
            if src_next != last_src {
                shifts.push(weight_step(&src, last_src, src_next, &why));
                last_src = src_next;
            }
            if ctx.settings.wait {
                for t in &targets {
                    shifts.push(verify_step(ctx, svc, &t.target));
                }
            }
        }
        if scale_down {
            let b = svc.replicas_in(from);
            let r = region_steps(ctx, svc, source, b.min).await?;
            shifts.extend(r.changes);
        }
    }
    steps.extend(scales);
    if ctx.settings.wait {
        steps.extend(waits);
    }
    steps.extend(shifts);
    let est = super::estimate::plan_time(ctx, &steps).await;
    warnings.push(super::estimate::against_rto(&est, from, source.rto));
    let names: Vec<String> = chosen.iter().map(|s| s.name.clone()).collect();
    let op = Operation::Failover {
        services: services.to_vec(),
        from: from.into(),
        to: to.to_vec(),
        scale_down,
        allow_shortfall,
    };
    Ok(Plan {
        summary: op.describe(),
        operation: op,
        steps,
        regions: Vec::new(),
        warnings,
        confirmation: Confirmation::YesNo,
        production,
        rollback_on_failure: false,
        services: names,
    })
}

/// `total` split by `shares` in whole numbers that add up to `total`
/// (largest remainder first).
pub fn split(total: u32, shares: &[f64]) -> Vec<u32> {
    let sum: f64 = shares.iter().sum();
    if shares.is_empty() || sum <= 0.0 {
        return vec![0; shares.len()];
    }
    let exact: Vec<f64> = shares.iter().map(|s| f64::from(total) * s / sum).collect();
    let mut out: Vec<u32> = exact.iter().map(|e| e.floor() as u32).collect();
    let mut left = total - out.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| {
        (exact[*b] - exact[*b].floor())
            .total_cmp(&(exact[*a] - exact[*a].floor()))
            .then(a.cmp(b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::split;

    #[test]
    fn splits_add_up() {
        assert_eq!(split(100, &[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        assert_eq!(split(50, &[1.0, 1.0, 1.0]), vec![17, 17, 16]);
        assert_eq!(split(10, &[3.0, 1.0]), vec![8, 2]);
        assert_eq!(split(7, &[0.0, 0.0]), vec![0, 0]);
    }
}
