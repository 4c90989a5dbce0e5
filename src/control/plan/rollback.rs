//! Planning a rollback with the semantics of `kubectl rollout undo`: the
//! target ReplicaSet (previous revision, or `--to-revision`) of those the
//! Deployment controls; its pod template without `pod-template-hash`
//! becomes the Deployment's; then the rollout wait and the SLO check.

use k8s_openapi::api::apps::v1::ReplicaSet;
use kube::Api;
use kube::api::ListParams;
use serde_json::{Value, json};

use super::super::clients::Ctx;
use super::super::error::{self, ControlError, Refusal};
use super::super::kube_ops::bare_template;
use super::super::operation::Operation;
use super::super::step::{Action, FieldChange, Step};
use super::scale::{permission, wait_step};
use super::target;
use super::{Confirmation, Plan};

pub const REVISION: &str = "deployment.kubernetes.io/revision";

fn revision(v: &Value) -> Option<u64> {
    v.pointer("/metadata/annotations")
        .and_then(|a| a.get(REVISION))
        .and_then(Value::as_str)
        .and_then(|r| r.parse().ok())
}

/// `name=image` of every container of a pod template.
pub fn images(template: &Value) -> Value {
    let list: Vec<String> = template
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    format!(
                        "{}={}",
                        c.get("name").and_then(Value::as_str).unwrap_or("?"),
                        c.get("image").and_then(Value::as_str).unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    json!(list)
}

pub async fn plan(
    ctx: &Ctx,
    service: &str,
    region: &str,
    to_revision: Option<u64>,
) -> Result<Plan, ControlError> {
    let svc = target::service(ctx, service)?;
    let reg = target::region(ctx, region)?;
    let mut steps = Vec::new();
    let mut gates = Vec::new();
    let mut warnings = Vec::new();
    for live in target::live(ctx, svc, reg).await? {
        let t = live.target.clone();
        if live.object.pointer("/spec/paused") == Some(&Value::Bool(true)) {
            return Err(Refusal::Safety {
                message: format!(
                    "you cannot roll back a paused deployment ({}); resume it first",
                    t.label()
                ),
            }
            .into());
        }
        warnings.extend(live.warnings());
        let client = ctx.kube(&t.context).await?;
        let api: Api<ReplicaSet> = Api::namespaced(client, &t.namespace);
        let selector = live
            .object
            .pointer("/spec/selector/matchLabels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default();
        let list = api
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| error::kube(&t.context, "ReplicaSets", &e))?;
        let mut owned: Vec<(u64, Value)> = list
            .items
            .iter()
            .filter(|rs| {
                rs.metadata.owner_references.as_ref().is_some_and(|o| {
                    o.iter()
                        .any(|o| o.controller == Some(true) && Some(&o.uid) == t.uid.as_ref())
                })
            })
            .filter_map(|rs| serde_json::to_value(rs).ok())
            .filter_map(|v| revision(&v).map(|r| (r, v)))
            .collect();
        owned.sort_by_key(|(r, _)| *r);
        let current = revision(&live.object).unwrap_or(0);
        let chosen = match to_revision {
            Some(want) => owned.iter().find(|(r, _)| *r == want).ok_or_else(|| {
                let have: Vec<String> = owned.iter().map(|(r, _)| r.to_string()).collect();
                ControlError::Usage(format!(
                    "unable to find specified revision {want} in history of {} (revisions: {})",
                    t.label(),
                    have.join(", ")
                ))
            })?,
            None => owned
                .iter()
                .rev()
                .find(|(r, _)| *r < current)
                .ok_or_else(|| {
                    ControlError::Failed(format!(
                        "no rollout history found for {}: nothing to roll back to",
                        t.label()
                    ))
                })?,
        };
        let (rev, rs) = chosen;
        let template = bare_template(rs.pointer("/spec/template").unwrap_or(&Value::Null));
        let now = bare_template(
            live.object
                .pointer("/spec/template")
                .unwrap_or(&Value::Null),
        );
        if template == now {
            warnings.push(format!(
                "{} already runs the template of revision {rev}: nothing to change",
                t.label()
            ));
            continue;
        }
        steps.push(Step {
            index: 0,
            description: format!(
                "roll back {} from revision {current} to revision {rev} ({})",
                t.label(),
                images(&template)
                    .as_array()
                    .map(|a| a
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            ),
            action: Action::SetTemplate {
                revision: Some(*rev),
                template: template.clone(),
            },
            target: Some(t.clone()),
            changes: vec![
                FieldChange {
                    field: "spec.template (images)".into(),
                    from: images(&now),
                    to: images(&template),
                },
                FieldChange {
                    field: format!("metadata.annotations[{REVISION}]"),
                    from: json!(current.to_string()),
                    to: json!(format!(
                        "{} (revision {rev} renumbered)",
                        owned.last().map(|(r, _)| r + 1).unwrap_or(current + 1)
                    )),
                },
            ],
            inverse: Some(Action::SetTemplate {
                revision: Some(current),
                template: now,
            }),
            permissions: vec![permission(&t, "patch", "apps", "deployments", None)],
            dry_run: true,
            resource_version: live.resource_version(),
        });
        gates.push(wait_step(ctx, &t, None, None));
        gates.push(super::restart::verify_step(ctx, svc, &t));
    }
    if ctx.settings.wait && !steps.is_empty() {
        steps.extend(gates);
    }
    Ok(Plan {
        operation: Operation::Rollback {
            service: service.into(),
            region: region.into(),
            to_revision,
        },
        summary: match to_revision {
            Some(r) => format!("roll back {service} in {region} to revision {r}"),
            None => format!("roll back {service} in {region} to the previous revision"),
        },
        steps,
        regions: Vec::new(),
        warnings,
        confirmation: Confirmation::YesNo,
        rollback_on_failure: false,
        services: Vec::new(),
        production: target::production(ctx, reg),
    })
}
