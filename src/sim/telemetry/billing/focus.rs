//! FOCUS 1.0 cost and usage exports: one CSV per provider per day.

use std::path::{Path, PathBuf};

use super::super::ledger::{CostKind, HOUR_MS, Ledger};
use super::super::prices;
use super::{amount, day_string};

/// Columns written, in order (a FOCUS 1.0 subset covering the mandatory
/// cost, time, provider, region, service, resource and tag columns).
pub const COLUMNS: &[&str] = &[
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "RegionId",
    "RegionName",
    "ServiceCategory",
    "ServiceName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "SkuId",
    "SubAccountId",
    "Tags",
];

/// The file name for one provider and day.
pub fn file_name(provider: &str, day: i64) -> String {
    format!("focus-{provider}-{}.csv", day_string(day))
}

fn month_bounds(day: i64) -> (String, String) {
    let ts = day_string(day);
    let first = format!("{}-01T00:00:00Z", &ts[..7]);
    let next = first
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .checked_add(jiff::Span::new().months(1))
                .ok()
        })
        .map(|z| z.timestamp().to_string())
        .unwrap_or_default();
    (first, next)
}

/// Write the files for `day` (days since the epoch) with the cost accrued
/// until `now_ms`. Returns the paths written.
pub fn write_day(
    dir: &Path,
    ledger: &Ledger,
    day: i64,
    now_ms: i64,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let start = day * 24 * HOUR_MS;
    let end = (start + 24 * HOUR_MS).min(now_ms);
    if end <= start {
        return Ok(Vec::new());
    }
    let lines = ledger.resources_between(start, end);
    let (bp_start, bp_end) = month_bounds(day);
    let cp_start = super::super::timefmt::rfc3339_nano(start);
    let cp_end = super::super::timefmt::rfc3339_nano(start + 24 * HOUR_MS);
    let mut written = Vec::new();
    let providers: std::collections::BTreeSet<_> =
        ledger.regions.values().map(|r| r.provider).collect();
    for provider in providers {
        let path = dir.join(file_name(provider.as_str(), day));
        let tmp = path.with_extension("csv.tmp");
        let mut w = csv::Writer::from_path(&tmp)?;
        w.write_record(COLUMNS)?;
        for (k, c) in &lines {
            let Some(info) = ledger.regions.get(&k.region) else {
                continue;
            };
            if info.provider != provider {
                continue;
            }
            let (service, category, unit, rtype) = match k.kind {
                CostKind::Compute => (
                    prices::compute_service_name(provider),
                    "Compute",
                    "Hours",
                    "Virtual Machine",
                ),
                CostKind::Storage => (
                    prices::storage_service_name(provider),
                    "Storage",
                    "GB-Months",
                    "Disk",
                ),
                CostKind::Network => (
                    prices::network_service_name(provider),
                    "Networking",
                    "GB",
                    "Data Transfer",
                ),
            };
            let mut tags = serde_json::Map::new();
            tags.insert("cluster".into(), info.cluster.clone().into());
            if !k.service_tag.is_empty() {
                tags.insert("service".into(), k.service_tag.clone().into());
            }
            let cost = amount(c.cost);
            let qty = amount(c.quantity);
            let record = [
                cost.as_str(),
                &cost,
                &cost,
                &cost,
                "USD",
                "opsdeck-sim",
                &bp_start,
                &bp_end,
                &cp_start,
                &cp_end,
                "Usage",
                "",
                &format!("{service} {} in {}", k.sku, info.cloud_region),
                "Usage-Based",
                &qty,
                unit,
                &qty,
                unit,
                provider.focus_name(),
                provider.focus_name(),
                provider.focus_name(),
                &info.cloud_region,
                &info.cloud_region,
                category,
                service,
                &k.resource,
                &k.resource,
                rtype,
                &k.sku,
                &info.cluster,
                &serde_json::Value::Object(tags).to_string(),
            ];
            w.write_record(record)?;
        }
        w.flush()?;
        drop(w);
        std::fs::rename(&tmp, &path)?;
        written.push(path);
    }
    Ok(written)
}
