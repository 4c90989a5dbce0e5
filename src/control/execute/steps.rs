//! One step at a time: changes read before they write and carry a
//! resourceVersion; gates wait and measure; silences go through the data
//! layer's HA-safe calls.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::super::clients::Ctx;
use super::super::gate;
use super::super::journal::Record;
use super::super::kube_ops::{self, Observed};
use super::super::plan::Plan;
use super::super::step::{Action, ObjectRef, SilenceSpec, Step};
use super::Progress;
use crate::sources::alertmanager::{self, NewSilence, api};

/// How a step ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Done {
        observed: Value,
        message: String,
    },
    AlreadyApplied {
        observed: Value,
        message: String,
    },
    /// `values`: a gate's numbers, kept in the journal with its verdict
    Failed {
        error: String,
        values: Option<Value>,
    },
}

fn failed(e: impl Into<String>) -> End {
    End::Failed {
        error: e.into(),
        values: None,
    }
}

/// What the journal keeps of an observed value (a template: its images).
fn shown(action: &Action, v: &Value) -> Value {
    match action {
        Action::SetTemplate { .. } => super::super::plan::rollback_images(v),
        _ => v.clone(),
    }
}

/// The value the field has before the step, as the plan saw it.
fn expected_before(step: &Step) -> Option<Value> {
    match &step.inverse {
        Some(inv) => Some(kube_ops::wanted(inv)),
        None => step.changes.first().map(|c| c.from.clone()),
    }
}

pub async fn run_step(
    ctx: &Ctx,
    step: &Step,
    op_id: &str,
    cause: &str,
    cancel: &CancellationToken,
    tx: &UnboundedSender<Progress>,
) -> End {
    match (&step.action, &step.target) {
        (
            Action::WaitRollout {
                timeout_seconds,
                min_replicas,
                max_replicas,
            },
            Some(t),
        ) => {
            let v = gate::rollout(
                ctx,
                t,
                Duration::from_secs(*timeout_seconds),
                *min_replicas,
                *max_replicas,
                cancel,
            )
            .await;
            gate_end(step, v, tx)
        }
        (
            Action::VerifySlo {
                service,
                window_seconds,
                max_error_ratio,
                max_p95_seconds,
                idle_ok,
            },
            Some(t),
        ) => {
            let check = gate::SloCheck {
                region: &t.region,
                service,
                window: Duration::from_secs(*window_seconds),
                max_error_ratio: *max_error_ratio,
                max_p95: *max_p95_seconds,
                idle_ok: *idle_ok,
            };
            let mut v = gate::slo(ctx, &check, cancel).await;
            if *idle_ok && !v.passed && v.values["noSamples"] == true {
                v = gate::Verdict {
                    passed: true,
                    message: format!(
                        "{service} in {} serves no traffic yet: judged after the first shift back",
                        t.region
                    ),
                    values: v.values,
                };
            }
            gate_end(step, v, tx)
        }
        (
            Action::CanaryGate {
                service,
                canary,
                baseline,
                window_seconds,
                interval_seconds,
                confidence,
                margin,
                max_error_ratio,
                max_p95_seconds,
                reference,
            },
            _,
        ) => {
            let spec = super::super::canary::Spec {
                service,
                canary,
                baseline,
                window: Duration::from_secs(*window_seconds),
                interval: Duration::from_secs((*interval_seconds).max(1)),
                confidence: *confidence,
                margin: *margin,
                max_error_ratio: *max_error_ratio,
                max_p95: *max_p95_seconds,
                reference,
            };
            let v = super::super::canary::gate(ctx, &spec, cancel).await;
            gate_end(step, v, tx)
        }
        (
            Action::CreateSilence {
                ha_cluster,
                silence,
            },
            _,
        ) => create_silence(ctx, ha_cluster, silence).await,
        (Action::ExpireSilence { ha_cluster, id }, _) => expire_silence(ctx, ha_cluster, id).await,
        (action, Some(t)) => change(ctx, step, action, t, cause).await,
        (_, None) => {
            let _ = op_id;
            failed("step has no target")
        }
    }
}

