//! The normalised cost model: one line per day, provider, region and service.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostLine {
    pub day: jiff::civil::Date,
    pub provider: String,
    pub region: String,
    /// Service the cost is allocated to; `None` for unallocated/shared cost.
    pub service: Option<String>,
    pub amount: f64,
    pub currency: String,
}
