//! Pod logs: synthetic lines that follow the pod's state (requests, errors
//! in a failed region, a crash-looping bad release), with tailLines,
//! sinceSeconds, timestamps, container, previous and follow.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/sim/http.rs"]
mod http;
#[path = "fixtures/sim/support.rs"]
mod support;

use std::time::{Duration, Instant};

use http::{H, lines};
use opsdeck::sim::FaultPatch;
use opsdeck::sim::auth::Role;
use serde_json::json;
use support::{small, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_logs() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Viewer);
    let pods = h
        .json("/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout")
        .await;
    let pod = pods["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let log = |q: &str| {
        h.get(&format!("/api/v1/namespaces/shop/pods/{pod}/log{q}"))
            .send()
    };
    let r = log("?tailLines=5").await.unwrap();
    assert_eq!(r.headers()["content-type"], "text/plain");
    let text = r.text().await.unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(
        text.lines()
            .all(|l| l.contains("msg=\"request\"") && l.contains("path=/api/")),
        "{text}"
    );
    let text = log("?tailLines=2&timestamps=true")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.lines()
            .all(|l| l.split(' ').next().unwrap().ends_with('Z') && l.starts_with("20")),
        "{text}"
    );
    let text = log("?sinceSeconds=10").await.unwrap().text().await.unwrap();
    assert!(
        (4..=7).contains(&text.lines().count()),
        "a line every 2 s: {text}"
    );
    assert_eq!(log("?container=nope").await.unwrap().status(), 400);
    assert_eq!(log("?previous=true").await.unwrap().status(), 400);
    let r = log("?follow=true&tailLines=1").await.unwrap();
    let (ls, ended) = lines(r, Duration::from_millis(2600)).await;
    assert!(!ended && ls.len() >= 2, "following adds lines: {ls:?}");

    // A failed region logs upstream errors.
    env.sim
        .set_faults(
            "us-east-1",
            &FaultPatch {
                failed: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    let text = log("?tailLines=3").await.unwrap().text().await.unwrap();
    assert!(
        text.lines()
            .all(|l| l.contains("level=error") && l.contains("status=503")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_releases_crash_and_log_errors() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Operator);
    let body = json!({"spec": {"template": {"spec": {"containers": [{"name": "payments", "image": "registry.example.com/shop/payments:3.2.0-crash"}]}}}});
    let r = h
        .http
        .patch(format!(
            "{}/apis/apps/v1/namespaces/shop/deployments/payments",
            h.base
        ))
        .bearer_auth(&h.token)
        .header("content-type", "application/strategic-merge-patch+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let start = Instant::now();
    let pod = loop {
        let pods = h
            .json("/api/v1/namespaces/shop/pods?labelSelector=app%3Dpayments")
            .await;
        let crashing = pods["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "CrashLoopBackOff"
            })
            .cloned();
        if let Some(p) = crashing {
            break p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no CrashLoopBackOff pod"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let name = pod["metadata"]["name"].as_str().unwrap();
    let text = h
        .get(&format!(
            "/api/v1/namespaces/shop/pods/{name}/log?previous=true"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("level=error") && text.contains("fatal"),
        "{text}"
    );
    let snap = env.sim.snapshot();
    let d = snap.regions[0]
        .deployments
        .iter()
        .find(|d| d.name == "payments")
        .unwrap();
    assert!(d.bad_release);
    assert!(d.pods.iter().any(|p| p.restarts > 0 && !p.ready));
}
