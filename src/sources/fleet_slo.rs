//! SLO figures of the `metrics`-mode regions from the fleet-wide store:
//! each service's configured query runs once for the whole fleet instead of
//! once per region. The query is rewritten so every aggregation keeps the
//! region label (`sum(...)` becomes `sum by (region) (...)`, `sum by (le)`
//! becomes `sum by (le, region)`, `on (...)` matching gains it too) and its
//! `$region` placeholder selects every series that has the label; the
//! answer holds one series per region. A query that cannot keep the label
//! (`without (region)`, `ignoring (region)`) is not rewritten: its regions
//! keep their own Prometheus.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::join_all;
use prometheus_http_query::Client;
use prometheus_http_query::response::Data;
use promql_parser::label::Labels;
use promql_parser::parser::{self, Expr, LabelModifier};
use tokio::sync::mpsc;

use super::prometheus::{ServiceQueries, expand};
use crate::model::state::{SloSeries, Update};
use crate::model::{SloValues, SourceKind, SourceStatus, Timestamp};

/// `template` (a configured SLO query) for the whole fleet, grouped by
/// `label`; an error says why it cannot be.
pub fn by_region(template: &str, label: &str) -> Result<String, String> {
    let q = expand(template, Some(&format!("{label}!=\"\"")));
    let mut expr = parser::parse(&q)?;
    keep(&mut expr, label)?;
    Ok(expr.to_string())
}

fn add(labels: &mut Labels, label: &str) {
    if !labels.labels.iter().any(|l| l == label) {
        labels.labels.push(label.to_string());
    }
}

/// Makes every aggregation and vector match of `e` keep `label`.
fn keep(e: &mut Expr, label: &str) -> Result<(), String> {
    match e {
        Expr::Aggregate(a) => {
            match &mut a.modifier {
                None => a.modifier = Some(LabelModifier::Include(Labels::new(vec![label]))),
                Some(LabelModifier::Include(l)) => add(l, label),
                Some(LabelModifier::Exclude(l)) if l.labels.iter().any(|x| x == label) => {
                    return Err(format!("it aggregates without ({label})"));
                }
                Some(LabelModifier::Exclude(_)) => {}
            }
            keep(&mut a.expr, label)
        }
        Expr::Binary(b) => {
            if let Some(m) = b.modifier.as_mut().and_then(|m| m.matching.as_mut()) {
                match m {
                    LabelModifier::Include(l) => add(l, label),
                    LabelModifier::Exclude(l) if l.labels.iter().any(|x| x == label) => {
                        return Err(format!("it matches ignoring ({label})"));
                    }
                    LabelModifier::Exclude(_) => {}
                }
            }
            keep(&mut b.lhs, label)?;
            keep(&mut b.rhs, label)
        }
        Expr::Unary(u) => keep(&mut u.expr, label),
        Expr::Paren(p) => keep(&mut p.expr, label),
        Expr::Subquery(s) => keep(&mut s.expr, label),
        Expr::Call(c) => c.args.args.iter_mut().try_for_each(|a| keep(a, label)),
        _ => Ok(()),
    }
}

/// The fleet-wide SLO source: the rewritten queries and the regions they
/// answer for.
pub struct FleetSloSource {
    pub client: Client,
    /// Endpoint as shown to the operator (no credentials).
    pub name: String,
    pub regions: Vec<String>,
    pub region_label: String,
    /// Already rewritten with [`by_region`].
    pub services: Vec<ServiceQueries>,
    pub every: Duration,
    pub timeout: Duration,
    pub stale_after: u32,
    /// Points per chart series over the last hour (0: no charts).
    pub chart_points: u32,
}

/// Per region value of one instant query.
async fn instant(
    src: &FleetSloSource,
    query: Option<&String>,
) -> Result<BTreeMap<String, f64>, String> {
    let Some(q) = query else {
        return Ok(BTreeMap::new());
    };
    let call = src
        .client
        .query(q)
        .timeout(src.timeout.as_millis() as i64)
        .get();
    let r = match tokio::time::timeout(src.timeout, call).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(super::redact::error_chain(&e)),
        Err(_) => return Err(format!("no answer within {} s", src.timeout.as_secs())),
    };
    let Data::Vector(v) = r.data() else {
        return Ok(BTreeMap::new());
    };
    Ok(v.iter()
        .filter(|s| s.sample().value().is_finite())
        .filter_map(|s| {
            let region = s.metric().get(&src.region_label)?;
            Some((region.clone(), s.sample().value()))
        })
        .collect())
}

/// Per region series of one range query over the last hour.
async fn range(
    src: &FleetSloSource,
    query: Option<&String>,
) -> Result<BTreeMap<String, Vec<(f64, f64)>>, String> {
    let Some(q) = query.filter(|_| src.chart_points > 0) else {
        return Ok(BTreeMap::new());
    };
    let end = Timestamp::now().as_second();
    let step = (3600.0 / f64::from(src.chart_points.max(1))).max(1.0);
    let call = src.client.query_range(q, end - 3600, end, step).get();
    let r = match tokio::time::timeout(src.timeout, call).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(super::redact::error_chain(&e)),
        Err(_) => return Err(format!("no answer within {} s", src.timeout.as_secs())),
    };
    let Data::Matrix(m) = r.data() else {
        return Ok(BTreeMap::new());
    };
    Ok(m.iter()
        .filter_map(|s| {
            let region = s.metric().get(&src.region_label)?;
            let points = s
                .samples()
                .iter()
                .filter(|p| p.value().is_finite())
                .map(|p| (p.timestamp(), p.value()))
                .collect();
            Some((region.clone(), points))
        })
        .collect())
}