/// Applies `step`'s inverse, checked against the step's own target value
/// (what the object should hold now): someone else's change is not touched.
pub async fn revert(ctx: &Ctx, step: &Step, cause: &str) -> End {
    let (Some(inverse), Some(t)) = (&step.inverse, &step.target) else {
        return failed("nothing to revert");
    };
    let back = Step {
        action: inverse.clone(),
        inverse: Some(step.action.clone()),
        resource_version: None,
        ..step.clone()
    };
    change(ctx, &back, inverse, t, cause).await
}

fn gate_end(step: &Step, v: gate::Verdict, tx: &UnboundedSender<Progress>) -> End {
    let _ = tx.send(Progress::Gate {
        index: step.index,
        passed: v.passed,
        message: v.message.clone(),
        values: v.values.clone(),
    });
    if v.passed {
        End::Done {
            observed: v.values,
            message: v.message,
        }
    } else {
        End::Failed {
            error: v.message,
            values: Some(v.values),
        }
    }
}

/// The gate record to journal before a gate step's result: its numbers
/// whether it passed or not.
pub fn gate_record(step: &Step, end: &End) -> Option<Record> {
    if !step.action.is_gate() {
        return None;
    }
    let (passed, values) = match end {
        End::Done { observed, .. } => (true, observed.clone()),
        End::Failed { error, values } => (
            false,
            values.clone().unwrap_or_else(|| json!({"error": error})),
        ),
        End::AlreadyApplied { .. } => return None,
    };
    Some(Record::Gate {
        step: step.index,
        passed,
        values,
    })
}

async fn change(ctx: &Ctx, step: &Step, action: &Action, t: &ObjectRef, cause: &str) -> End {
    let client = match ctx.kube(&t.context).await {
        Ok(c) => c,
        Err(e) => return failed(e.to_string()),
    };
    let want = kube_ops::wanted(action);
    let read = |client: kube::Client| async move { kube_ops::observe(&client, t, action).await };
    let mut obs: Observed = match read(client.clone()).await {
        Ok(o) => o,
        Err(e) => {
            return failed(format!(
                "cannot read {}: {}",
                t.label(),
                crate::sources::kube::client::describe(&e)
            ));
        }
    };
    if obs.value == want {
        return End::AlreadyApplied {
            observed: shown(action, &obs.value),
            message: format!("{} already applied", t.label()),
        };
    }
    let before = expected_before(step);
    // A step planned without a resourceVersion (an undo) checks the field
    // itself before it writes; the others let the server's 409 tell.
    let mut rv = match &step.resource_version {
        Some(rv) => rv.clone(),
        None => {
            if before.as_ref() != Some(&obs.value) {
                return failed(conflict(t, action, &obs.value, before.as_ref()));
            }
            obs.resource_version.clone()
        }
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        match kube_ops::apply(&client, t, action, &rv, false, cause, &obs.object).await {
            Ok(()) => break,
            Err(e) if kube_ops::is_conflict(&e) && attempts < 4 => {
                obs = match read(client.clone()).await {
                    Ok(o) => o,
                    Err(e) => {
                        return failed(format!(
                            "409 Conflict, then cannot re-read {}: {}",
                            t.label(),
                            crate::sources::kube::client::describe(&e)
                        ));
                    }
                };
                if obs.value == want {
                    return End::AlreadyApplied {
                        observed: shown(action, &obs.value),
                        message: format!("{} already applied by someone else", t.label()),
                    };
                }
                if before.as_ref() != Some(&obs.value) {
                    return failed(format!(
                        "409 Conflict: {}",
                        conflict(t, action, &obs.value, before.as_ref())
                    ));
                }
                // Only other fields changed (status, annotations): ours are
                // as planned, so the write overwrites nothing of theirs.
                rv = obs.resource_version.clone();
            }
            Err(e) => {
                return failed(format!(
                    "{}: {}",
                    t.label(),
                    crate::sources::kube::client::describe(&e)
                ));
            }
        }
    }
    if matches!(action, Action::SetReplicas { .. }) {
        let _ = kube_ops::annotate_change_cause(&client, &t.namespace, &t.name, cause).await;
    }
    match read(client).await {
        Ok(after) => End::Done {
            observed: shown(action, &after.value),
            message: step.description.clone(),
        },
        Err(e) => End::Done {
            observed: json!({"unread": crate::sources::kube::client::describe(&e)}),
            message: step.description.clone(),
        },
    }
}

