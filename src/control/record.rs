//! What `kubectl describe` and `kubectl rollout history` show of an
//! operation: a Kubernetes Event per step on the object it changed
//! (`reportingComponent: opsdeck`) and the change-cause annotation text.

use k8s_openapi::api::core::v1::Event;
use kube::Api;
use kube::api::PostParams;
use serde_json::json;

use super::clients::Ctx;
use super::step::Step;

/// `opsdeck scale (op 2026...-scale-ab12 by alice@bastion): reason`
pub fn change_cause(ctx: &Ctx, summary: &str, op_id: &str, reason: Option<&str>) -> String {
    let mut s = format!(
        "opsdeck: {summary} (operation {op_id} by {})",
        ctx.actor.label()
    );
    if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
        s.push_str(": ");
        s.push_str(&crate::sanitize::clean(r));
    }
    s
}

/// Creates an Event on the step's object. Best effort: the caller journals
/// a failure as a note and goes on.
pub async fn event(ctx: &Ctx, step: &Step, op_id: &str, message: &str) -> Result<(), String> {
    let Some(t) = &step.target else { return Ok(()) };
    let client = ctx.kube(&t.context).await.map_err(|e| e.to_string())?;
    let now = jiff::Timestamp::now().to_string();
    let value = json!({
        "metadata": {"generateName": format!("{}.opsdeck-", t.name), "namespace": t.namespace,
                     "annotations": {super::lease::OPERATION_ANNOTATION: op_id}},
        "involvedObject": {"apiVersion": t.api_version, "kind": t.kind, "name": t.name,
                           "namespace": t.namespace, "uid": t.uid},
        "reason": step.action.reason(),
        "message": message,
        "type": "Normal",
        "source": {"component": "opsdeck", "host": ctx.actor.host},
        "reportingComponent": "opsdeck",
        "reportingInstance": ctx.actor.host,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
    });
    let ev: Event = serde_json::from_value(value).map_err(|e| e.to_string())?;
    let api: Api<Event> = Api::namespaced(client, &t.namespace);
    api.create(&PostParams::default(), &ev)
        .await
        .map(|_| ())
        .map_err(|e| crate::sources::kube::client::describe(&e))
}
