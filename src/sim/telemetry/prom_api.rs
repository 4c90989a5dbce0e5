//! The Prometheus HTTP API (`/api/v1/...`) and `/metrics`, served globally
//! and per region under `/regions/{region}/`. A region's endpoints only see
//! series whose `region` label is that region. GET and form-encoded POST.
// Handlers return finished error responses through `Result`; boxing them buys nothing.
#![allow(clippy::result_large_err)]

mod format;
mod meta;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawPathParams, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde_json::Value;

use super::Telemetry;
use super::exposition;
use super::metrics;
use super::promql;
use super::timefmt::{parse_prom_duration, parse_prom_time};

/// Request parameters: the query string plus a form-encoded POST body.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn from_request(method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Self {
        let mut v: Vec<(String, String)> = uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let is_form = headers
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if method == Method::POST && is_form {
            v.extend(form_urlencoded::parse(body).into_owned());
        }
        Self(v)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Everything a handler needs about one request.
pub struct Req {
    pub region: Option<String>,
    pub params: Params,
    pub path: String,
}

type Handler = fn(&Telemetry, &Req) -> Response;

fn json(status: StatusCode, v: Value) -> Response {
    (status, axum::Json(v)).into_response()
}

pub(crate) fn bad_data(msg: &str) -> Response {
    json(StatusCode::BAD_REQUEST, format::error("bad_data", msg))
}

fn endpoint(h: Handler) -> MethodRouter<Telemetry> {
    let run = move |State(t): State<Telemetry>,
                    raw: RawPathParams,
                    method: Method,
                    uri: Uri,
                    headers: HeaderMap,
                    body: Bytes| async move {
        let region = raw
            .iter()
            .find(|(k, _)| *k == "region")
            .map(|(_, v)| v.to_string());
        let (down, slow, known) = {
            let e = t.read();
            let known = region.as_ref().is_none_or(|r| e.world.region(r).is_some());
            (
                e.faults.prometheus_is_down(region.as_deref()),
                e.faults.prometheus_slow_ms,
                known,
            )
        };
        if slow > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(slow)).await;
        }
        if down {
            return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
        }
        if !known {
            return (StatusCode::NOT_FOUND, "404 page not found").into_response();
        }
        let mut params = Params::from_request(&method, &uri, &headers, &body);
        if let Some(name) = raw
            .iter()
            .find(|(k, _)| *k == "name")
            .map(|(_, v)| v.to_string())
        {
            params.0.push(("__label_name".into(), name));
        }
        let req = Req {
            region,
            params,
            path: uri.path().to_string(),
        };
        h(&t, &req)
    };
    get(run).post(run)
}

fn api_routes() -> Router<Telemetry> {
    Router::new()
        .route("/api/v1/query", endpoint(query))
        .route("/api/v1/query_range", endpoint(query_range))
        .route("/api/v1/series", endpoint(meta::series))
        .route("/api/v1/labels", endpoint(meta::labels))
        .route("/api/v1/label/{name}/values", endpoint(meta::label_values))
        .route("/api/v1/alerts", endpoint(meta::alerts))
        .route("/api/v1/rules", endpoint(meta::rules))
        .route("/api/v1/status/buildinfo", endpoint(meta::buildinfo))
        .route("/metrics", endpoint(metrics_text))
        .route(
            "/-/ready",
            endpoint(|_, _| (StatusCode::OK, "Prometheus Server is Ready.\n").into_response()),
        )
        .route(
            "/-/healthy",
            endpoint(|_, _| (StatusCode::OK, "Prometheus Server is Healthy.\n").into_response()),
        )
}

/// The Prometheus router: global endpoints at `/`, per-region ones under
/// `/regions/{region}/` (also reachable as `/regions/{region}/prometheus/`).
pub fn router(t: &Telemetry) -> Router {
    Router::new()
        .merge(api_routes())
        .nest("/regions/{region}", api_routes())
        .nest("/regions/{region}/prometheus", api_routes())
        .with_state(t.clone())
}

fn eval_time(t: &Telemetry, req: &Req) -> Result<i64, Response> {
    match req.params.get("time") {
        None | Some("") => Ok(t.now_ms()),
        Some(s) => parse_prom_time(s).ok_or_else(|| {
            bad_data(&format!(
                "invalid parameter \"time\": cannot parse \"{s}\" to a valid timestamp"
            ))
        }),
    }
}

fn query(t: &Telemetry, req: &Req) -> Response {
    let Some(q) = req.params.get("query") else {
        return bad_data(
            "invalid parameter \"query\": unknown position: parse error: no expression found in input",
        );
    };
    let at = match eval_time(t, req) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let e = t.read();
    match promql::instant_query(&e.store, req.region.as_deref(), q, at) {
        Ok(v) => json(StatusCode::OK, format::success(format::instant(&v, at))),
        Err(err) => json(
            format::error_status(&err),
            format::error(err.kind.as_str(), &err.message),
        ),
    }
}

fn query_range(t: &Telemetry, req: &Req) -> Response {
    let q = req.params.get("query").unwrap_or("");
    let parse_t = |name: &str| {
        req.params
            .get(name)
            .and_then(parse_prom_time)
            .ok_or_else(|| {
                bad_data(&format!(
                    "invalid parameter \"{name}\": cannot parse \"{}\" to a valid timestamp",
                    req.params.get(name).unwrap_or("")
                ))
            })
    };
    let (start, end) = match (parse_t("start"), parse_t("end")) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    if end < start {
        return bad_data("invalid parameter \"end\": end timestamp must not be before start time");
    }
    let Some(step) = req.params.get("step").and_then(parse_prom_duration) else {
        return bad_data(&format!(
            "invalid parameter \"step\": cannot parse \"{}\" to a valid duration",
            req.params.get("step").unwrap_or("")
        ));
    };
    let e = t.read();
    match promql::range_query(&e.store, req.region.as_deref(), q, start, end, step) {
        Ok(m) => json(StatusCode::OK, format::success(format::matrix(&m))),
        Err(err) => json(
            format::error_status(&err),
            format::error(err.kind.as_str(), &err.message),
        ),
    }
}

fn metrics_text(t: &Telemetry, req: &Req) -> Response {
    let e = t.read();
    let body = match &req.region {
        Some(r) => exposition::render(&metrics::for_region(&e.families, r)),
        None => exposition::render(&e.families),
    };
    (
        StatusCode::OK,
        [("content-type", exposition::CONTENT_TYPE)],
        body,
    )
        .into_response()
}
