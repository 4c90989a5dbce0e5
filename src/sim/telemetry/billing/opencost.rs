//! OpenCost's allocation API: `GET /allocation/compute` with `window`,
//! `aggregate`, `step`, `accumulate` and `includeIdle`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::super::Telemetry;
use super::super::cost::{Allocation, IDLE};
use super::super::ledger::HOUR_MS;
use super::super::timefmt::{parse_rfc3339, rfc3339_nano};

fn bad(msg: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"code": 400, "status": "error", "message": msg})),
    )
        .into_response()
}

/// Parse an OpenCost window: `24h`, `7d` (day-aligned: the last 7 UTC
/// days, today's partial), `30m`, `today`, `yesterday`, `week`, `month`,
/// or `start,end` (RFC 3339 or Unix seconds).
pub fn parse_window(w: &str, now_ms: i64) -> Option<(i64, i64)> {
    let day = 24 * HOUR_MS;
    let today = now_ms.div_euclid(day) * day;
    match w {
        "today" => return Some((today, now_ms)),
        "yesterday" => return Some((today - day, today)),
        "week" => {
            // Weeks start on Sunday; the epoch was a Thursday.
            let dow = (now_ms.div_euclid(day) + 4).rem_euclid(7);
            return Some((today - dow * day, now_ms));
        }
        "month" => {
            let date = jiff::Timestamp::from_millisecond(now_ms)
                .ok()?
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date();
            let first = date
                .first_of_month()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .ok()?;
            return Some((first.timestamp().as_millisecond(), now_ms));
        }
        _ => {}
    }
    if let Some((a, b)) = w.split_once(',') {
        let t = |s: &str| {
            s.trim()
                .parse::<i64>()
                .ok()
                .map(|x| x * 1000)
                .or_else(|| parse_rfc3339(s.trim()))
        };
        let (s, e) = (t(a)?, t(b)?);
        return (s < e).then_some((s, e));
    }
    let length = duration(w)?;
    if w.ends_with('d') {
        // As OpenCost does: whole UTC days ending with today's, which is
        // partial (so `30d` in daily steps is 29 whole days and today).
        return Some((today + day - length, now_ms));
    }
    Some((now_ms - length, now_ms))
}

/// A positive duration `30m`, `24h`, `7d`, `2w` in milliseconds.
pub fn duration(w: &str) -> Option<i64> {
    let (num, unit) = w.split_at(w.len().checked_sub(1)?);
    let n: i64 = num.parse().ok()?;
    let unit_ms = match unit {
        "m" => 60_000,
        "h" => HOUR_MS,
        "d" => 24 * HOUR_MS,
        "w" => 7 * 24 * HOUR_MS,
        _ => return None,
    };
    (n > 0).then(|| n * unit_ms)
}

/// The allocation name for `aggregate`: one property, or several separated
/// by commas (`namespace,controller` names `shop/checkout`), as OpenCost does.
fn aggregate_key(
    aggregate: &str,
    region_cluster: &str,
    namespace: &str,
    service: &str,
) -> Option<String> {
    if aggregate.is_empty() {
        return Some(format!("{region_cluster}/{namespace}/{service}"));
    }
    let parts: Option<Vec<String>> = aggregate
        .split(',')
        .map(|a| {
            Some(match a.trim() {
                "cluster" => region_cluster.to_string(),
                "namespace" => namespace.to_string(),
                "controller" | "deployment" | "service" | "label:app" => service.to_string(),
                "controllerKind" => "deployment".to_string(),
                _ => return None,
            })
        })
        .collect();
    parts.map(|p| p.join("/"))
}

fn allocation_json(name: &str, props: Value, start: i64, end: i64, a: &Allocation) -> Value {
    let hours = ((end - start) as f64 / HOUR_MS as f64).max(1e-9);
    let cpu_eff = if a.cpu_core_request > 0.0 {
        a.cpu_core_usage / a.cpu_core_request
    } else {
        0.0
    };
    let ram_eff = if a.ram_byte_request > 0.0 {
        a.ram_byte_usage / a.ram_byte_request
    } else {
        0.0
    };
    let total = a.total();
    let total_eff = if a.cpu_cost + a.ram_cost > 0.0 {
        (cpu_eff * a.cpu_cost + ram_eff * a.ram_cost) / (a.cpu_cost + a.ram_cost)
    } else {
        0.0
    };
    json!({
        "name": name,
        "properties": props,
        "window": {"start": rfc3339_nano(start), "end": rfc3339_nano(end)},
        "start": rfc3339_nano(start),
        "end": rfc3339_nano(end),
        "minutes": (end - start) as f64 / 60_000.0,
        "cpuCores": a.cpu_core_request / hours,
        "cpuCoreRequestAverage": a.cpu_core_request / hours,
        "cpuCoreUsageAverage": a.cpu_core_usage / hours,
        "cpuCoreHours": a.cpu_core_request,
        "cpuCost": a.cpu_cost,
        "cpuCostAdjustment": 0.0,
        "cpuEfficiency": cpu_eff,
        "gpuCount": 0.0,
        "gpuHours": 0.0,
        "gpuCost": 0.0,
        "gpuCostAdjustment": 0.0,
        "networkCost": a.network_cost,
        "networkCostAdjustment": 0.0,
        "loadBalancerCost": 0.0,
        "loadBalancerCostAdjustment": 0.0,
        "pvBytes": 0.0,
        "pvByteHours": 0.0,
        "pvCost": a.pv_cost,
        "pvCostAdjustment": 0.0,
        "ramBytes": a.ram_byte_request / hours,
        "ramByteRequestAverage": a.ram_byte_request / hours,
        "ramByteUsageAverage": a.ram_byte_usage / hours,
        "ramByteHours": a.ram_byte_request,
        "ramCost": a.ram_cost,
        "ramCostAdjustment": 0.0,
        "ramEfficiency": ram_eff,
        "sharedCost": 0.0,
        "externalCost": 0.0,
        "totalCost": total,
        "totalEfficiency": total_eff,
    })
}

