//! Billing APIs over the cost ledger: OpenCost's allocation API, AWS Cost
//! Explorer's `GetCostAndUsage`, and FOCUS 1.x CSV exports.

pub mod cost_explorer;
pub mod focus;
pub mod opencost;

/// A UTC calendar day (days since the epoch) as `YYYY-MM-DD`.
pub fn day_string(day: i64) -> String {
    super::timefmt::rfc3339_ms(day * 86_400_000)[..10].to_string()
}

/// Parse `YYYY-MM-DD` to ms since the epoch (UTC midnight).
pub fn parse_day(s: &str) -> Option<i64> {
    let d: jiff::civil::Date = s.parse().ok()?;
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// Round a cost for output the way billing APIs print amounts.
pub fn amount(v: f64) -> String {
    format!("{:.10}", v)
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// Days of billing history every billing API holds before today (OpenCost
/// and Cost Explorer answer from the ledger for any window; the FOCUS
/// export writes this many past daily files at start), so a 30-day view
/// compares providers over the same days.
pub const HISTORY_DAYS: i64 = 30;
