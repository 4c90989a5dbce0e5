//! AWS Cost Explorer `GetCostAndUsage` (JSON 1.1 protocol) over the aws
//! regions' resource costs.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::Telemetry;
use super::super::input::Provider;
use super::super::ledger::{CostKind, HOUR_MS, ResourceKey};
use super::super::prices;
use super::{amount, day_string, parse_day};

const TARGET: &str = "AWSInsightsIndexService.GetCostAndUsage";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    time_period: Period,
    granularity: Option<String>,
    #[serde(default)]
    metrics: Vec<String>,
    #[serde(default)]
    group_by: Vec<GroupDef>,
    #[serde(default)]
    filter: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Period {
    start: String,
    end: String,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(rename_all = "PascalCase")]
struct GroupDef {
    #[serde(rename = "Type")]
    kind: String,
    key: String,
}

fn error(status: StatusCode, kind: &str, msg: &str) -> Response {
    (
        status,
        [
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amzn-errortype", kind),
        ],
        json!({"__type": kind, "message": msg}).to_string(),
    )
        .into_response()
}

/// The value of one dimension or tag for a resource line.
fn key_for(g: &GroupDef, k: &ResourceKey, cloud_region: &str) -> Option<String> {
    match (g.kind.as_str(), g.key.as_str()) {
        ("DIMENSION", "REGION") => Some(cloud_region.to_string()),
        ("DIMENSION", "SERVICE") => Some(service_name(k.kind).to_string()),
        ("DIMENSION", "INSTANCE_TYPE") => Some(if k.kind == CostKind::Compute {
            k.sku.clone()
        } else {
            "NoInstanceType".into()
        }),
        ("DIMENSION", "USAGE_TYPE") => Some(format!("{}:{}", cloud_region, k.sku)),
        ("TAG", "service") => Some(format!("service${}", k.service_tag)),
        ("TAG", "cluster") => Some(format!("cluster${}", k.region)),
        ("TAG", other) => Some(format!("{other}$")),
        _ => None,
    }
}

fn service_name(kind: CostKind) -> &'static str {
    match kind {
        CostKind::Compute => prices::compute_service_name(Provider::Aws),
        CostKind::Storage => prices::storage_service_name(Provider::Aws),
        CostKind::Network => prices::network_service_name(Provider::Aws),
    }
}

/// Whether a resource line passes a (subset of) Cost Explorer `Expression`.
fn passes(filter: &Value, k: &ResourceKey, cloud_region: &str) -> Result<bool, String> {
    let obj = filter.as_object().ok_or("Filter must be an object")?;
    if let Some(and) = obj.get("And").and_then(Value::as_array) {
        for f in and {
            if !passes(f, k, cloud_region)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    if let Some(or) = obj.get("Or").and_then(Value::as_array) {
        for f in or {
            if passes(f, k, cloud_region)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if let Some(not) = obj.get("Not") {
        return Ok(!passes(not, k, cloud_region)?);
    }
    let (kind, body) = if let Some(d) = obj.get("Dimensions") {
        ("DIMENSION", d)
    } else if let Some(t) = obj.get("Tags") {
        ("TAG", t)
    } else {
        return Err("only And, Or, Not, Dimensions and Tags filters are supported".into());
    };
    let key = body
        .get("Key")
        .and_then(Value::as_str)
        .ok_or("filter Key missing")?;
    let values: Vec<&str> = body
        .get("Values")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let g = GroupDef {
        kind: kind.into(),
        key: key.into(),
    };
    let actual =
        key_for(&g, k, cloud_region).ok_or_else(|| format!("unsupported filter key {key}"))?;
    let actual = if kind == "TAG" {
        actual
            .split_once('$')
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    } else {
        actual
    };
    Ok(values.iter().any(|v| *v == actual))
}

fn periods(start: i64, end: i64, granularity: &str) -> Vec<(i64, i64)> {
    let day = 24 * HOUR_MS;
    let mut out = Vec::new();
    let mut s = start;
    while s < end && out.len() < 400 {
        let e = if granularity == "MONTHLY" {
            let next = jiff::Timestamp::from_millisecond(s)
                .ok()
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date().first_of_month())
                .and_then(|d| d.checked_add(jiff::Span::new().months(1)).ok())
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp().as_millisecond())
                .unwrap_or(s + 30 * day);
            next.min(end)
        } else {
            (s + day).min(end)
        };
        out.push((s, e));
        s = e;
    }
    out
}

/// `POST /` with `X-Amz-Target: AWSInsightsIndexService.GetCostAndUsage`.
pub async fn handle(State(t): State<Telemetry>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !auth.starts_with("AWS4-HMAC-SHA256 ") || !auth.contains("Credential=") {
        return error(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
    }
    if !auth.contains("/ce/aws4_request") {
        return error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            "Credential should be scoped to correct service: 'ce'.",
        );
    }
    if target != TARGET {
        return error(
            StatusCode::BAD_REQUEST,
            "UnknownOperationException",
            &format!("unsupported operation {target}"),
        );
    }
    let req: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "SerializationException",
                &e.to_string(),
            );
        }
    };
    match answer(&t, &req) {
        Ok(v) => (
            StatusCode::OK,
            [("content-type", "application/x-amz-json-1.1")],
            v.to_string(),
        )
            .into_response(),
        Err(msg) => error(StatusCode::BAD_REQUEST, "ValidationException", &msg),
    }
}

