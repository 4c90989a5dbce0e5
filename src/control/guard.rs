//! Guards that refuse a plan before anything changes: read-only (sticky,
//! global or per context) and RBAC (a SelfSubjectAccessReview for every
//! permission of every step, plus the lease and Event permissions).

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::Api;
use kube::api::PostParams;

use super::clients::Ctx;
use super::error::{self, ControlError, Refusal};
use super::plan::Plan;
use super::step::Permission;

/// Refuses when read-only is on for any context the plan touches (or
/// globally, for plans that touch no cluster).
pub fn read_only(ctx: &Ctx, plan: &Plan) -> Result<(), Refusal> {
    let p = &ctx.cfg.policy;
    let contexts = plan.contexts();
    if contexts.is_empty() && p.read_only {
        return Err(Refusal::ReadOnly {
            rule: p
                .read_only_rule("")
                .unwrap_or_else(|| "policy.read_only".into()),
        });
    }
    for c in contexts {
        if let Some(rule) = p.read_only_rule(&c) {
            return Err(Refusal::ReadOnly { rule });
        }
    }
    Ok(())
}

/// Every permission the plan needs, deduplicated: the steps' own, and per
/// touched namespace the lease (get, create, update).
pub fn permissions(plan: &Plan) -> Vec<Permission> {
    let mut all: Vec<Permission> = plan
        .steps
        .iter()
        .flat_map(|s| s.permissions.iter().cloned())
        .collect();
    if !plan.lease_services().is_empty() {
        for (context, namespace) in plan.lease_scopes() {
            for verb in ["get", "create", "update"] {
                all.push(Permission {
                    context: context.clone(),
                    namespace: namespace.clone(),
                    verb: verb.into(),
                    group: "coordination.k8s.io".into(),
                    resource: "leases".into(),
                    subresource: None,
                });
            }
        }
    }
    // In step order (the first step's permission is named first), once each.
    let mut out: Vec<Permission> = Vec::new();
    for p in all {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Asks each cluster, for each permission, whether the caller has it.
pub async fn rbac(ctx: &Ctx, plan: &Plan) -> Result<(), ControlError> {
    for p in permissions(plan) {
        let client = ctx.kube(&p.context).await?;
        let api: Api<SelfSubjectAccessReview> = Api::all(client);
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    namespace: Some(p.namespace.clone()),
                    verb: Some(p.verb.clone()),
                    group: Some(p.group.clone()),
                    resource: Some(p.resource.clone()),
                    subresource: p.subresource.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let answer = api
            .create(&PostParams::default(), &review)
            .await
            .map_err(|e| error::kube(&p.context, "access review", &e))?;
        let status = answer.status.unwrap_or_default();
        if !status.allowed {
            return Err(Refusal::Rbac {
                context: p.context.clone(),
                permission: p.label(),
                reason: crate::sanitize::clean(&status.reason.unwrap_or_default()).into_owned(),
            }
            .into());
        }
    }
    Ok(())
}