/// Compute the allocation sets for a region (None: every region).
pub fn compute(
    t: &Telemetry,
    region: Option<&str>,
    params: &BTreeMap<String, String>,
) -> Result<Value, String> {
    let e = t.read();
    let now = e.now_ms;
    let window = params.get("window").map(String::as_str).unwrap_or("1d");
    let (start, end) =
        parse_window(window, now).ok_or_else(|| format!("invalid window: {window}"))?;
    let aggregate = params.get("aggregate").map(String::as_str).unwrap_or("");
    let accumulate = params.get("accumulate").is_some_and(|v| v == "true");
    let include_idle = params.get("includeIdle").is_some_and(|v| v == "true");
    let step = match params.get("step") {
        Some(s) => duration(s).ok_or_else(|| format!("invalid step: {s}"))?,
        None => end - start,
    };
    if aggregate_key(aggregate, "", "", "").is_none() {
        return Err(format!("unsupported aggregate: {aggregate}"));
    }
    let steps: Vec<(i64, i64)> = if accumulate {
        vec![(start, end)]
    } else {
        let mut v = Vec::new();
        let mut s = start;
        while s < end && v.len() < 1000 {
            v.push((s, (s + step).min(end)));
            s += step;
        }
        v
    };
    let mut sets = Vec::new();
    for (s, en) in steps {
        let mut agg: BTreeMap<String, (Value, Allocation)> = BTreeMap::new();
        for ((r, svc), a) in e.ledger.alloc_between(s, en) {
            if region.is_some_and(|want| want != r) || (svc == IDLE && !include_idle) {
                continue;
            }
            let cluster = e
                .ledger
                .regions
                .get(&r)
                .map(|i| i.cluster.clone())
                .unwrap_or_else(|| r.clone());
            let namespace = e
                .world
                .region(&r)
                .and_then(|ri| ri.services.iter().find(|x| x.name == svc))
                .map(|x| x.namespace.clone())
                .unwrap_or_default();
            let key = if svc == IDLE {
                IDLE.to_string()
            } else {
                aggregate_key(aggregate, &cluster, &namespace, &svc).unwrap_or_default()
            };
            let props = if svc == IDLE {
                json!({"cluster": cluster})
            } else {
                json!({"cluster": cluster, "namespace": namespace, "controller": svc, "controllerKind": "deployment", "services": [svc]})
            };
            let entry = agg
                .entry(key)
                .or_insert_with(|| (props, Allocation::default()));
            entry.1.add(&a);
        }
        let set: serde_json::Map<String, Value> = agg
            .into_iter()
            .map(|(k, (props, a))| (k.clone(), allocation_json(&k, props, s, en, &a)))
            .collect();
        sets.push(Value::Object(set));
    }
    Ok(json!({"code": 200, "status": "success", "data": sets}))
}

/// `GET /allocation/compute` over every region.
pub async fn global(
    State(t): State<Telemetry>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    match compute(&t, None, &q) {
        Ok(v) => Json(v).into_response(),
        Err(e) => bad(e),
    }
}

/// `GET /regions/{region}/allocation/compute`.
pub async fn regional(
    State(t): State<Telemetry>,
    Path(region): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    if t.read().world.region(&region).is_none() {
        return (StatusCode::NOT_FOUND, Json(json!({"code": 404, "status": "error", "message": format!("unknown region {region}")}))).into_response();
    }
    match compute(&t, Some(&region), &q) {
        Ok(v) => Json(v).into_response(),
        Err(e) => bad(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_windows_are_whole_days_ending_with_a_partial_today() {
        let day = 24 * HOUR_MS;
        let now = 20_000 * day + 15 * HOUR_MS;
        assert_eq!(parse_window("1d", now), Some((20_000 * day, now)));
        assert_eq!(parse_window("30d", now), Some((19_971 * day, now)));
        assert_eq!(parse_window("24h", now), Some((now - day, now)));
        assert_eq!(parse_window("10m", now), Some((now - 600_000, now)));
        assert_eq!(duration("1d"), Some(day));
        assert_eq!(parse_window("0d", now), None);
    }
}
