//! One operation per service at a time, across operators and machines: a
//! `coordination.k8s.io/v1` Lease `opsdeck-<service>` in the service's
//! namespace of every touched cluster. Holder `identity@host/<operation id>`,
//! a TTL, renewed while the operation runs, released at the end. A live
//! lease of someone else refuses; an expired one is taken over (journaled).

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::Api;
use kube::api::PostParams;

use super::clients::Ctx;
use super::error::{self, ControlError, Refusal};

pub const OPERATION_ANNOTATION: &str = "opsdeck.io/operation";
/// `pause`, `continue` or `abort`, set by `opsdeck ops pause|continue|abort`
/// from any machine; the running engine reads it when it renews.
pub const REQUEST_ANNOTATION: &str = "opsdeck.io/request";

/// A lease this process holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub context: String,
    pub namespace: String,
    pub name: String,
    pub holder: String,
    /// The previous holder of an expired lease we took over.
    pub taken_over_from: Option<String>,
}

pub fn name(service: &str) -> String {
    format!("opsdeck-{service}")
}

pub fn holder(ctx: &Ctx, op_id: &str) -> String {
    format!("{}/{op_id}", ctx.actor.label())
}

fn expired(l: &Lease, now: jiff::Timestamp) -> bool {
    let Some(spec) = &l.spec else { return true };
    if spec.holder_identity.as_deref().is_none_or(str::is_empty) {
        return true;
    }
    let ttl = i64::from(spec.lease_duration_seconds.unwrap_or(0));
    match &spec.renew_time.as_ref().or(spec.acquire_time.as_ref()) {
        Some(MicroTime(t)) => t
            .checked_add(jiff::SignedDuration::from_secs(ttl))
            .map(|end| end < now)
            .unwrap_or(true),
        None => true,
    }
}

fn spec(ctx: &Ctx, holder: &str, acquired: jiff::Timestamp, transitions: i32) -> LeaseSpec {
    LeaseSpec {
        holder_identity: Some(holder.into()),
        lease_duration_seconds: Some(ctx.settings.lease_ttl.as_secs().max(1) as i32),
        acquire_time: Some(MicroTime(acquired)),
        renew_time: Some(MicroTime(jiff::Timestamp::now())),
        lease_transitions: Some(transitions),
        ..Default::default()
    }
}

fn refusal(context: &str, l: &Lease) -> Refusal {
    let spec = l.spec.clone().unwrap_or_default();
    Refusal::Lease {
        context: context.into(),
        lease: format!(
            "{}/{}",
            l.metadata.namespace.clone().unwrap_or_default(),
            l.metadata.name.clone().unwrap_or_default()
        ),
        holder: crate::sanitize::clean(&spec.holder_identity.unwrap_or_default()).into_owned(),
        since: spec
            .acquire_time
            .map(|MicroTime(t)| t.to_string())
            .unwrap_or_else(|| "?".into()),
    }
}

/// Refuses now when another live operation holds the lease (for previews
/// and dry runs: takes nothing).
pub async fn check(
    ctx: &Ctx,
    context: &str,
    namespace: &str,
    service: &str,
    op_id: Option<&str>,
) -> Result<(), ControlError> {
    let api: Api<Lease> = Api::namespaced(ctx.kube(context).await?, namespace);
    let lease = api
        .get_opt(&name(service))
        .await
        .map_err(|e| error::kube(context, "lease", &e))?;
    match lease {
        Some(l) if !expired(&l, jiff::Timestamp::now()) && !ours(&l, op_id) => {
            Err(refusal(context, &l).into())
        }
        _ => Ok(()),
    }
}

fn ours(l: &Lease, op_id: Option<&str>) -> bool {
    let h = l
        .spec
        .as_ref()
        .and_then(|s| s.holder_identity.as_deref())
        .unwrap_or("");
    op_id.is_some_and(|id| h.ends_with(&format!("/{id}")))
}

