//! PromQL over the simulator's own series: unsupported constructs answer
//! Prometheus' `bad_data` naming the construct; supported ones answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "telemetry_support/peers.rs"]
mod peers;

use std::time::Duration;

use opsdeck::sim::telemetry::{Telemetry, TelemetryConfig, fixture, serve};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_promql_is_bad_data_naming_the_construct() {
    let config = TelemetryConfig {
        start_ms: Some(1_700_000_000_000),
        backfill: Duration::from_secs(600),
        ..TelemetryConfig::default()
    };
    let t = Telemetry::new(config, fixture::world()).unwrap();
    let addr = peers::serve(serve::routers(&t).prometheus).await;
    let c = peers::client();
    let cases = [
        (
            "predict_linear(http_requests_total[5m], 60)",
            "predict_linear",
        ),
        ("sum_over_time(kube_node_info[5m])", "sum_over_time"),
        ("rate(http_requests_total[5m:1m])", "subquery"),
        ("http_requests_total @ 1700000000", "@ modifier"),
        ("quantile(0.9, kube_node_info)", "quantile"),
        ("kube_node_info and kube_node_info", "and"),
        (
            "kube_node_info * on (region) group_left kube_deployment_spec_replicas",
            "group_left",
        ),
        ("stddev(kube_node_info)", "stddev"),
        ("count_values(\"v\", kube_node_info)", "count_values"),
        (
            "label_replace(kube_node_info, \"a\", \"$1\", \"node\", \"(.*)\")",
            "label_replace",
        ),
    ];
    for (q, construct) in cases {
        for path in ["/api/v1/query", "/regions/us-east-1/api/v1/query"] {
            let r = c
                .get(format!("http://{addr}{path}"))
                .query(&[("query", q)])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{q}");
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["status"], "error");
            assert_eq!(v["errorType"], "bad_data", "{q}: {v}");
            assert!(v["error"].as_str().unwrap().contains(construct), "{q}: {v}");
        }
    }
    // Parse errors are bad_data too; POST form works like GET.
    let r = c
        .post(format!("http://{addr}/api/v1/query"))
        .form(&[("query", "sum(")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .post(format!("http://{addr}/api/v1/query"))
        .form(&[("query", "sum by (region) (rate(http_requests_total[5m]))")])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["data"]["result"].as_array().unwrap().len(), 4, "{v}");
    // A region's endpoint sees only its series.
    let v: Value = c
        .get(format!(
            "http://{addr}/regions/eastus/api/v1/label/region/values"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"], serde_json::json!(["eastus"]));
    let v: Value = c
        .get(format!("http://{addr}/api/v1/query_range"))
        .query(&[
            (
                "query",
                "sum(rate(http_requests_total{region=\"eu-west-1\"}[1m]))",
            ),
            ("start", "1699999700"),
            ("end", "1700000000"),
            ("step", "30s"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"]["resultType"], "matrix");
    assert_eq!(
        v["data"]["result"][0]["values"].as_array().unwrap().len(),
        11,
        "{v}"
    );
    let v: Value = c
        .get(format!("http://{addr}/api/v1/series"))
        .query(&[("match[]", "kube_node_info{region=\"eastus\"}")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
    let r = c
        .get(format!("http://{addr}/api/v1/series"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
