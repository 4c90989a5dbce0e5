//! Prometheus (or Thanos, Mimir, any Prometheus-compatible API): the
//! configured SLO queries per service and region. Instant queries on the
//! refresh interval, range queries for the charts; every request has its own
//! timeout and all regions run concurrently, so a slow one delays nobody.

use std::time::Duration;

use futures::future::join_all;
use prometheus_http_query::Client;
use prometheus_http_query::response::Data;
use tokio::sync::mpsc;

use crate::model::state::{SloSeries, Update};
use crate::model::{SloValues, SourceKind, SourceStatus, Timestamp};

/// SLO queries in flight at once, across every region: hundreds of regions
/// polled together must not bury the store (or a slow region its peers)
/// in thousands of concurrent queries, each then timing out. A query's
/// timeout starts once it holds a slot.
static IN_FLIGHT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(32);

/// The SLO queries of one service, already expanded for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceQueries {
    pub service: String,
    pub request_rate: Option<String>,
    pub error_ratio: Option<String>,
    pub p95_latency: Option<String>,
}

/// One region's Prometheus.
#[derive(Clone)]
pub struct PromSource {
    pub region: String,
    pub client: Client,
    /// Endpoint as shown to the operator (no credentials).
    pub name: String,
    pub services: Vec<ServiceQueries>,
    pub every: Duration,
    pub timeout: Duration,
    pub stale_after: u32,
    /// Points per chart series over the last hour.
    pub chart_points: u32,
    /// Given after the first instant queries; the charts wait for its gate.
    pub first: super::first_answers::Answer,
}

/// Replaces `$region` with the region's label matcher; without a selector,
/// removes it (and the comma that joined it).
pub fn expand(query: &str, selector: Option<&str>) -> String {
    match selector {
        Some(s) => query.replace("$region", s),
        None => query
            .replace(",$region", "")
            .replace("$region,", "")
            .replace("$region", ""),
    }
}

/// Builds a prometheus-http-query client for `url` over `http`.
pub fn client(http: reqwest::Client, url: &url::Url) -> Result<Client, String> {
    Client::from(http, url.as_str()).map_err(|e| super::redact::error_chain(&e))
}

fn first_value(data: &Data) -> Option<f64> {
    let v = match data {
        Data::Vector(v) => v.first().map(|s| s.sample().value()),
        Data::Scalar(s) => Some(s.value()),
        Data::Matrix(m) => m
            .first()
            .and_then(|r| r.samples().last())
            .map(|s| s.value()),
    }?;
    v.is_finite().then_some(v)
}

/// One instant query's first value (`None`: empty answer or NaN).
pub async fn instant_value(
    client: &Client,
    query: &str,
    timeout: Duration,
) -> Result<Option<f64>, String> {
    instant(client, Some(&query.to_string()), timeout).await
}

