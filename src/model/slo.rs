//! SLO readings for one service in one region.

use serde::Serialize;

use super::Timestamp;

/// The latest instant values of the configured SLO queries. `None`: the
/// query is not configured, failed, or returned no sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SloValues {
    pub request_rate: Option<f64>,
    pub error_ratio: Option<f64>,
    pub p95_seconds: Option<f64>,
    pub at: Option<Timestamp>,
}

/// A chart series: (unix seconds, value) points, oldest first.
pub type Series = Vec<(f64, f64)>;
