//! Router builders for everything the telemetry side serves, and the
//! control routes for its faults.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::billing::{cost_explorer, opencost};
use super::{Faults, Telemetry, alertmanager, prom_api};

/// One router per served API; mount each on its own listener (the demo
/// config uses 9090, 9093, 9003 and 9004) or merge them as suits.
pub struct Routers {
    /// Prometheus HTTP API and `/metrics`, global and under `/regions/{region}`.
    pub prometheus: Router,
    /// Alertmanager API v2.
    pub alertmanager: Router,
    /// OpenCost allocation API, global and under `/regions/{region}`.
    pub opencost: Router,
    /// AWS Cost Explorer (JSON 1.1, `POST /`).
    pub cost_explorer: Router,
    /// Fault control under `/control/telemetry`.
    pub control: Router,
}

/// Build every router over one shared handle.
pub fn routers(t: &Telemetry) -> Routers {
    Routers {
        prometheus: prom_api::router(t),
        alertmanager: alertmanager::router(t),
        opencost: opencost_router(t),
        cost_explorer: Router::new()
            .route("/", post(cost_explorer::handle))
            .with_state(t.clone()),
        control: control_router(t),
    }
}

/// OpenCost's `/allocation/compute`, global and per region.
pub fn opencost_router(t: &Telemetry) -> Router {
    Router::new()
        .route("/allocation/compute", get(opencost::global))
        .route("/allocation", get(opencost::global))
        .route(
            "/regions/{region}/allocation/compute",
            get(opencost::regional),
        )
        .route("/regions/{region}/allocation", get(opencost::regional))
        .with_state(t.clone())
}

/// Fault control:
/// - `GET /control/telemetry/faults` → the faults as JSON
/// - `PUT /control/telemetry/faults` with that JSON → replace them
/// - `POST`/`DELETE /control/telemetry/faults/{kind}/{target}` → set/clear one,
///   kinds: `region-failed`, `latency-spike`, `cost-anomaly`, `prometheus-down`
///   (target: a region, or `*`), `bad-release` (target: `region:service`),
///   `alertmanager-down` and `prometheus-slow` (target: milliseconds; ignored for
///   alertmanager-down)
/// - `POST /control/telemetry/advance?seconds=N` → advance simulated time
pub fn control_router(t: &Telemetry) -> Router {
    Router::new()
        .route("/control/telemetry/faults", get(get_faults).put(put_faults))
        .route(
            "/control/telemetry/faults/{kind}/{target}",
            post(set_fault).delete(clear_fault),
        )
        .route("/control/telemetry/advance", post(advance))
        .with_state(t.clone())
}

async fn get_faults(State(t): State<Telemetry>) -> Json<Faults> {
    Json(t.faults())
}

async fn put_faults(State(t): State<Telemetry>, Json(f): Json<Faults>) -> Json<Faults> {
    t.update_faults(|cur| *cur = f);
    Json(t.faults())
}

fn change(t: &Telemetry, kind: &str, target: &str, on: bool) -> Response {
    let mut ok = true;
    t.update_faults(|f| ok = f.change(kind, target, on));
    if ok {
        Json(t.faults()).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("unknown fault kind {kind}")})),
        )
            .into_response()
    }
}

async fn set_fault(
    State(t): State<Telemetry>,
    Path((kind, target)): Path<(String, String)>,
) -> Response {
    change(&t, &kind, &target, true)
}

async fn clear_fault(
    State(t): State<Telemetry>,
    Path((kind, target)): Path<(String, String)>,
) -> Response {
    change(&t, &kind, &target, false)
}

#[derive(Deserialize)]
struct AdvanceQuery {
    seconds: f64,
}

async fn advance(State(t): State<Telemetry>, Query(q): Query<AdvanceQuery>) -> Response {
    if !(0.0..=7.0 * 86_400.0).contains(&q.seconds) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "seconds must be within 0..=604800"})),
        )
            .into_response();
    }
    t.advance((q.seconds * 1000.0) as i64);
    Json(json!({"now_ms": t.now_ms()})).into_response()
}
