//! Alertmanager API v2 handlers.
// Handlers return finished error responses through `Result`; boxing them buys nothing.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::Telemetry;
use super::super::timefmt::{parse_rfc3339, rfc3339_ms};
use super::{
    Alertmanager, AmAlert, AmMatcher, LabelSet, RESOLVE_TIMEOUT_MS, Silence, SilenceError,
    parse_filter,
};

/// The Alertmanager router (`/api/v2/...`, `/-/ready`, `/-/healthy`).
pub fn router(t: &Telemetry) -> Router {
    Router::new()
        .route("/api/v2/alerts", get(get_alerts).post(post_alerts))
        .route("/api/v2/alerts/groups", get(get_groups))
        .route("/api/v2/silences", get(get_silences).post(post_silence))
        .route(
            "/api/v2/silence/{id}",
            get(get_silence).delete(delete_silence),
        )
        .route("/api/v2/status", get(status))
        .route("/-/ready", get(|| async { "OK" }))
        .route("/-/healthy", get(|| async { "OK" }))
        .with_state(t.clone())
}

fn down(t: &Telemetry) -> Option<Response> {
    t.read()
        .faults
        .alertmanager_down
        .then(|| (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response())
}

fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    q.as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

fn flag(pairs: &[(String, String)], name: &str) -> bool {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .is_none_or(|(_, v)| v != "false")
}

fn filters(pairs: &[(String, String)]) -> Result<Vec<AmMatcher>, Response> {
    pairs
        .iter()
        .filter(|(k, _)| k == "filter")
        .map(|(_, v)| {
            parse_filter(v).map_err(|e| (StatusCode::BAD_REQUEST, Json(json!(e))).into_response())
        })
        .collect()
}

fn alert_json(am: &Alertmanager, fp: &str, a: &AmAlert, now: i64) -> Value {
    let st = am.status(&a.labels, now);
    json!({
        "annotations": a.annotations,
        "endsAt": rfc3339_ms(a.ends_at_ms),
        "fingerprint": fp,
        "receivers": [{"name": am.config.receiver}],
        "startsAt": rfc3339_ms(a.starts_at_ms),
        "status": st,
        "updatedAt": rfc3339_ms(a.updated_at_ms),
        "generatorURL": a.generator_url,
        "labels": a.labels,
    })
}

/// Alerts passing the v2 filters, as (fingerprint, alert).
fn selected<'a>(
    am: &'a Alertmanager,
    pairs: &[(String, String)],
    ms: &[AmMatcher],
    now: i64,
) -> Vec<(&'a String, &'a AmAlert)> {
    let (active, silenced, inhibited) = (
        flag(pairs, "active"),
        flag(pairs, "silenced"),
        flag(pairs, "inhibited"),
    );
    am.alerts
        .iter()
        .filter(|(_, a)| !Alertmanager::resolved(a, now))
        .filter(|(_, a)| ms.iter().all(|m| m.matches(&a.labels)))
        .filter(|(_, a)| {
            let st = am.status(&a.labels, now);
            let is_silenced = !st.silenced_by.is_empty();
            let is_inhibited = !st.inhibited_by.is_empty();
            (silenced || !is_silenced)
                && (inhibited || !is_inhibited)
                && (active || is_silenced || is_inhibited)
        })
        .collect()
}

async fn get_alerts(State(t): State<Telemetry>, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let pairs = query_pairs(&q);
    let ms = match filters(&pairs) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let e = t.read();
    let now = e.now_ms;
    let am = &e.alertmanager;
    let list: Vec<Value> = selected(am, &pairs, &ms, now)
        .into_iter()
        .map(|(fp, a)| alert_json(am, fp, a, now))
        .collect();
    Json(list).into_response()
}

