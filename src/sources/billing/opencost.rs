//! OpenCost's allocation API: `/allocation/compute` with daily steps,
//! aggregated by namespace and controller, mapped to services.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use crate::model::CostLine;

#[derive(Debug, Deserialize)]
struct Response {
    code: Option<u16>,
    data: Option<Vec<BTreeMap<String, Allocation>>>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Allocation {
    #[serde(default)]
    properties: Properties,
    start: Option<String>,
    #[serde(default)]
    total_cost: f64,
}

#[derive(Debug, Default, Deserialize)]
struct Properties {
    namespace: Option<String>,
    controller: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

/// How allocation names map to services: by (namespace, deployment).
pub type ServiceMap = BTreeMap<(String, String), String>;

/// Fetches the last `days` days, one allocation set per day.
pub async fn fetch(
    http: &reqwest::Client,
    base: &url::Url,
    days: u32,
    provider: &str,
    region: &str,
    services: &ServiceMap,
    timeout: Duration,
) -> Result<Vec<CostLine>, String> {
    let url = format!("{}/allocation/compute", base.as_str().trim_end_matches('/'));
    let query = [
        ("window", format!("{days}d")),
        ("aggregate", "namespace,controller".to_string()),
        ("step", "1d".to_string()),
        ("accumulate", "false".to_string()),
    ];
    let resp = http
        .get(url)
        .query(&query)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| super::super::redact::error_chain(&e.without_url()))?;
    if !resp.status().is_success() {
        return Err(format!("opencost answered {}", resp.status()));
    }
    let body: Response = resp
        .json()
        .await
        .map_err(|e| format!("opencost: {}", e.without_url()))?;
    if body.code.is_some_and(|c| c != 200) {
        return Err(format!(
            "opencost: {}",
            body.message.unwrap_or_else(|| "error".into())
        ));
    }
    Ok(lines(
        body.data.unwrap_or_default(),
        provider,
        region,
        services,
    ))
}

fn lines(
    steps: Vec<BTreeMap<String, Allocation>>,
    provider: &str,
    region: &str,
    services: &ServiceMap,
) -> Vec<CostLine> {
    let mut out = Vec::new();
    for step in steps {
        for (key, a) in step {
            let Some(day) = a
                .start
                .as_deref()
                .and_then(|s| s.get(..10))
                .and_then(|d| d.parse().ok())
            else {
                continue;
            };
            let (ns_from_key, ctrl_from_key) = key.split_once('/').unwrap_or(("", key.as_str()));
            let ns = a
                .properties
                .namespace
                .clone()
                .unwrap_or_else(|| ns_from_key.to_string());
            let controller = a
                .properties
                .controller
                .clone()
                .unwrap_or_else(|| ctrl_from_key.to_string());
            let service = services
                .get(&(ns.clone(), controller.clone()))
                .cloned()
                .or_else(|| {
                    a.properties
                        .labels
                        .get("app")
                        .filter(|app| services.values().any(|s| s == *app))
                        .cloned()
                });
            out.push(CostLine {
                day,
                provider: provider.to_string(),
                region: region.to_string(),
                service,
                amount: a.total_cost,
                currency: "USD".into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_allocations_to_services_by_namespace_and_controller() {
        let json = r#"{"code":200,"data":[{"shop/checkout":{"name":"shop/checkout","properties":{"namespace":"shop","controller":"checkout"},"start":"2026-11-22T00:00:00Z","totalCost":12.5},"__idle__":{"name":"__idle__","start":"2026-11-22T00:00:00Z","totalCost":3.0}}]}"#;
        let body: Response = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        let map: ServiceMap = [(
            ("shop".to_string(), "checkout".to_string()),
            "checkout".to_string(),
        )]
        .into();
        let l = lines(body.data.unwrap_or_default(), "aws", "us-east-1", &map);
        assert_eq!(l.len(), 2);
        let checkout = l.iter().find(|c| c.service.is_some());
        assert_eq!(checkout.map(|c| c.amount), Some(12.5));
        assert_eq!(
            l.iter()
                .filter(|c| c.service.is_none())
                .map(|c| c.amount)
                .sum::<f64>(),
            3.0
        );
    }
}
