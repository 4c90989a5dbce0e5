//! The numbers a plan shows before anything changes: capacity against the
//! current request rate, and the change in cost per day, from one pass over
//! the touched regions' sources (Prometheus, billing, Kubernetes).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::super::clients::Ctx;
use super::RegionPreview;
use crate::config::Service;

/// Capacity after the plan against the request rate now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capacity {
    pub replicas_now: u32,
    pub replicas_after: u32,
    pub rps_per_pod: Option<f64>,
    pub capacity_after_rps: Option<f64>,
    pub request_rate_rps: Option<f64>,
}

/// Cost per day the plan adds (negative: saves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostChange {
    pub per_replica_day: f64,
    pub change_per_day: f64,
    pub currency: String,
}

/// `sizes`: (region, replicas now, replicas after). Returns the figures and
/// warnings (capacity below demand, figures that could not be read).
pub async fn regions(
    ctx: &Ctx,
    svc: &Service,
    sizes: &[(String, u32, u32)],
) -> (Vec<RegionPreview>, Vec<String>) {
    let mut cfg = (*ctx.cfg).clone();
    cfg.regions
        .retain(|r| sizes.iter().any(|(n, _, _)| *n == r.name));
    cfg.services.retain(|s| s.name == svc.name);
    let state = crate::sources::gather::once(
        &cfg,
        None,
        Duration::from_secs(5),
        &crate::sources::needs::Needs::status(),
    )
    .await;
    let snap = crate::model::FleetSnapshot::build(
        &crate::sources::specs::regions(&cfg),
        &crate::sources::specs::services(&cfg),
        &state,
        jiff::Timestamp::now(),
    );
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for (region, now, after) in sizes {
        let cell = snap
            .regions
            .iter()
            .find(|r| r.name == *region)
            .and_then(|r| r.services.iter().find(|c| c.service == svc.name));
        let rate = cell.and_then(|c| c.request_rate);
        let capacity_after = svc.capacity_rps_per_pod.map(|c| c * f64::from(*after));
        if let (Some(cap), Some(rate)) = (capacity_after, rate)
            && cap < rate
        {
            warnings.push(format!(
                "after the change {region} can serve {cap:.0} req/s but receives {rate:.0} req/s now"
            ));
        }
        if rate.is_none() {
            warnings.push(format!(
                "no request rate for {} in {region}: capacity not checked",
                svc.name
            ));
        }
        let per_replica = cell.and_then(|c| match (c.cost_per_day, c.ready.or(c.desired)) {
            (Some(cost), Some(n)) if n > 0 => Some(cost / f64::from(n)),
            _ => None,
        });
        out.push(RegionPreview {
            region: region.clone(),
            capacity: Some(Capacity {
                replicas_now: *now,
                replicas_after: *after,
                rps_per_pod: svc.capacity_rps_per_pod,
                capacity_after_rps: capacity_after,
                request_rate_rps: rate,
            }),
            cost: per_replica.map(|p| CostChange {
                per_replica_day: p,
                change_per_day: p * (f64::from(*after) - f64::from(*now)),
                currency: ctx.cfg.ui.budget.currency.clone(),
            }),
        });
    }
    (out, warnings)
}
