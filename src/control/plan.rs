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
    /// Type `name` (the service or region) to go on, or `short`: its
    /// shortest prefix of at least three characters that starts no other
    /// region or service name, so a whole-region failover at 3 a.m. is a
    /// few keys and still names its target. `why` says which rule.
    #[serde(rename_all = "camelCase")]
    TypedName {
        name: String,
        #[serde(default)]
        short: String,
        why: String,
    },
}

impl Confirmation {
    /// Whether `typed` is the confirmation asked for (y/n is asked elsewhere).
    pub fn accepts_typed(&self, typed: &str) -> bool {
        match self {
            Self::YesNo => false,
            Self::TypedName { name, short, .. } => typed_confirms(name, short, typed),
        }
    }

    /// "us-east-1 (or us-e)", or the name alone when it is its own shortest form.
    pub fn typed_prompt(name: &str, short: &str) -> String {
        if short.is_empty() || short == name {
            name.to_string()
        } else {
            format!("{name} (or {short})")
        }
    }
}

/// Whether `typed` confirms `name`: the whole name, or a prefix of it at
/// least as long as its short form.
pub fn typed_confirms(name: &str, short: &str, typed: &str) -> bool {
    typed == name || (!short.is_empty() && typed.len() >= short.len() && name.starts_with(typed))
}

/// The shortest prefix of `name`, at least three characters, that starts
/// none of `others` (the whole name when every shorter prefix does).
pub fn short_name<'a>(name: &str, others: impl Iterator<Item = &'a str> + Clone) -> String {
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    for n in 3..chars.len() {
        let prefix = &name[..chars[n].0];
        if !others.clone().any(|o| o != name && o.starts_with(prefix)) {
            return prefix.to_string();
        }
    }
    name.to_string()
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
    let others = ctx
        .cfg
        .regions
        .iter()
        .map(|r| r.name.as_str())
        .chain(ctx.cfg.services.iter().map(|s| s.name.as_str()));
    match why {
        Some(why) => Confirmation::TypedName {
            short: short_name(&name, others),
            name,
            why,
        },
        None => Confirmation::YesNo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_name_is_the_first_prefix_no_other_name_starts() {
        let fleet = ["us-east-1", "us-west-2", "eu-west-1", "eastus", "checkout"];
        let short = |n: &str| short_name(n, fleet.iter().copied());
        assert_eq!(short("us-east-1"), "us-e");
        assert_eq!(short("eastus"), "eas");
        assert_eq!(short("eu-west-1"), "eu-");
        // A name that starts another keeps its whole self.
        let nested = ["api", "api-v2"];
        assert_eq!(short_name("api", nested.iter().copied()), "api");
        assert_eq!(short_name("api-v2", nested.iter().copied()), "api-");
    }

    #[test]
    fn typed_confirmation_takes_the_name_or_its_short_form_only() {
        let c = Confirmation::TypedName {
            name: "us-east-1".into(),
            short: "us-e".into(),
            why: "production".into(),
        };
        assert!(c.accepts_typed("us-east-1") && c.accepts_typed("us-e"));
        assert!(c.accepts_typed("us-eas"), "more of the name is fine");
        assert!(!c.accepts_typed("us-") && !c.accepts_typed("us-ex") && !c.accepts_typed(""));
        assert!(!c.accepts_typed("us-east-10"));
        assert!(!Confirmation::YesNo.accepts_typed("y"));
    }
}
