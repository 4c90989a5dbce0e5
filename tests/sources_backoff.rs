//! Prometheus, Alertmanager and billing sources back off while they fail
//! (each wait about twice the last, with jitter, up to a cap) and return to
//! their refresh interval after a success. Run on tokio's paused clock: the
//! waits are measured in virtual time, so no assertion depends on the load
//! of the machine. Also: a billing source's first fetch waits for the
//! console's first screen (on the real clock).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use opsdeck::model::SourceStatus;
use opsdeck::model::state::Update;
use opsdeck::sources::alertmanager::{self, AmSource, Member};
use opsdeck::sources::backoff::MAX_FACTOR;
use opsdeck::sources::billing::{self, BillingSource, Kind};
use opsdeck::sources::first_answers::FirstAnswers;
use opsdeck::sources::prometheus::{self, PromSource, ServiceQueries};
use tokio::sync::mpsc;
use tokio::time::Instant;

const EVERY: Duration = Duration::from_secs(1);
/// Time a failing poll itself may take (its requests time out at 100 ms).
const POLL: Duration = Duration::from_millis(500);

/// A loopback URL nobody listens on (bound, then released).
fn closed_url() -> url::Url {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/").parse().unwrap()
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The next `n` status reports, with the (virtual) time each arrived.
async fn reports(rx: &mut mpsc::Receiver<Update>, n: usize) -> Vec<(Instant, SourceStatus)> {
    let mut out = Vec::new();
    while out.len() < n {
        match rx.recv().await {
            Some(Update::Source(s)) => out.push((Instant::now(), s)),
            Some(_) => {}
            None => panic!("the source stopped after {} reports", out.len()),
        }
    }
    out
}

fn gaps(at: &[(Instant, SourceStatus)]) -> Vec<Duration> {
    at.windows(2).map(|w| w[1].0 - w[0].0).collect()
}

/// After the n-th failure in a row (from 1) the next try comes
/// `EVERY × 2ⁿ⁻¹` (capped) later, plus a jitter of less than as much again,
/// plus the time the failing poll took.
fn assert_backs_off(gaps: &[Duration], first_failure: u32) {
    for (i, gap) in gaps.iter().enumerate() {
        let n = first_failure + i as u32;
        let base = EVERY * 2u32.pow(n - 1).min(MAX_FACTOR);
        assert!(
            *gap >= base && *gap < base * 2 + POLL,
            "after failure {n}: waited {gap:?}, want [{base:?}, {:?}); all gaps {gaps:?}",
            base * 2
        );
    }
}

#[tokio::test(start_paused = true)]
async fn prometheus_that_does_not_answer_is_polled_less_and_less_often() {
    let url = closed_url();
    let src = PromSource {
        region: "r1".into(),
        client: prometheus::client(http(), &url).unwrap(),
        name: url.to_string(),
        services: vec![ServiceQueries {
            service: "web".into(),
            request_rate: Some("sum(rate(http_requests_total[5m]))".into()),
            error_ratio: None,
            p95_latency: None,
        }],
        every: EVERY,
        timeout: Duration::from_millis(100),
        stale_after: 3,
        chart_points: 10,
        first: Default::default(),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(prometheus::run(src, tx));
    let at = reports(&mut rx, 7).await;
    assert!(at.iter().all(|(_, s)| s.last_error.is_some() && s.stale));
    assert_backs_off(&gaps(&at), 1);
    task.abort();
}

#[tokio::test(start_paused = true)]
async fn alertmanager_that_does_not_answer_is_polled_less_and_less_often() {
    let url = closed_url();
    let src = AmSource {
        members: vec![Member {
            url,
            ha_cluster: "global".into(),
            region: "r1".into(),
            http: http(),
        }],
        every: EVERY,
        timeout: Duration::from_millis(100),
        stale_after: 3,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(alertmanager::run(src, tx));
    let at = reports(&mut rx, 7).await;
    assert!(at.iter().all(|(_, s)| s.last_error.is_some() && s.stale));
    assert_backs_off(&gaps(&at), 1);
    task.abort();
}

fn focus_source(dir: &Path) -> BillingSource {
    BillingSource {
        region: "r1".into(),
        cloud_region: "us-east-1".into(),
        contexts: Vec::new(),
        provider: "aws".into(),
        kind: Kind::FocusCsv { dir: dir.into() },
        http: http(),
        every: EVERY,
        timeout: Duration::from_secs(5),
        stale_after: 3,
        after: Default::default(),
    }
}

/// A FOCUS directory that is missing fails the billing source; once it
/// exists the source succeeds, and the next failure waits as the first did.
/// (No network: the clock only moves while the source waits.)
#[tokio::test(start_paused = true)]
async fn billing_backs_off_and_a_success_starts_the_backoff_over() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("focus");
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(billing::run(focus_source(&dir), tx));

    let failing = reports(&mut rx, 3).await;
    assert!(failing.iter().all(|(_, s)| s.last_error.is_some()));
    std::fs::create_dir(&dir).unwrap();
    let ok = reports(&mut rx, 1).await;
    assert_eq!(ok[0].1.last_error, None, "{:?}", ok[0].1);
    assert!(!ok[0].1.stale);
    std::fs::remove_dir(&dir).unwrap();
    let again = reports(&mut rx, 2).await;
    task.abort();

    // Three failures: 1, 2 and 4 intervals (plus jitter) before the success.
    let mut all = failing.clone();
    all.push(ok[0].clone());
    assert_backs_off(&gaps(&all), 1);
    // After the success: the refresh interval, exactly.
    assert_eq!(again[0].0 - ok[0].0, EVERY);
    // The failure after it waits like a first failure, not like a fourth.
    assert_backs_off(&gaps(&again), 1);
    // Staleness still counts missed refreshes: one miss after data is not stale.
    assert_eq!(again[0].1.missed, 1);
    assert!(!again[0].1.stale, "{:?}", again[0].1);
    assert!(failing[2].1.stale, "never succeeded: stale");
}

/// In the console a billing source's first fetch waits for the first
/// screen's sources ([`FirstAnswers`]); then it fetches (here: fails on a
/// missing directory, which it reports). On the real clock: a paused one
/// would jump to the gate's deadline.
#[tokio::test]
async fn billing_waits_for_the_first_screen_then_fetches() {
    let dir = tempfile::tempdir().unwrap();
    let first = FirstAnswers::expecting_within(1, Duration::from_secs(600));
    let cluster = first.slot();
    let mut src = focus_source(&dir.path().join("missing"));
    src.after = first;
    let (tx, mut rx) = mpsc::channel(64);
    let task = tokio::spawn(billing::run(src, tx));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        rx.try_recv().is_err(),
        "billing fetched before the gate opened"
    );
    cluster.give();
    let update = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let Update::Source(s) = update else {
        panic!("{update:?}")
    };
    assert!(
        s.last_error
            .as_deref()
            .is_some_and(|e| e.contains("missing")),
        "{s:?}"
    );
    task.abort();
}
