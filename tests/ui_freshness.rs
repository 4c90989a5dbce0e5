//! Honest freshness: a region's health is as old as its Kubernetes watches
//! and Prometheus polls say, not as old as its slowest source (billing,
//! polled every few minutes); an open watch is current however quiet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use std::time::Duration;

use opsdeck::app::fixtures;
use opsdeck::app::{Msg, update};
use opsdeck::model::state::Update;
use opsdeck::model::{SourceKind, SourceStatus};

fn source(kind: SourceKind, name: &str, ago: i64, every: Option<u64>) -> Update {
    let mut s = SourceStatus::new(kind, "us-east-1", name);
    if let Some(e) = every {
        s = s.polled_every(Duration::from_secs(e));
    }
    s.succeeded(fixtures::now() - jiff::SignedDuration::from_secs(ago));
    s.watching = kind == SourceKind::Kubernetes;
    Update::Source(s)
}

fn header_of(screen: &str, region: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(region) && l.contains("aws"))
        .unwrap_or("")
        .to_string()
}

#[test]
fn health_is_live_while_watches_are_open_and_polls_current() {
    let mut app = fixtures::app(false);
    let before = header_of(&ui_common::render(&app, 160, 48), "us-east-1");
    // Without intervals: the oldest health source (Prometheus, 8 s), not
    // billing's 2 minutes.
    assert!(before.contains("ok 8s"), "{before}");
    update(
        &mut app,
        Msg::Data(vec![
            // A quiet watch: its last event 3 minutes ago, still open.
            source(SourceKind::Kubernetes, "sim-us-east-1", 180, None),
            source(SourceKind::Prometheus, "prometheus-us-east-1", 8, Some(10)),
            source(SourceKind::Billing, "billing-us-east-1", 240, Some(300)),
        ]),
    );
    let after = header_of(&ui_common::render(&app, 160, 48), "us-east-1");
    assert!(after.contains("ok live"), "{after}");

    // Prometheus missing its polls for 3 minutes shows its age again.
    update(
        &mut app,
        Msg::Data(vec![source(
            SourceKind::Prometheus,
            "prometheus-us-east-1",
            180,
            Some(10),
        )]),
    );
    let late = header_of(&ui_common::render(&app, 160, 48), "us-east-1");
    assert!(late.contains("ok 3m"), "{late}");
}
