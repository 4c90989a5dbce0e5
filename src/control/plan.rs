//! A plan: the ordered steps of an operation with everything the operator
//! sees before confirming — what changes, capacity, cost, warnings — and the
//! confirmation the policy asks for. Plain data: shown, compared, journaled.

mod deploy;
mod estimate;
mod failback;
mod failover;
mod preview;
mod restart;
mod rollback;
mod scale;
mod silence;
pub mod target;
mod undo;

use serde::{Deserialize, Serialize};

use super::clients::Ctx;
use super::error::ControlError;
use super::operation::Operation;
use super::step::{ObjectRef, Step};
pub use preview::{Capacity, CostChange};
pub use rollback::images as rollback_images;
pub use silence::matcher as parse_matcher;

/// The Alertmanager members of HA cluster `ha`, in config order.
pub fn ha_members(ctx: &Ctx, ha: &str) -> Vec<crate::sources::alertmanager::Member> {
    silence::ha_clusters(ctx)
        .into_iter()
        .find(|(n, _)| n == ha)
        .map(|(_, m)| m)
        .unwrap_or_default()
}

/// How the operator must confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum Confirmation {
    /// A y/n question.
    YesNo,
    /// Type `name` (the service or region) to go on; `why` says which rule.
    #[serde(rename_all = "camelCase")]
    TypedName { name: String, why: String },
}

/// One region's figures in the preview.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionPreview {
    pub region: String,
    pub capacity: Option<Capacity>,
    pub cost: Option<CostChange>,
}

/// An operation planned against the live fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub operation: Operation,
    pub summary: String,
    pub steps: Vec<Step>,
    pub regions: Vec<RegionPreview>,
    pub warnings: Vec<String>,
    pub confirmation: Confirmation,
    /// Whether any object is in a production region or context.
    pub production: bool,
    /// A failed step or an abort undoes every change already made, in
    /// reverse order (progressive deploy).
    #[serde(default)]
    pub rollback_on_failure: bool,
    /// Services whose lease the operation takes (besides `operation.service()`).
    #[serde(default)]
    pub services: Vec<String>,
}

impl Plan {
    /// Every distinct object the plan changes.
    pub fn changed_objects(&self) -> Vec<&ObjectRef> {
        let mut out: Vec<&ObjectRef> = Vec::new();
        for s in self.steps.iter().filter(|s| !s.action.is_gate()) {
            if let Some(t) = &s.target
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
        out
    }

    /// Every context the plan touches, in first-use order.
    pub fn contexts(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.steps.iter().filter_map(|s| s.target.as_ref()) {
            if !out.contains(&t.context) {
                out.push(t.context.clone());
            }
        }
        out
    }

    /// Every service whose lease the operation takes.
    pub fn lease_services(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .operation
            .service()
            .map(str::to_string)
            .into_iter()
            .collect();
        for s in &self.services {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
        out
    }

    /// `(context, namespace)` pairs where the service's lease is taken.
    pub fn lease_scopes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for t in self.steps.iter().filter_map(|s| s.target.as_ref()) {
            let k = (t.context.clone(), t.namespace.clone());
            if !out.contains(&k) {
                out.push(k);
            }
        }
        out
    }
}

/// Plans `op` against the fleet as it is now. Reads only.
pub async fn plan(ctx: &Ctx, op: &Operation) -> Result<Plan, ControlError> {
    let mut plan = match op {
        Operation::Scale {
            service,
            regions,
            replicas,
        } => scale::plan(ctx, service, regions, *replicas).await?,
        Operation::Rollback {
            service,
            region,
            to_revision,
        } => rollback::plan(ctx, service, region, *to_revision).await?,
        Operation::Restart { service, region } => restart::plan(ctx, service, region).await?,
        Operation::SilenceCreate {
            matchers,
            duration_seconds,
            comment,
        } => silence::create(ctx, matchers, *duration_seconds, comment)?,
        Operation::SilenceExpire { id } => silence::expire(ctx, id).await?,
        Operation::Undo { of } => undo::plan(ctx, of)?,
        Operation::Deploy {
            service,
            image,
            container,
            regions,
        } => deploy::plan(ctx, service, image, container.as_deref(), regions).await?,
        Operation::Failover {
            services,
            from,
            to,
            scale_down,
            allow_shortfall,
        } => failover::plan(ctx, services, from, to, *scale_down, *allow_shortfall).await?,
        Operation::Failback { services, to } => failback::failback(ctx, services, to).await?,
    };
    for (i, s) in plan.steps.iter_mut().enumerate() {
        s.index = i;
    }
    plan.confirmation = confirmation(ctx, &plan);
    Ok(plan)
}

/// The policy's confirmation for `plan`: typed name for production and for
/// plans above `typed_name_above_objects` objects, else y/n (or typed
/// always when `confirm = "typed-name"`).
pub fn confirmation(ctx: &Ctx, plan: &Plan) -> Confirmation {
    let p = &ctx.cfg.policy;
    // One service: its name; a whole region: the region's; else the verb.
    let name = match (&plan.operation, plan.operation.service()) {
        (_, Some(s)) => s.to_string(),
        (Operation::Failover { from: r, .. } | Operation::Failback { to: r, .. }, None) => {
            r.clone()
        }
        _ => plan.operation.verb().to_string(),
    };
    let objects = plan.changed_objects().len();
    let why = if p.confirm == crate::config::ConfirmMode::TypedName {
        Some("policy.confirm = \"typed-name\"".to_string())
    } else if p.typed_name_for_production && plan.production {
        Some("it changes a production region".to_string())
    } else if objects > p.typed_name_above_objects as usize {
        Some(format!(
            "it changes {objects} objects (more than policy.typed_name_above_objects = {})",
            p.typed_name_above_objects
        ))
    } else {
        None
    };
    match why {
        Some(why) => Confirmation::TypedName { name, why },
        None => Confirmation::YesNo,
    }
}