async fn instant(
    client: &Client,
    query: Option<&String>,
    timeout: Duration,
) -> Result<Option<f64>, String> {
    let Some(q) = query else { return Ok(None) };
    let _slot = IN_FLIGHT.acquire().await.map_err(|e| e.to_string())?;
    let call = client.query(q).timeout(timeout.as_millis() as i64).get();
    match tokio::time::timeout(timeout, call).await {
        Ok(Ok(r)) => Ok(first_value(r.data())),
        Ok(Err(e)) => Err(super::redact::error_chain(&e)),
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

async fn range(
    client: &Client,
    query: Option<&String>,
    points: u32,
    timeout: Duration,
) -> Result<Vec<(f64, f64)>, String> {
    let Some(q) = query.filter(|_| points > 0) else {
        return Ok(Vec::new());
    };
    let end = Timestamp::now().as_second();
    let step = (3600.0 / points.max(1) as f64).max(1.0);
    range_values(client, q, end - 3600, end, step, timeout).await
}

/// One range query's first series, finite points only, as (time, value).
pub async fn range_values(
    client: &Client,
    query: &str,
    start: i64,
    end: i64,
    step: f64,
    timeout: Duration,
) -> Result<Vec<(f64, f64)>, String> {
    let _slot = IN_FLIGHT.acquire().await.map_err(|e| e.to_string())?;
    let call = client.query_range(query, start, end, step).get();
    let data = match tokio::time::timeout(timeout, call).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(super::redact::error_chain(&e)),
        Err(_) => return Err(format!("no answer within {} s", timeout.as_secs())),
    };
    Ok(match data.data() {
        Data::Matrix(m) => m
            .first()
            .map(|r| {
                r.samples()
                    .iter()
                    .filter(|s| s.value().is_finite())
                    .map(|s| (s.timestamp(), s.value()))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    })
}

/// Queries every service once: the instant values and the chart series.
pub async fn poll_once(src: &PromSource) -> (Vec<Update>, Result<(), String>) {
    let (mut updates, result) = poll_values(src).await;
    if result.is_ok() {
        updates.extend(poll_series(src).await);
    }
    (updates, result)
}

/// Every service's instant SLO values: what the health and SLO columns
/// show, asked before the charts so they are live without waiting for the
/// costlier range queries.
pub async fn poll_values(src: &PromSource) -> (Vec<Update>, Result<(), String>) {
    let now = Timestamp::now();
    let per_service = src.services.iter().map(|s| async move {
        let (rate, errors, p95) = futures::join!(
            instant(&src.client, s.request_rate.as_ref(), src.timeout),
            instant(&src.client, s.error_ratio.as_ref(), src.timeout),
            instant(&src.client, s.p95_latency.as_ref(), src.timeout),
        );
        let first_err = [
            &rate.as_ref().err(),
            &errors.as_ref().err(),
            &p95.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| e.to_string());
        let values = SloValues {
            request_rate: rate.ok().flatten(),
            error_ratio: errors.ok().flatten(),
            p95_seconds: p95.ok().flatten(),
            at: Some(now),
        };
        (s.service.clone(), values, first_err)
    });
    let mut updates = Vec::new();
    let mut error = None;
    for (service, values, err) in join_all(per_service).await {
        if err.is_some() && error.is_none() {
            error = err.map(|e| format!("{service}: {e}"));
        }
        if error.is_none() || values.request_rate.is_some() {
            updates.push(Update::Slo {
                region: src.region.clone(),
                service,
                values,
            });
        }
    }
    (updates, error.map_or(Ok(()), Err))
}

/// Every service's chart series over the last hour (none when the source
/// draws no charts). A failed range query leaves that chart empty.
pub async fn poll_series(src: &PromSource) -> Vec<Update> {
    if src.chart_points == 0 {
        return Vec::new();
    }
    let per_service = src.services.iter().map(|s| async move {
        let points = src.chart_points;
        let (rate, errors, p95) = futures::join!(
            range(&src.client, s.request_rate.as_ref(), points, src.timeout),
            range(&src.client, s.error_ratio.as_ref(), points, src.timeout),
            range(&src.client, s.p95_latency.as_ref(), points, src.timeout),
        );
        Update::SloSeries {
            region: src.region.clone(),
            service: s.service.clone(),
            series: SloSeries {
                request_rate: rate.unwrap_or_default(),
                error_ratio: errors.unwrap_or_default(),
                p95_seconds: p95.unwrap_or_default(),
            },
        }
    });
    join_all(per_service).await
}

/// Polls on the refresh interval (backing off while it fails) until `tx` closes.
pub async fn run(src: PromSource, tx: mpsc::Sender<Update>) {
    run_with(src, tx, std::sync::Arc::new(tokio::sync::Notify::new())).await;
}

/// Like [`run`], polling at once whenever `refresh` is notified.
pub async fn run_with(
    src: PromSource,
    tx: mpsc::Sender<Update>,
    refresh: std::sync::Arc<tokio::sync::Notify>,
) {
    let mut status =
        SourceStatus::new(SourceKind::Prometheus, &src.region, &src.name).polled_every(src.every);
    let mut tick = super::ticker::Ticker::new(src.every, refresh);
    loop {
        tick.wait().await;
        // The values and this source's status first, so the health and SLO
        // columns are live while the charts' range queries are still out.
        let (mut updates, result) = poll_values(&src).await;
        let ok = result.is_ok();
        match result {
            Ok(()) => status.succeeded(Timestamp::now()),
            Err(e) => status.failed(e, src.stale_after),
        }
        updates.push(Update::Source(status.clone()));
        if !send_all(&tx, updates).await {
            return;
        }
        src.first.give();
        if ok && src.chart_points > 0 {
            src.first.gate().opened().await;
        }
        if ok && !send_all(&tx, poll_series(&src).await).await {
            return;
        }
        tick.polled(ok);
    }
}

/// Sends every update in order; false once the receiver is gone.
pub(crate) async fn send_all(tx: &mpsc::Sender<Update>, updates: Vec<Update>) -> bool {
    for u in updates {
        if tx.send(u).await.is_err() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_the_region_placeholder() {
        let q = "sum(rate(x{service=\"a\",$region}[5m]))";
        assert_eq!(
            expand(q, Some("region=\"eu\"")),
            "sum(rate(x{service=\"a\",region=\"eu\"}[5m]))"
        );
        assert_eq!(expand(q, None), "sum(rate(x{service=\"a\"}[5m]))");
        assert_eq!(expand("up{$region,job=\"x\"}", None), "up{job=\"x\"}");
    }
}