fn answer(t: &Telemetry, req: &Request) -> Result<Value, String> {
    let granularity = req.granularity.clone().unwrap_or_else(|| "DAILY".into());
    if granularity != "DAILY" && granularity != "MONTHLY" {
        return Err(format!(
            "Granularity {granularity} is not supported; use DAILY or MONTHLY"
        ));
    }
    if req.metrics.is_empty() {
        return Err("Metrics must not be empty".into());
    }
    if req.group_by.len() > 2 {
        return Err("GroupBy accepts at most two definitions".into());
    }
    let start = parse_day(&req.time_period.start).ok_or("Start date is invalid")?;
    let end = parse_day(&req.time_period.end).ok_or("End date is invalid")?;
    if start >= end {
        return Err("Start date must be before end date".into());
    }
    for g in &req.group_by {
        if g.kind != "DIMENSION" && g.kind != "TAG" {
            return Err(format!("GroupBy type {} is not supported", g.kind));
        }
    }
    let e = t.read();
    let now = e.now_ms;
    let mut results = Vec::new();
    for (ps, pe) in periods(start, end, &granularity) {
        let mut groups: BTreeMap<Vec<String>, (f64, f64)> = BTreeMap::new();
        let mut total = (0.0, 0.0);
        let until = pe.min(now);
        if until > ps {
            let aws = |k: &ResourceKey| {
                e.ledger.regions.get(&k.region).is_some_and(|info| {
                    info.provider == Provider::Aws
                        && req
                            .filter
                            .as_ref()
                            .is_none_or(|f| passes(f, k, &info.cloud_region).unwrap_or(true))
                })
            };
            for (k, c) in e.ledger.resources_between_where(ps, until, aws) {
                let Some(info) = e.ledger.regions.get(&k.region) else {
                    continue;
                };
                if info.provider != Provider::Aws {
                    continue;
                }
                if let Some(f) = &req.filter
                    && !passes(f, &k, &info.cloud_region)?
                {
                    continue;
                }
                let keys: Option<Vec<String>> = req
                    .group_by
                    .iter()
                    .map(|g| key_for(g, &k, &info.cloud_region))
                    .collect();
                let keys = keys.ok_or("unsupported GroupBy key")?;
                let entry = groups.entry(keys).or_default();
                entry.0 += c.cost;
                entry.1 += c.quantity;
                total.0 += c.cost;
                total.1 += c.quantity;
            }
        }
        let metrics = |cost: f64, qty: f64| -> Value {
            let m: serde_json::Map<String, Value> = req
                .metrics
                .iter()
                .map(|name| {
                    let v = if name == "UsageQuantity" {
                        json!({"Amount": amount(qty), "Unit": "N/A"})
                    } else {
                        json!({"Amount": amount(cost), "Unit": "USD"})
                    };
                    (name.clone(), v)
                })
                .collect();
            Value::Object(m)
        };
        let (total_v, groups_v) = if req.group_by.is_empty() {
            (metrics(total.0, total.1), json!([]))
        } else {
            (
                json!({}),
                Value::Array(
                    groups
                        .into_iter()
                        .map(|(keys, (c, q))| json!({"Keys": keys, "Metrics": metrics(c, q)}))
                        .collect(),
                ),
            )
        };
        results.push(json!({
            "TimePeriod": {"Start": day_string(ps.div_euclid(24 * HOUR_MS)), "End": day_string(pe.div_euclid(24 * HOUR_MS))},
            "Total": total_v,
            "Groups": groups_v,
            "Estimated": pe > now,
        }));
    }
    let defs: Vec<Value> = req
        .group_by
        .iter()
        .map(|g| json!({"Type": g.kind, "Key": g.key}))
        .collect();
    Ok(json!({"GroupDefinitions": defs, "ResultsByTime": results, "DimensionValueAttributes": []}))
}