async fn get_groups(State(t): State<Telemetry>, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let pairs = query_pairs(&q);
    let ms = match filters(&pairs) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let e = t.read();
    let now = e.now_ms;
    let am = &e.alertmanager;
    let mut groups: BTreeMap<LabelSet, Vec<Value>> = BTreeMap::new();
    for (fp, a) in selected(am, &pairs, &ms, now) {
        let key: LabelSet = am
            .config
            .group_by
            .iter()
            .filter_map(|l| a.labels.get(l).map(|v| (l.clone(), v.clone())))
            .collect();
        groups
            .entry(key)
            .or_default()
            .push(alert_json(am, fp, a, now));
    }
    let list: Vec<Value> = groups
        .into_iter()
        .map(|(labels, alerts)| json!({"labels": labels, "receiver": {"name": am.config.receiver}, "alerts": alerts}))
        .collect();
    Json(list).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostableAlert {
    labels: LabelSet,
    #[serde(default)]
    annotations: LabelSet,
    #[serde(default)]
    starts_at: Option<String>,
    #[serde(default)]
    ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    generator_url: String,
}

async fn post_alerts(State(t): State<Telemetry>, body: Bytes) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let posted: Vec<PostableAlert> = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"code": 400, "message": e.to_string()})),
            )
                .into_response();
        }
    };
    let mut e = t.write();
    let now = e.now_ms;
    let mut batch = Vec::new();
    for p in posted {
        if p.labels.is_empty() {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!("at least one label pair required")),
            )
                .into_response();
        }
        let starts = p.starts_at.as_deref().and_then(parse_rfc3339);
        let ends = p.ends_at.as_deref().and_then(parse_rfc3339);
        let starts_at_ms = starts.or(ends).unwrap_or(now);
        let ends_at_ms = ends.unwrap_or(now + RESOLVE_TIMEOUT_MS);
        if ends_at_ms < starts_at_ms {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!("start time must be before end time")),
            )
                .into_response();
        }
        batch.push(AmAlert {
            labels: p.labels,
            annotations: p.annotations,
            starts_at_ms,
            ends_at_ms,
            updated_at_ms: now,
            generator_url: p.generator_url,
        });
    }
    e.alertmanager.receive(batch, now);
    StatusCode::OK.into_response()
}

fn silence_json(s: &Silence, now: i64) -> Value {
    json!({
        "id": s.id,
        "status": {"state": s.state(now)},
        "updatedAt": rfc3339_ms(s.updated_at_ms),
        "comment": s.comment,
        "createdBy": s.created_by,
        "endsAt": rfc3339_ms(s.ends_at_ms),
        "matchers": s.matchers,
        "startsAt": rfc3339_ms(s.starts_at_ms),
    })
}

async fn get_silences(State(t): State<Telemetry>, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let ms = match filters(&query_pairs(&q)) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let e = t.read();
    let now = e.now_ms;
    // A filter selects silences whose matchers include an equal matcher.
    let list: Vec<Value> = e
        .alertmanager
        .sorted_silences(now)
        .into_iter()
        .filter(|s| ms.iter().all(|f| s.matchers.iter().any(|m| m == f)))
        .map(|s| silence_json(s, now))
        .collect();
    Json(list).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostableSilence {
    #[serde(default)]
    id: String,
    matchers: Vec<AmMatcher>,
    starts_at: String,
    ends_at: String,
    created_by: String,
    comment: String,
}

async fn post_silence(State(t): State<Telemetry>, body: Bytes) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let p: PostableSilence = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"code": 400, "message": e.to_string()})),
            )
                .into_response();
        }
    };
    let (Some(starts), Some(ends)) = (parse_rfc3339(&p.starts_at), parse_rfc3339(&p.ends_at))
    else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"code": 400, "message": "startsAt and endsAt must be RFC 3339 times"})),
        )
            .into_response();
    };
    let matchers: Result<Vec<AmMatcher>, String> =
        p.matchers.into_iter().map(AmMatcher::compiled).collect();
    let matchers = match matchers {
        Ok(m) => m,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!(e))).into_response(),
    };
    let mut e = t.write();
    let now = e.now_ms;
    let s = Silence {
        id: p.id,
        matchers,
        starts_at_ms: starts,
        ends_at_ms: ends,
        updated_at_ms: now,
        created_by: p.created_by,
        comment: p.comment,
    };
    match e.alertmanager.set_silence(s, now) {
        Ok(id) => Json(json!({"silenceID": id})).into_response(),
        Err(SilenceError::NotFound(id)) => (
            StatusCode::NOT_FOUND,
            Json(json!(format!("silence {id} not found"))),
        )
            .into_response(),
        Err(err) => (StatusCode::BAD_REQUEST, Json(json!(err.to_string()))).into_response(),
    }
}

async fn get_silence(State(t): State<Telemetry>, Path(id): Path<String>) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let e = t.read();
    match e.alertmanager.silences.iter().find(|s| s.id == id) {
        Some(s) => Json(silence_json(s, e.now_ms)).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn delete_silence(State(t): State<Telemetry>, Path(id): Path<String>) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let mut e = t.write();
    let now = e.now_ms;
    match e.alertmanager.expire_silence(&id, now) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(SilenceError::NotFound(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!(err.to_string())),
        )
            .into_response(),
    }
}

async fn status(State(t): State<Telemetry>) -> Response {
    if let Some(r) = down(&t) {
        return r;
    }
    let e = t.read();
    Json(json!({
        "cluster": {"name": "", "peers": [], "status": "disabled"},
        "config": {"original": e.alertmanager.config.to_yaml()},
        "uptime": rfc3339_ms(e.alertmanager.started_ms),
        "versionInfo": {
            "branch": "HEAD", "buildDate": "20230101-00:00:00", "buildUser": "opsdeck",
            "goVersion": "go1.19", "revision": "opsdeck-sim", "version": "0.25.0",
        },
    }))
    .into_response()
}
