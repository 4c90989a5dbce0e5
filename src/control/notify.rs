//! Notifications of an operation's start, failed steps and end: a generic
//! JSON webhook, a Slack incoming webhook and a PagerDuty Events API v2
//! change event. A failed notification is journaled by the caller and never
//! stops the operation; its URL (a credential for Slack) is never shown.

use std::time::Duration;

use serde_json::{Value, json};

use super::clients::Ctx;
use crate::config::{Notify, NotifyKind};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Started,
    StepFailed,
    Ended,
}

impl Phase {
    fn label(self) -> &'static str {
        match self {
            Phase::Started => "started",
            Phase::StepFailed => "stepFailed",
            Phase::Ended => "ended",
        }
    }
}

/// The payload for one target.
pub fn payload(
    n: &Notify,
    ctx: &Ctx,
    id: &str,
    summary: &str,
    phase: Phase,
    outcome: Option<&str>,
    message: &str,
) -> Value {
    let at = jiff::Timestamp::now().to_string();
    let line = format!(
        "opsdeck {}: {summary} ({id}, by {}){}{}",
        phase.label(),
        ctx.actor.label(),
        outcome.map(|o| format!(": {o}")).unwrap_or_default(),
        if message.is_empty() {
            String::new()
        } else {
            format!(" — {message}")
        }
    );
    match n.kind {
        NotifyKind::Webhook => {
            json!({"apiVersion": "opsdeck/v1", "kind": "OperationEvent", "event": phase.label(), "id": id,
            "summary": summary, "actor": ctx.actor, "outcome": outcome, "message": message, "at": at})
        }
        NotifyKind::Slack => json!({"text": line}),
        NotifyKind::Pagerduty => json!({
            "routing_key": n.routing_key.as_ref().map(|k| k.expose().to_string()).unwrap_or_default(),
            "payload": {"summary": line.chars().take(1024).collect::<String>(), "timestamp": at, "source": ctx.actor.host,
                        "custom_details": {"operation": id, "event": phase.label(), "outcome": outcome, "message": message}},
        }),
    }
}

/// Sends to every configured target; returns one error line per failure
/// (kind and index, never the URL).
pub async fn send(
    ctx: &Ctx,
    id: &str,
    summary: &str,
    phase: Phase,
    outcome: Option<&str>,
    message: &str,
) -> Vec<String> {
    let mut errors = Vec::new();
    if ctx.cfg.notify.is_empty() {
        return errors;
    }
    let http = match crate::sources::tls::reqwest_builder()
        .timeout(Duration::from_secs(5))
        .build()
    {
        Ok(h) => h,
        Err(e) => return vec![format!("notify: {e}")],
    };
    for (i, n) in ctx.cfg.notify.iter().enumerate() {
        let body = payload(n, ctx, id, summary, phase, outcome, message);
        let what = format!("notify[{i}] ({:?})", n.kind).to_lowercase();
        match http.post(n.url.expose()).json(&body).send().await {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => errors.push(format!("{what}: HTTP {}", r.status().as_u16())),
            Err(e) => errors.push(format!(
                "{what}: {}",
                if e.is_timeout() {
                    "no answer within 5 s"
                } else if e.is_connect() {
                    "cannot connect"
                } else {
                    "request failed"
                }
            )),
        }
    }
    errors
}
