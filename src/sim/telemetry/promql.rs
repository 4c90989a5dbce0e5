//! A PromQL evaluator over the simulator's series, parsed with the
//! `promql-parser` crate.
//!
//! Supported: selectors with `=`, `!=`, `=~`, `!~`, range selectors,
//! `offset`, `rate`, `irate`, `increase`, `histogram_quantile`, `clamp_min`,
//! `clamp_max`, `abs`, `time`, `scalar`, `vector`, aggregations `sum`,
//! `avg`, `min`, `max`, `count`, `topk`, `bottomk` with `by`/`without`,
//! arithmetic and comparison operators (with `bool`) between scalars and
//! one-to-one matched vectors with `on`/`ignoring`. Anything else is a
//! `bad_data` error that names the construct: never a wrong number.
//! Semantics follow Prometheus 2.42 (e.g. inclusive range boundaries).

mod aggregate;
mod binary;
mod eval;
mod functions;
mod parse_cache;
#[cfg(test)]
mod range_tests;
mod reach;

use super::series::{Labels, NAME, SeriesStore};

pub use eval::Evaluator;
pub use reach::earliest_ms;

/// Prometheus' default lookback for instant vectors.
pub const LOOKBACK_MS: i64 = 300_000;

/// One element of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Labels,
    pub value: f64,
}

/// One series of a range vector.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeSeries {
    pub labels: Labels,
    pub points: Vec<(i64, f64)>,
}

/// The result of evaluating an expression at one instant.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(f64),
    String(String),
    Vector(Vec<Sample>),
    Matrix(Vec<RangeSeries>),
}

impl Value {
    /// Prometheus' name for the value type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Scalar(_) => "scalar",
            Value::String(_) => "string",
            Value::Vector(_) => "vector",
            Value::Matrix(_) => "matrix",
        }
    }
}

/// Prometheus API error classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The query is malformed or uses something this engine does not support.
    BadData,
    /// The query is valid but failed while running.
    Execution,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadData => "bad_data",
            ErrorKind::Execution => "execution",
        }
    }
}

/// A query error, shaped like Prometheus' API errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub kind: ErrorKind,
    pub message: String,
}

impl QueryError {
    pub fn bad_data(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::BadData,
            message: message.into(),
        }
    }

    pub fn execution(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Execution,
            message: message.into(),
        }
    }

    /// The error for a construct the evaluator does not implement.
    pub fn unsupported(construct: impl std::fmt::Display) -> Self {
        Self::bad_data(format!(
            "unsupported PromQL construct in the simulator: {construct}"
        ))
    }
}

/// Parse a query, mapping parse errors to `bad_data` like Prometheus.
pub fn parse(query: &str) -> Result<promql_parser::parser::Expr, QueryError> {
    promql_parser::parser::parse(query)
        .map_err(|e| QueryError::bad_data(format!("invalid parameter \"query\": {e}")))
}

/// Evaluate `query` at `t_ms` over `store`, restricted to series whose
/// `region` label is `region` when given.
pub fn instant_query(
    store: &SeriesStore,
    region: Option<&str>,
    query: &str,
    t_ms: i64,
) -> Result<Value, QueryError> {
    let expr = parse_cache::parsed(query)?;
    Evaluator::new(store, region)
        .reading_from(reach::earliest_ms([&*expr], t_ms))
        .eval(&expr, t_ms)
}

/// Evaluate `query` at every step in `[start, end]`; the result is a matrix.
pub fn range_query(
    store: &SeriesStore,
    region: Option<&str>,
    query: &str,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
) -> Result<Vec<RangeSeries>, QueryError> {
    let expr = parse_cache::parsed(query)?;
    match expr.value_type() {
        promql_parser::parser::value::ValueType::Vector
        | promql_parser::parser::value::ValueType::Scalar => {}
        other => {
            return Err(QueryError::bad_data(format!(
                "invalid expression type \"{other}\" for range query, must be Scalar or instant Vector"
            )));
        }
    }
    if step_ms <= 0 {
        return Err(QueryError::bad_data(
            "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer",
        ));
    }
    if (end_ms - start_ms) / step_ms > 11_000 {
        return Err(QueryError::bad_data(
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
        ));
    }
    let ev = Evaluator::new(store, region).reading_from(reach::earliest_ms([&*expr], start_ms));
    let mut out: std::collections::BTreeMap<Labels, Vec<(i64, f64)>> =
        std::collections::BTreeMap::new();
    let mut t = start_ms;
    while t <= end_ms {
        match ev.eval(&expr, t)? {
            Value::Scalar(v) => out.entry(Labels::new()).or_default().push((t, v)),
            Value::Vector(samples) => {
                for s in samples {
                    out.entry(s.labels).or_default().push((t, s.value));
                }
            }
            other => {
                return Err(QueryError::bad_data(format!(
                    "invalid expression type \"{}\" for range query",
                    other.type_name()
                )));
            }
        }
        t += step_ms;
    }
    Ok(out
        .into_iter()
        .map(|(labels, points)| RangeSeries { labels, points })
        .collect())
}

/// Labels without the metric name.
pub(crate) fn drop_name(mut labels: Labels) -> Labels {
    labels.remove(NAME);
    labels
}
