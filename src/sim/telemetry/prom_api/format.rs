//! JSON shapes of the Prometheus HTTP API.

use serde_json::{Value, json};

use super::super::exposition::format_value;
use super::super::promql::{QueryError, RangeSeries, Value as PromValue};
use super::super::series::Labels;

/// `{"status":"success","data":...}`
pub fn success(data: Value) -> Value {
    json!({"status": "success", "data": data})
}

/// `{"status":"error","errorType":...,"error":...}`
pub fn error(kind: &str, message: &str) -> Value {
    json!({"status": "error", "errorType": kind, "error": message})
}

/// HTTP status Prometheus uses for a query error.
pub fn error_status(e: &QueryError) -> axum::http::StatusCode {
    match e.kind {
        super::super::promql::ErrorKind::BadData => axum::http::StatusCode::BAD_REQUEST,
        super::super::promql::ErrorKind::Execution => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
    }
}

fn ts(t_ms: i64) -> Value {
    json!(t_ms as f64 / 1000.0)
}

pub fn labels(ls: &Labels) -> Value {
    Value::Object(
        ls.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The `data` of an instant query.
pub fn instant(v: &PromValue, t_ms: i64) -> Value {
    match v {
        PromValue::Scalar(x) => {
            json!({"resultType": "scalar", "result": [ts(t_ms), format_value(*x)]})
        }
        PromValue::String(s) => json!({"resultType": "string", "result": [ts(t_ms), s]}),
        PromValue::Vector(samples) => json!({
            "resultType": "vector",
            "result": samples.iter().map(|s| json!({"metric": labels(&s.labels), "value": [ts(t_ms), format_value(s.value)]})).collect::<Vec<_>>(),
        }),
        PromValue::Matrix(series) => matrix(series),
    }
}

/// The `data` of a range query (or a range selector at an instant).
pub fn matrix(series: &[RangeSeries]) -> Value {
    json!({
        "resultType": "matrix",
        "result": series.iter().map(|s| json!({
            "metric": labels(&s.labels),
            "values": s.points.iter().map(|(t, v)| json!([ts(*t), format_value(*v)])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
