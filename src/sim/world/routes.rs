//! The traffic routes every cluster holds for each shop service: an Istio
//! VirtualService and a Gateway API HTTPRoute, each with one weighted
//! destination per region of the fleet (the same full table in every
//! cluster: a multi-primary mesh). Their initial weights equal the
//! Services' ExternalDNS weights.

use serde_json::{Value, json};

use super::super::routing::{backend_name, istio_host};

/// The initial traffic weight of every region (also the Services'
/// `aws-weight` annotation).
pub const INITIAL_WEIGHT: u32 = 100;

/// VirtualService `shop/<service>`: hosts `<service>.global`, one HTTP
/// route with a destination per region.
pub fn virtual_service(service: &str, regions: &[String]) -> Value {
    let route: Vec<Value> = regions
        .iter()
        .map(|r| json!({"destination": {"host": istio_host(service, r)}, "weight": INITIAL_WEIGHT}))
        .collect();
    json!({
        "metadata": {"name": service, "namespace": "shop", "labels": {"app": service}},
        "spec": {
            "hosts": [format!("{service}.global")],
            "http": [{"route": route}],
        },
    })
}

/// HTTPRoute `shop/<service>`: one rule with a backendRef
/// `<service>-<region>` (port 80) per region.
pub fn http_route(service: &str, regions: &[String]) -> Value {
    let backends: Vec<Value> = regions
        .iter()
        .map(|r| json!({"name": backend_name(service, r), "port": 80, "weight": INITIAL_WEIGHT}))
        .collect();
    json!({
        "metadata": {"name": service, "namespace": "shop", "labels": {"app": service}},
        "spec": {
            "parentRefs": [{"name": "shop-gateway"}],
            "hostnames": [format!("{service}.shop.example.com")],
            "rules": [{"backendRefs": backends}],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let rs = vec!["us-east-1".to_string(), "eu-west-1".to_string()];
        let vs = virtual_service("checkout", &rs);
        assert_eq!(vs["spec"]["hosts"][0], "checkout.global");
        assert_eq!(
            vs["spec"]["http"][0]["route"][1]["destination"]["host"],
            "checkout.eu-west-1.svc.cluster.local"
        );
        assert_eq!(vs["spec"]["http"][0]["route"][1]["weight"], 100);
        let hr = http_route("checkout", &rs);
        let b = &hr["spec"]["rules"][0]["backendRefs"][0];
        assert_eq!(
            (b["name"].as_str(), b["port"].as_i64()),
            (Some("checkout-us-east-1"), Some(80))
        );
    }
}
