//! Full pod list of one cluster in a fleet of 8 clusters x 12,500 pods,
//! through the HTTP API (JSON and server-side Table).
//!
//! `cargo bench --bench sim_pod_list` (no bench framework: plain timings).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use opsdeck::sim::auth::Role;
use opsdeck::sim::{Sim, SimConfig};

#[path = "support/stats.rs"]
mod support;
use support::stats;

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let t = Instant::now();
        let mut cfg = SimConfig {
            regions: 8,
            pods_per_cluster: 12_500,
            ..SimConfig::default()
        };
        cfg.settings.hpa_every_ms = i64::MAX / 4;
        let sim = Sim::start(cfg).await.unwrap();
        println!(
            "sim_pod_list: built 8 clusters x 12,500 pods in {:?}",
            t.elapsed()
        );
        let http = reqwest::Client::new();
        let url = format!("{}/api/v1/pods", sim.cluster_url("us-east-1"));
        for (label, accept) in [
            ("json", "application/json"),
            ("table", "application/json;as=Table;v=v1;g=meta.k8s.io"),
        ] {
            let mut times = Vec::new();
            let mut size = 0;
            let mut body = bytes::Bytes::new();
            for _ in 0..10 {
                let t = Instant::now();
                let resp = http
                    .get(&url)
                    .bearer_auth(sim.token(Role::Viewer))
                    .header("accept", accept)
                    .send()
                    .await
                    .unwrap();
                // Time only real answers: an auth failure or error page is no pod list.
                assert_eq!(resp.status().as_u16(), 200, "{label}: {}", resp.status());
                body = resp.bytes().await.unwrap();
                times.push(t.elapsed());
                size = body.len();
            }
            let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let n = list
                .get("items")
                .or(list.get("rows"))
                .and_then(|v| v.as_array())
                .map(Vec::len);
            assert_eq!(n, Some(12_500), "{label}: not the whole pod list");
            println!(
                "sim_pod_list/{label}: 12,500 pods, {size} bytes: {}",
                stats(times)
            );
        }
        sim.shutdown().await;
    });
}