/// Takes the lease for operation `op_id` (or keeps it, when the same
/// operation already holds it: resume). Never overwrites a live lease of
/// someone else; a race on create or take-over (409) refuses.
pub async fn acquire(
    ctx: &Ctx,
    context: &str,
    namespace: &str,
    service: &str,
    op_id: &str,
) -> Result<Held, ControlError> {
    let api: Api<Lease> = Api::namespaced(ctx.kube(context).await?, namespace);
    let lname = name(service);
    let holder = holder(ctx, op_id);
    let now = jiff::Timestamp::now();
    let current = api
        .get_opt(&lname)
        .await
        .map_err(|e| error::kube(context, "lease", &e))?;
    let mut held = Held {
        context: context.into(),
        namespace: namespace.into(),
        name: lname.clone(),
        holder: holder.clone(),
        taken_over_from: None,
    };
    match current {
        None => {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(lname.clone()),
                    namespace: Some(namespace.into()),
                    annotations: Some(
                        [(OPERATION_ANNOTATION.to_string(), op_id.to_string())].into(),
                    ),
                    ..Default::default()
                },
                spec: Some(spec(ctx, &holder, now, 0)),
            };
            match api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(held),
                Err(e) if super::kube_ops::is_conflict(&e) => {
                    let l = api
                        .get(&lname)
                        .await
                        .map_err(|e| error::kube(context, "lease", &e))?;
                    Err(refusal(context, &l).into())
                }
                Err(e) => Err(error::kube(context, "create lease", &e)),
            }
        }
        Some(l) => {
            let mine = ours(&l, Some(op_id));
            if !mine && !expired(&l, now) {
                return Err(refusal(context, &l).into());
            }
            let prev = l.spec.clone().unwrap_or_default();
            if !mine {
                held.taken_over_from = prev.holder_identity.clone().filter(|h| !h.is_empty());
            }
            let mut next = l.clone();
            let acquired = if mine {
                prev.acquire_time.map(|MicroTime(t)| t).unwrap_or(now)
            } else {
                now
            };
            let transitions = prev.lease_transitions.unwrap_or(0) + i32::from(!mine);
            next.spec = Some(spec(ctx, &holder, acquired, transitions));
            let annotations = next
                .metadata
                .annotations
                .get_or_insert_with(Default::default);
            annotations.insert(OPERATION_ANNOTATION.into(), op_id.into());
            if !mine {
                annotations.remove(REQUEST_ANNOTATION);
            }
            match api.replace(&lname, &PostParams::default(), &next).await {
                Ok(_) => Ok(held),
                Err(e) if super::kube_ops::is_conflict(&e) => {
                    let l = api
                        .get(&lname)
                        .await
                        .map_err(|e| error::kube(context, "lease", &e))?;
                    Err(refusal(context, &l).into())
                }
                Err(e) => Err(error::kube(context, "take over lease", &e)),
            }
        }
    }
}

/// Renews a held lease and returns the operator's request on it, if any;
/// an error means it was lost (someone took it over): the operation must stop.
pub async fn renew(ctx: &Ctx, held: &Held) -> Result<Option<String>, String> {
    let api: Api<Lease> = Api::namespaced(
        ctx.kube(&held.context).await.map_err(|e| e.to_string())?,
        &held.namespace,
    );
    let mut l = api
        .get(&held.name)
        .await
        .map_err(|e| crate::sources::kube::client::describe(&e))?;
    let spec = l.spec.get_or_insert_with(Default::default);
    if spec.holder_identity.as_deref() != Some(held.holder.as_str()) {
        return Err(format!(
            "lease {}/{} in {} is now held by {}",
            held.namespace,
            held.name,
            held.context,
            crate::sanitize::clean(spec.holder_identity.as_deref().unwrap_or("nobody"))
        ));
    }
    spec.renew_time = Some(MicroTime(jiff::Timestamp::now()));
    let request = l
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REQUEST_ANNOTATION))
        .cloned();
    api.replace(&held.name, &PostParams::default(), &l)
        .await
        .map_err(|e| crate::sources::kube::client::describe(&e))?;
    Ok(request)
}

/// Asks the operation holding `service`'s lease (it must be `op_id`) to
/// pause, continue or abort, through the lease's request annotation.
pub async fn request(
    ctx: &Ctx,
    context: &str,
    namespace: &str,
    service: &str,
    op_id: &str,
    what: &str,
) -> Result<(), ControlError> {
    let api: Api<Lease> = Api::namespaced(ctx.kube(context).await?, namespace);
    let l = api
        .get_opt(&name(service))
        .await
        .map_err(|e| error::kube(context, "lease", &e))?
        .ok_or_else(|| {
            ControlError::Usage(format!(
                "operation {op_id} holds no lease in {context}: it is not running"
            ))
        })?;
    if !ours(&l, Some(op_id)) || expired(&l, jiff::Timestamp::now()) {
        return Err(ControlError::Usage(format!(
            "operation {op_id} does not hold lease {} in {context}: it is not running",
            name(service)
        )));
    }
    let patch = serde_json::json!({"metadata": {"annotations": {REQUEST_ANNOTATION: what}}});
    api.patch(
        &name(service),
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(&patch),
    )
    .await
    .map_err(|e| error::kube(context, "lease", &e))?;
    Ok(())
}

/// Gives the lease up (holder cleared), if we still hold it. A failed try
/// (a timeout, a 409 from a write in between) is tried again from a fresh
/// read, up to three times: a lease left held would refuse the next
/// operation (a failback right after its failover) until it expires.
pub async fn release(ctx: &Ctx, held: &Held) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 0..3u32 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(500 * u64::from(attempt))).await;
        }
        match release_once(ctx, held).await {
            Ok(()) => return Ok(()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

async fn release_once(ctx: &Ctx, held: &Held) -> Result<(), String> {
    let api: Api<Lease> = Api::namespaced(
        ctx.kube(&held.context).await.map_err(|e| e.to_string())?,
        &held.namespace,
    );
    let mut l = api
        .get(&held.name)
        .await
        .map_err(|e| crate::sources::kube::client::describe(&e))?;
    let spec = l.spec.get_or_insert_with(Default::default);
    if spec.holder_identity.as_deref() != Some(held.holder.as_str()) {
        return Ok(());
    }
    spec.holder_identity = None;
    spec.renew_time = Some(MicroTime(jiff::Timestamp::now()));
    spec.lease_duration_seconds = Some(1);
    if let Some(a) = l.metadata.annotations.as_mut() {
        a.remove(REQUEST_ANNOTATION);
    }
    api.replace(&held.name, &PostParams::default(), &l)
        .await
        .map_err(|e| crate::sources::kube::client::describe(&e))?;
    Ok(())
}
