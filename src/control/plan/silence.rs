//! Planning silences: one create step per Alertmanager HA cluster (the data
//! layer's HA rule sends it to one member, the next only if that fails);
//! expiring finds the HA cluster that holds the id.

use serde_json::json;

use super::super::clients::Ctx;
use super::super::error::ControlError;
use super::super::operation::{Operation, human_seconds};
use super::super::step::{Action, FieldChange, SilenceSpec, Step};
use super::{Confirmation, Plan};
use crate::model::alert::Matcher;
use crate::sources::alertmanager::{Member, api};

/// `name=value`, `name!=value`, `name=~regex`, `name!~regex`.
pub fn matcher(raw: &str) -> Result<Matcher, ControlError> {
    for (op, is_equal, is_regex) in [
        ("=~", true, true),
        ("!~", false, true),
        ("!=", false, false),
        ("=", true, false),
    ] {
        if let Some((name, value)) = raw.split_once(op) {
            let name = name.trim();
            let value = value.trim().trim_matches('"');
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                break;
            }
            return Ok(Matcher {
                name: name.into(),
                value: value.into(),
                is_regex,
                is_equal,
            });
        }
    }
    Err(ControlError::Usage(format!(
        "--matcher {raw:?}: expected NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX (label names: letters, digits, _)"
    )))
}

/// Alertmanager members grouped by HA cluster, in config order.
pub fn ha_clusters(ctx: &Ctx) -> Vec<(String, Vec<Member>)> {
    let members = crate::sources::hub::plan(&ctx.cfg, None)
        .alertmanagers
        .map(|a| a.members)
        .unwrap_or_default();
    let mut out: Vec<(String, Vec<Member>)> = Vec::new();
    for m in members {
        match out.iter_mut().find(|(n, _)| *n == m.ha_cluster) {
            Some((_, list)) => list.push(m),
            None => out.push((m.ha_cluster.clone(), vec![m])),
        }
    }
    out
}

fn plan_of(op: Operation, summary: String, steps: Vec<Step>) -> Plan {
    Plan {
        operation: op,
        summary,
        steps,
        regions: Vec::new(),
        warnings: Vec::new(),
        confirmation: Confirmation::YesNo,
        rollback_on_failure: false,
        services: Vec::new(),
        production: false,
    }
}

pub fn create(
    ctx: &Ctx,
    matchers: &[String],
    duration_seconds: u64,
    comment: &str,
) -> Result<Plan, ControlError> {
    let steps = steps(ctx, matchers, duration_seconds, comment)?;
    let op = Operation::SilenceCreate {
        matchers: matchers.to_vec(),
        duration_seconds,
        comment: comment.into(),
    };
    let summary = op.describe();
    Ok(plan_of(op, summary, steps))
}

/// One create step per Alertmanager HA cluster.
pub fn steps(
    ctx: &Ctx,
    matchers: &[String],
    duration_seconds: u64,
    comment: &str,
) -> Result<Vec<Step>, ControlError> {
    if matchers.is_empty() {
        return Err(ControlError::Usage(
            "silence create needs at least one --matcher NAME=VALUE".into(),
        ));
    }
    for m in matchers {
        matcher(m)?;
    }
    if comment.trim().is_empty() {
        return Err(ControlError::Usage(
            "silence create needs --comment TEXT (Alertmanager requires one)".into(),
        ));
    }
    let clusters = ha_clusters(ctx);
    if clusters.is_empty() {
        return Err(ControlError::Usage(
            "no Alertmanager is configured ([[regions.alertmanagers]])".into(),
        ));
    }
    let now = jiff::Timestamp::now();
    let ends = now
        .checked_add(jiff::SignedDuration::from_secs(duration_seconds as i64))
        .map_err(|e| ControlError::Usage(format!("--duration: {e}")))?;
    let spec = SilenceSpec {
        matchers: matchers.to_vec(),
        starts_at: now.to_string(),
        ends_at: ends.to_string(),
        created_by: ctx.actor.label(),
        comment: comment.into(),
    };
    Ok(clusters
        .iter()
        .map(|(ha, members)| Step {
            index: 0,
            description: format!(
                "silence {} for {} in Alertmanager cluster {ha} ({} member{})",
                matchers.join(", "),
                human_seconds(duration_seconds),
                members.len(),
                if members.len() == 1 { "" } else { "s" }
            ),
            action: Action::CreateSilence {
                ha_cluster: ha.clone(),
                silence: spec.clone(),
            },
            target: None,
            changes: vec![FieldChange {
                field: "silence".into(),
                from: json!(null),
                to: json!({"matchers": matchers, "endsAt": spec.ends_at}),
            }],
            inverse: None,
            permissions: Vec::new(),
            dry_run: false,
            resource_version: None,
        })
        .collect())
}

pub async fn expire(ctx: &Ctx, id: &str) -> Result<Plan, ControlError> {
    let mut errors = Vec::new();
    for (ha, members) in ha_clusters(ctx) {
        for m in &members {
            match tokio::time::timeout(ctx.settings.request_timeout, api::silences(&m.http, &m.url))
                .await
            {
                Ok(Ok(list)) => {
                    if let Some(s) = list.iter().find(|s| s.id == id) {
                        let step = Step {
                            index: 0,
                            description: format!(
                                "expire silence {id} in Alertmanager cluster {ha}"
                            ),
                            action: Action::ExpireSilence {
                                ha_cluster: ha.clone(),
                                id: id.into(),
                            },
                            target: None,
                            changes: vec![FieldChange {
                                field: "silence.status.state".into(),
                                from: json!(s.status.state),
                                to: json!("expired"),
                            }],
                            inverse: None,
                            permissions: Vec::new(),
                            dry_run: false,
                            resource_version: None,
                        };
                        let op = Operation::SilenceExpire { id: id.into() };
                        let summary = op.describe();
                        return Ok(plan_of(op, summary, vec![step]));
                    }
                    break;
                }
                Ok(Err(e)) => errors.push(format!("{}: {e}", m.name())),
                Err(_) => errors.push(format!("{}: no answer", m.name())),
            }
        }
    }
    if !errors.is_empty() {
        return Err(ControlError::Unreachable(format!(
            "silence {id} not found; unreachable: {}",
            errors.join("; ")
        )));
    }
    Err(ControlError::Usage(format!(
        "no silence {id:?} in any configured Alertmanager"
    )))
}