/// One poll: every service's figures for every region, then the charts.
pub async fn poll_once(src: &FleetSloSource) -> Result<Vec<Update>, String> {
    let mut updates = poll_values(src).await?;
    updates.extend(poll_series(src).await);
    Ok(updates)
}

/// Every service's instant figures for every region: asked before the
/// charts, whose range queries cost the store far more.
pub async fn poll_values(src: &FleetSloSource) -> Result<Vec<Update>, String> {
    let now = Timestamp::now();
    let per_service = src.services.iter().map(|s| async move {
        let (rate, errors, p95) = futures::join!(
            instant(src, s.request_rate.as_ref()),
            instant(src, s.error_ratio.as_ref()),
            instant(src, s.p95_latency.as_ref()),
        );
        let named = |e: String| format!("{}: {e}", s.service);
        Ok::<_, String>((
            s.service.clone(),
            [
                rate.map_err(named)?,
                errors.map_err(named)?,
                p95.map_err(named)?,
            ],
        ))
    });
    let mut updates = Vec::new();
    for done in join_all(per_service).await {
        let (service, [rate, errors, p95]) = done?;
        for region in &src.regions {
            updates.push(Update::Slo {
                region: region.clone(),
                service: service.clone(),
                values: SloValues {
                    request_rate: rate.get(region).copied(),
                    error_ratio: errors.get(region).copied(),
                    p95_seconds: p95.get(region).copied(),
                    at: Some(now),
                },
            });
        }
    }
    Ok(updates)
}

/// Every service's chart series for every region (none when no charts are
/// drawn); a failed range query leaves that chart empty.
pub async fn poll_series(src: &FleetSloSource) -> Vec<Update> {
    if src.chart_points == 0 {
        return Vec::new();
    }
    let per_service = src.services.iter().map(|s| async move {
        let (rate, errors, p95) = futures::join!(
            range(src, s.request_rate.as_ref()),
            range(src, s.error_ratio.as_ref()),
            range(src, s.p95_latency.as_ref()),
        );
        (
            s.service.clone(),
            [
                rate.unwrap_or_default(),
                errors.unwrap_or_default(),
                p95.unwrap_or_default(),
            ],
        )
    });
    let mut updates = Vec::new();
    for (service, [mut rate, mut errors, mut p95]) in join_all(per_service).await {
        for region in &src.regions {
            updates.push(Update::SloSeries {
                region: region.clone(),
                service: service.clone(),
                series: SloSeries {
                    request_rate: rate.remove(region).unwrap_or_default(),
                    error_ratio: errors.remove(region).unwrap_or_default(),
                    p95_seconds: p95.remove(region).unwrap_or_default(),
                },
            });
        }
    }
    updates
}

/// Polls every `every` until the receiving side goes away, with one
/// Prometheus status per region (the fleet store, by name).
pub async fn run(src: FleetSloSource, tx: mpsc::Sender<Update>) {
    let mut status: Vec<SourceStatus> = src
        .regions
        .iter()
        .map(|r| SourceStatus::new(SourceKind::Prometheus, r, &src.name).polled_every(src.every))
        .collect();
    let mut tick = tokio::time::interval(src.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        // The figures and the statuses first, so the health and SLO
        // columns are live while the charts' range queries are still out.
        let result = poll_values(&src).await;
        let now = Timestamp::now();
        let ok = result.is_ok();
        let mut updates = match result {
            Ok(updates) => {
                status.iter_mut().for_each(|s| s.succeeded(now));
                updates
            }
            Err(e) => {
                status
                    .iter_mut()
                    .for_each(|s| s.failed(e.clone(), src.stale_after));
                Vec::new()
            }
        };
        updates.extend(status.iter().cloned().map(Update::Source));
        if !super::prometheus::send_all(&tx, updates).await {
            return;
        }
        if ok && !super::prometheus::send_all(&tx, poll_series(&src).await).await {
            return;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn aggregations_keep_the_region_label() {
        let rate = r#"sum(rate(http_requests_total{service="checkout",$region}[5m]))"#;
        assert_eq!(
            by_region(rate, "region").unwrap(),
            r#"sum by (region) (rate(http_requests_total{region!="",service="checkout"}[5m]))"#
        );
        let p95 = r#"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="a",$region}[5m])))"#;
        let got = by_region(p95, "cluster_region").unwrap();
        assert!(got.contains("sum by (le, cluster_region) ("), "{got}");
        let ratio = r#"sum(rate(x{code=~"5..",$region}[5m])) / on (job) sum(rate(x{$region}[5m]))"#;
        let got = by_region(ratio, "region").unwrap();
        assert_eq!(got.matches("sum by (region)").count(), 2, "{got}");
        assert!(got.contains("on (job, region)"), "{got}");
        // The rewritten query parses again.
        assert!(parser::parse(&got).is_ok());
    }

    #[test]
    fn a_query_that_drops_the_label_is_not_rewritten() {
        let e = by_region("sum without (region) (up{$region})", "region").unwrap_err();
        assert!(e.contains("without (region)"), "{e}");
        let e = by_region("a{$region} / ignoring (region) b", "region").unwrap_err();
        assert!(e.contains("ignoring (region)"), "{e}");
        assert!(by_region("sum(rate(x[5m]", "region").is_err());
    }
}