fn conflict(t: &ObjectRef, action: &Action, now: &Value, planned: Option<&Value>) -> String {
    format!(
        "{} was changed by someone else since the plan: it is now {}, the plan expected {}; nothing was overwritten — re-plan to act on the new state",
        t.label(),
        shown(action, now),
        planned
            .map(|p| shown(action, p).to_string())
            .unwrap_or_else(|| "?".into())
    )
}

fn members(ctx: &Ctx, ha: &str) -> Vec<alertmanager::Member> {
    super::super::plan::ha_members(ctx, ha)
}

fn new_silence(s: &SilenceSpec) -> Result<NewSilence, String> {
    let matchers = s
        .matchers
        .iter()
        .map(|m| super::super::plan::parse_matcher(m).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NewSilence {
        matchers,
        starts_at: s.starts_at.clone(),
        ends_at: s.ends_at.clone(),
        created_by: s.created_by.clone(),
        comment: s.comment.clone(),
    })
}

async fn create_silence(ctx: &Ctx, ha: &str, s: &SilenceSpec) -> End {
    let want = match new_silence(s) {
        Ok(w) => w,
        Err(e) => return failed(e),
    };
    let ms = members(ctx, ha);
    // Read before write: a silence created just before a crash exists.
    for m in &ms {
        if let Ok(Ok(list)) =
            tokio::time::timeout(ctx.settings.request_timeout, api::silences(&m.http, &m.url)).await
        {
            if let Some(found) = list
                .iter()
                .find(|x| x.status.state != "expired" && alertmanager::identical(x, &want))
            {
                return End::AlreadyApplied {
                    observed: json!({"id": found.id, "member": m.name()}),
                    message: format!("silence {} already exists", found.id),
                };
            }
            break;
        }
    }
    match alertmanager::create_silence(&ms, &want, ctx.settings.request_timeout).await {
        Ok((id, member)) => End::Done {
            observed: json!({"id": id, "member": member}),
            message: format!("silence {id} created in {ha} (via {member})"),
        },
        Err(e) => failed(crate::sanitize::clean(&e).into_owned()),
    }
}

async fn expire_silence(ctx: &Ctx, ha: &str, id: &str) -> End {
    let ms = members(ctx, ha);
    for m in &ms {
        if let Ok(Ok(list)) =
            tokio::time::timeout(ctx.settings.request_timeout, api::silences(&m.http, &m.url)).await
        {
            if list
                .iter()
                .any(|x| x.id == id && x.status.state == "expired")
            {
                return End::AlreadyApplied {
                    observed: json!({"id": id, "state": "expired"}),
                    message: format!("silence {id} already expired"),
                };
            }
            break;
        }
    }
    match alertmanager::expire_silence(&ms, id).await {
        Ok(()) => End::Done {
            observed: json!({"id": id, "state": "expired"}),
            message: format!("silence {id} expired"),
        },
        Err(e) => failed(crate::sanitize::clean(&e).into_owned()),
    }
}

/// Sends every change of `plan` that a server-side dry run can check with
/// `dryRun=All`; the first rejection is returned (nothing is stored).
pub async fn dry_run(ctx: &Ctx, plan: &Plan) -> Vec<(usize, Result<(), String>)> {
    let mut out = Vec::new();
    for step in plan.steps.iter().filter(|s| s.dry_run) {
        let Some(t) = &step.target else { continue };
        let result = async {
            let client = ctx.kube(&t.context).await.map_err(|e| e.to_string())?;
            // The object is read just before the dry run; a 409 means only
            // that it moved in between (a controller's status write), so it
            // is read again, a few times, before the 409 is reported.
            let mut attempts = 0;
            loop {
                attempts += 1;
                let obs = kube_ops::observe(&client, t, &step.action)
                    .await
                    .map_err(|e| crate::sources::kube::client::describe(&e))?;
                match kube_ops::apply(
                    &client,
                    t,
                    &step.action,
                    &obs.resource_version,
                    true,
                    "opsdeck dry run",
                    &obs.object,
                )
                .await
                {
                    Ok(()) => return Ok(()),
                    Err(e) if kube_ops::is_conflict(&e) && attempts < 4 => continue,
                    Err(e) => return Err(crate::sources::kube::client::describe(&e)),
                }
            }
        }
        .await;
        out.push((step.index, result));
    }
    out
}
