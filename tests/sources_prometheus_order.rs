//! A region's SLO values and its Prometheus status reach the console
//! before the charts: the range queries behind the charts cost the store
//! far more than the instant ones, and the health and SLO columns must not
//! wait for them. The simulator's PromQL API answers behind a gate that
//! holds every range query until the test opens it. In the console the
//! charts also wait until every other source of the first screen answered
//! once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "telemetry_support/peers.rs"]
mod peers;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use opsdeck::model::state::Update;
use opsdeck::sim::telemetry::{Telemetry, TelemetryConfig, fixture, serve};
use opsdeck::sources::first_answers::FirstAnswers;
use opsdeck::sources::prometheus::{self, PromSource, ServiceQueries};
use tokio::sync::{Semaphore, mpsc};

const SERVICES: [&str; 4] = ["checkout", "catalog", "payments", "search"];
const REGION: &str = "eu-west-1";

/// Upstream, permits for range queries, range queries received.
type Gate = (String, Arc<Semaphore>, Arc<AtomicUsize>);

/// Forwards to the simulator; a range query is counted, then waits for a
/// permit.
async fn forward(State((upstream, gate, ranges)): State<Gate>, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let _held = if path.starts_with("/api/v1/query_range") {
        ranges.fetch_add(1, Ordering::SeqCst);
        Some(gate.acquire().await.unwrap())
    } else {
        None
    };
    let r = reqwest::get(format!("{upstream}{path}")).await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(text))
        .unwrap()
}

fn source(url: &url::Url) -> PromSource {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let services = SERVICES
        .iter()
        .map(|svc| ServiceQueries {
            service: svc.to_string(),
            request_rate: Some(format!(
                "sum(rate(http_requests_total{{service=\"{svc}\",region=\"{REGION}\"}}[5m]))"
            )),
            error_ratio: None,
            p95_latency: None,
        })
        .collect();
    PromSource {
        region: REGION.into(),
        client: prometheus::client(reqwest::Client::new(), url).unwrap(),
        name: url.to_string(),
        services,
        every: Duration::from_secs(3600),
        timeout: Duration::from_secs(30),
        stale_after: 3,
        chart_points: 60,
        first: Default::default(),
    }
}

/// The simulator's PromQL API behind [`forward`], with `permits` range
/// queries let through.
async fn proxied(permits: usize) -> (url::Url, Arc<Semaphore>, Arc<AtomicUsize>, Telemetry) {
    let config = TelemetryConfig {
        resolution: Duration::from_secs(15),
        retention: Duration::from_secs(3600),
        backfill: Duration::from_secs(1800),
        ..TelemetryConfig::default()
    };
    let t = Telemetry::new(config, fixture::world()).unwrap();
    let sim = peers::serve(serve::routers(&t).prometheus).await;
    let gate = Arc::new(Semaphore::new(permits));
    let ranges = Arc::new(AtomicUsize::new(0));
    let router = axum::Router::new().fallback(forward).with_state((
        format!("http://{sim}"),
        gate.clone(),
        ranges.clone(),
    ));
    let addr = peers::serve(router).await;
    let url: url::Url = format!("http://{addr}/").parse().unwrap();
    (url, gate, ranges, t)
}

async fn next(rx: &mut mpsc::Receiver<Update>) -> Update {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("no update within 20 s")
        .expect("the source stopped")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_and_status_arrive_before_the_charts() {
    let (url, gate, _ranges, _t) = proxied(0).await;

    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(prometheus::run(source(&url), tx));

    // Every range query is held: the values and the status come anyway.
    let mut rates = Vec::new();
    let status = loop {
        match next(&mut rx).await {
            Update::Slo {
                service, values, ..
            } => rates.push((service, values.request_rate)),
            Update::Source(s) => break s,
            Update::SloSeries { service, .. } => panic!("{service}'s chart came first"),
            other => panic!("unexpected update {other:?}"),
        }
    };
    assert!(status.last_error.is_none(), "{status:?}");
    assert!(status.last_success.is_some(), "{status:?}");
    rates.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<&str> = rates.iter().map(|(s, _)| s.as_str()).collect();
    let mut want = SERVICES.to_vec();
    want.sort();
    assert_eq!(names, want);
    for (service, rate) in &rates {
        assert!(rate.is_some_and(|r| r > 0.0), "{service}: rate {rate:?}");
    }

    // Opened, the charts follow: one series per service, from the store.
    gate.add_permits(SERVICES.len());
    let mut charted = Vec::new();
    while charted.len() < SERVICES.len() {
        match next(&mut rx).await {
            Update::SloSeries {
                service, series, ..
            } => {
                assert!(
                    series.request_rate.len() > 1,
                    "{service}: {:?}",
                    series.request_rate
                );
                charted.push(service);
            }
            other => panic!("unexpected update {other:?}"),
        }
    }
    charted.sort();
    assert_eq!(charted, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_wait_for_every_first_answer_of_the_first_screen() {
    let (url, _gate, ranges, _t) = proxied(1_000).await;
    // Two first answers expected: this source's and a cluster's that has
    // not listed yet (a long deadline: only the answers open it here).
    let first = FirstAnswers::expecting_within(2, Duration::from_secs(600));
    let cluster = first.slot();
    let mut src = source(&url);
    src.first = first.slot();
    let (tx, mut rx) = mpsc::channel(64);
    tokio::spawn(prometheus::run(src, tx));

    loop {
        match next(&mut rx).await {
            Update::Slo { .. } => {}
            Update::Source(s) => {
                assert!(s.last_error.is_none(), "{s:?}");
                break;
            }
            other => panic!("unexpected update {other:?}"),
        }
    }
    // The values are in; the cluster has not answered: no range query goes
    // out.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(ranges.load(Ordering::SeqCst), 0, "a range query went out");
    assert!(
        rx.try_recv().is_err(),
        "an update came before the gate opened"
    );

    cluster.give();
    let mut charted = 0;
    while charted < SERVICES.len() {
        match next(&mut rx).await {
            Update::SloSeries { .. } => charted += 1,
            other => panic!("unexpected update {other:?}"),
        }
    }
    assert!(ranges.load(Ordering::SeqCst) >= SERVICES.len());
}
