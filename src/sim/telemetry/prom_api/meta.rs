//! Metadata endpoints: series, labels, label values, alerts, rules, buildinfo.
// Handlers return finished error responses through `Result`; boxing them buys nothing.
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use promql_parser::parser::Expr;
use serde_json::{Value, json};

use super::super::Telemetry;
use super::super::promql;
use super::super::rules::{ActiveAlert, AlertState};
use super::super::series::{Labels, NAME};
use super::super::timefmt::{go_exp10, parse_prom_time, rfc3339_nano};
use super::{Req, bad_data, format};

fn ok(data: Value) -> Response {
    (StatusCode::OK, axum::Json(format::success(data))).into_response()
}

/// Parse `match[]` selectors; each must be a plain vector selector.
fn selectors(req: &Req) -> Result<Vec<promql_parser::parser::VectorSelector>, Response> {
    req.params
        .all("match[]")
        .into_iter()
        .map(|m| match promql::parse(m) {
            Ok(Expr::VectorSelector(vs)) => Ok(vs),
            Ok(_) => Err(bad_data(&format!(
                "invalid parameter \"match[]\": {m} is not a vector selector"
            ))),
            Err(e) => Err(bad_data(&e.message)),
        })
        .collect()
}

/// Series (label sets) with samples in `[start, end]` matching any selector.
fn matching_series(t: &Telemetry, req: &Req, require_match: bool) -> Result<Vec<Labels>, Response> {
    let sels = selectors(req)?;
    if require_match && sels.is_empty() {
        return Err(bad_data("no match[] parameter provided"));
    }
    let start = req
        .params
        .get("start")
        .and_then(parse_prom_time)
        .unwrap_or(i64::MIN / 2);
    let end = req
        .params
        .get("end")
        .and_then(parse_prom_time)
        .unwrap_or(i64::MAX / 2);
    let e = t.read();
    let mut out: BTreeSet<Labels> = BTreeSet::new();
    for (ls, h) in e.store.series(None) {
        if req
            .region
            .as_ref()
            .is_some_and(|r| ls.get("region") != Some(r))
        {
            continue;
        }
        if h.range(start - 1, end).is_empty() {
            continue;
        }
        let hit = sels.is_empty()
            || sels.iter().any(|vs| {
                vs.name.as_ref().is_none_or(|n| ls.get(NAME) == Some(n))
                    && vs
                        .matchers
                        .matchers
                        .iter()
                        .all(|m| m.is_match(ls.get(&m.name).map_or("", String::as_str)))
            });
        if hit {
            out.insert(ls.clone());
        }
    }
    Ok(out.into_iter().collect())
}

pub fn series(t: &Telemetry, req: &Req) -> Response {
    match matching_series(t, req, true) {
        Ok(v) => ok(Value::Array(v.iter().map(format::labels).collect())),
        Err(r) => r,
    }
}

pub fn labels(t: &Telemetry, req: &Req) -> Response {
    match matching_series(t, req, false) {
        Ok(v) => {
            let names: BTreeSet<&String> = v.iter().flat_map(|ls| ls.keys()).collect();
            ok(json!(names))
        }
        Err(r) => r,
    }
}

pub fn label_values(t: &Telemetry, req: &Req) -> Response {
    let name = req.params.get("__label_name").unwrap_or("").to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return bad_data(&format!("invalid label name: \"{name}\""));
    }
    match matching_series(t, req, false) {
        Ok(v) => {
            let values: BTreeSet<&String> = v.iter().filter_map(|ls| ls.get(&name)).collect();
            ok(json!(values))
        }
        Err(r) => r,
    }
}

fn alert_json(a: &ActiveAlert) -> Value {
    json!({
        "labels": format::labels(&a.labels),
        "annotations": a.annotations,
        "state": a.state.as_str(),
        "activeAt": rfc3339_nano(a.active_at_ms),
        "value": go_exp10(a.value),
    })
}

fn in_scope(req: &Req, a: &ActiveAlert) -> bool {
    req.region
        .as_ref()
        .is_none_or(|r| a.labels.get("region") == Some(r))
}

pub fn alerts(t: &Telemetry, req: &Req) -> Response {
    let e = t.read();
    let list: Vec<Value> = e
        .rules
        .active()
        .filter(|a| in_scope(req, a))
        .map(alert_json)
        .collect();
    ok(json!({"alerts": list}))
}

pub fn rules(t: &Telemetry, req: &Req) -> Response {
    let e = t.read();
    let kind = req.params.get("type");
    if kind == Some("record") {
        return ok(json!({"groups": []}));
    }
    let groups: Vec<Value> = e
        .rules
        .groups
        .iter()
        .map(|g| {
            let rules: Vec<Value> = g
                .rules
                .iter()
                .map(|r| {
                    let alerts: Vec<Value> = r
                        .alerts
                        .values()
                        .filter(|a| a.state != AlertState::Inactive && in_scope(req, a))
                        .map(alert_json)
                        .collect();
                    let state = if alerts.iter().any(|a| a["state"] == "firing") {
                        "firing"
                    } else if alerts.is_empty() {
                        "inactive"
                    } else {
                        "pending"
                    };
                    let mut v = json!({
                        "state": state,
                        "name": r.rule.name,
                        "query": r.rule.parsed.to_string(),
                        "duration": r.rule.for_ms as f64 / 1000.0,
                        "labels": r.rule.labels,
                        "annotations": r.rule.annotations,
                        "alerts": alerts,
                        "health": if r.last_eval_ms.is_none() { "unknown" } else if r.last_error.is_some() { "err" } else { "ok" },
                        "evaluationTime": r.eval_seconds,
                        "lastEvaluation": rfc3339_nano(r.last_eval_ms.unwrap_or(0)),
                        "type": "alerting",
                    });
                    if let Some(err) = &r.last_error {
                        v["lastError"] = json!(err);
                    }
                    v
                })
                .collect();
            json!({
                "name": g.name,
                "file": g.file,
                "rules": rules,
                "interval": g.interval_ms as f64 / 1000.0,
                "limit": 0,
                "evaluationTime": g.eval_seconds,
                "lastEvaluation": rfc3339_nano(g.last_eval_ms.unwrap_or(0)),
            })
        })
        .collect();
    ok(json!({"groups": groups}))
}

pub fn buildinfo(_t: &Telemetry, _req: &Req) -> Response {
    ok(json!({
        "version": "2.42.0",
        "revision": "opsdeck-sim",
        "branch": "HEAD",
        "buildUser": "opsdeck",
        "buildDate": "20230201-00:00:00",
        "goVersion": "go1.19",
    }))
}
