//! From the Kubernetes side's [`WorldSnapshot`] to the telemetry side's
//! [`WorldInput`]: the shop services only, their pods, nodes, HPAs, traffic
//! weights (from the router the fleet follows: the Service annotations,
//! the first cluster's VirtualService or HTTPRoute), bad releases and
//! requests per pod.

use crate::sim::routing::{TrafficRouter, backend_name, istio_host};
use crate::sim::snapshot::routes::RouteSnapshot;
use crate::sim::snapshot::{DeploymentSnapshot, PodSnapshot, RegionSnapshot, WorldSnapshot};
use crate::sim::telemetry::input::{
    HpaInput, NodeInput, PodInput, PodPhase, Provider, RegionInput, ServiceInput, WorldInput,
};

/// The namespace of the services the telemetry models.
pub const SHOP_NAMESPACE: &str = "shop";

/// Requests per second one ready pod serves, per service; the same values
/// as `capacity_rps_per_pod` in `config-examples/demo.toml`.
pub const CAPACITY_RPS_PER_POD: &[(&str, f64)] = &[
    ("checkout", 40.0),
    ("catalog", 80.0),
    ("payments", 25.0),
    ("search", 60.0),
];

/// Capacity of a shop service missing from [`CAPACITY_RPS_PER_POD`].
pub const FALLBACK_CAPACITY_RPS_PER_POD: f64 = 50.0;

/// Traffic weight of a Service without a (valid) weight annotation.
pub const DEFAULT_WEIGHT: f64 = 100.0;

/// Requests per second one ready pod of `service` serves.
pub fn capacity_rps_per_pod(service: &str) -> f64 {
    CAPACITY_RPS_PER_POD
        .iter()
        .find(|(n, _)| *n == service)
        .map_or(FALLBACK_CAPACITY_RPS_PER_POD, |(_, c)| *c)
}

/// The provider of a region (`aws`, `gcp`, `azure`; anything else counts as aws).
pub fn provider(name: &str) -> Provider {
    match name {
        "gcp" => Provider::Gcp,
        "azure" => Provider::Azure,
        _ => Provider::Aws,
    }
}

/// The whole world as the telemetry sees it, weights from the Services'
/// ExternalDNS annotations.
pub fn world_input(snap: &WorldSnapshot) -> WorldInput {
    world_input_via(snap, TrafficRouter::ExternalDns)
}

/// The whole world as the telemetry sees it, weights from `router`'s objects.
pub fn world_input_via(snap: &WorldSnapshot, router: TrafficRouter) -> WorldInput {
    let first = snap.regions.first();
    WorldInput {
        regions: snap
            .regions
            .iter()
            .map(|r| region(r, &Weights { router, first }))
            .collect(),
    }
}

/// Where a region's weight for a service comes from.
struct Weights<'a> {
    router: TrafficRouter,
    /// the first region: its cluster holds the routes that count
    first: Option<&'a RegionSnapshot>,
}

impl Weights<'_> {
    /// The weight of `d` in `region`; a route object that does not exist
    /// falls back to the Service annotation.
    fn of(&self, region: &str, d: &DeploymentSnapshot) -> f64 {
        let annotation = d.traffic_weight.map_or(DEFAULT_WEIGHT, f64::from);
        let find = |routes: &[RouteSnapshot], backend: String| {
            routes
                .iter()
                .find(|r| r.namespace == d.namespace && r.name == d.name)
                .map_or(annotation, |r| f64::from(r.weight(&backend)))
        };
        match (self.router, self.first) {
            (TrafficRouter::Istio, Some(f)) => {
                find(&f.virtual_services, istio_host(&d.name, region))
            }
            (TrafficRouter::GatewayApi, Some(f)) => {
                find(&f.http_routes, backend_name(&d.name, region))
            }
            _ => annotation,
        }
    }
}

fn region(r: &RegionSnapshot, weights: &Weights<'_>) -> RegionInput {
    let failed = r.failed || r.faults.failed;
    let shop: Vec<&DeploymentSnapshot> = r
        .deployments
        .iter()
        .filter(|d| d.namespace == SHOP_NAMESPACE)
        .collect();
    RegionInput {
        name: r.name.clone(),
        provider: provider(&r.provider),
        cloud_region: r.cloud_region.clone(),
        cluster: format!("sim-{}", r.name),
        failed,
        latency_spike: false,
        cost_anomaly: false,
        nodes: r
            .nodes
            .iter()
            .map(|n| NodeInput {
                name: n.name.clone(),
                instance_type: n.instance_type.clone(),
                zone: n.zone.clone(),
                cpu_cores: n.cpu_millis as f64 / 1000.0,
                memory_bytes: n.memory_bytes as f64,
            })
            .collect(),
        services: shop
            .iter()
            .map(|d| service(d, failed, weights.of(&r.name, d)))
            .collect(),
        hpas: shop.iter().filter_map(|d| hpa(d)).collect(),
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn service(d: &DeploymentSnapshot, failed: bool, traffic_weight: f64) -> ServiceInput {
    ServiceInput {
        name: d.name.clone(),
        namespace: d.namespace.clone(),
        deployment: d.name.clone(),
        desired_replicas: count(d.desired),
        ready_replicas: count(d.ready),
        updated_replicas: count(d.updated),
        images: d.images.clone(),
        bad_release: d.bad_release,
        traffic_weight,
        capacity_rps_per_pod: capacity_rps_per_pod(&d.name),
        cpu_request_cores: d.requests.cpu_millis as f64 / 1000.0,
        memory_request_bytes: d.requests.memory_bytes as f64,
        pods: d.pods.iter().map(|p| pod(p, failed)).collect(),
    }
}

/// A pod's phase from what the snapshot knows: ready, terminating,
/// restarted (crash-looping) and failed-region pods run; the rest (not yet
/// scheduled or started, image pull failures) are pending.
fn pod(p: &PodSnapshot, failed: bool) -> PodInput {
    let running = !p.node.is_empty() && (p.ready || p.terminating || p.restarts > 0 || failed);
    PodInput {
        name: p.name.clone(),
        ready: p.ready && !p.terminating,
        restarts: p.restarts,
        node: p.node.clone(),
        phase: if running {
            PodPhase::Running
        } else {
            PodPhase::Pending
        },
    }
}

fn hpa(d: &DeploymentSnapshot) -> Option<HpaInput> {
    let (min, max) = d.hpa?;
    Some(HpaInput {
        name: d.name.clone(),
        namespace: d.namespace.clone(),
        target: d.name.clone(),
        current_replicas: count(d.desired),
        desired_replicas: count(d.desired),
        min_replicas: count(min),
        max_replicas: count(max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimConfig, World};

    #[test]
    fn shop_services_with_capacities_weights_and_failed_regions() {
        let cfg = SimConfig {
            regions: 2,
            pods_per_cluster: 30,
            start_ms: Some(1_700_060_400_000),
            ..SimConfig::default()
        };
        let world = World::generate(&cfg);
        let _ = world.apply_faults(
            "eu-west-1",
            &crate::sim::FaultPatch {
                failed: Some(true),
                ..Default::default()
            },
        );
        let input = world_input(&world.snapshot());
        assert_eq!(input.regions.len(), 2);
        let us = input.region("us-east-1").cloned();
        let us = us.unwrap_or_else(|| panic!("no us-east-1"));
        assert!(!us.failed);
        assert_eq!(us.provider, Provider::Aws);
        assert!(!us.nodes.is_empty() && us.nodes[0].cpu_cores > 1.0);
        let names: Vec<&str> = us.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names.len(), 4, "{names:?}");
        // Capacities as config-examples/demo.toml documents them for the console.
        let demo: toml::Table = include_str!("../../../config-examples/demo.toml")
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let documented = |name: &str| {
            demo["services"]
                .as_array()
                .and_then(|all| all.iter().find(|s| s["name"].as_str() == Some(name)))
                .and_then(|s| s["capacity_rps_per_pod"].as_float())
        };
        for s in &us.services {
            assert_eq!(
                Some(s.capacity_rps_per_pod),
                documented(&s.name),
                "{}",
                s.name
            );
            assert_eq!(s.traffic_weight, 100.0);
            assert_eq!(s.pods.len() as u32, s.ready_replicas, "{}", s.name);
            assert!(s.cpu_request_cores > 0.0 && s.memory_request_bytes > 0.0);
        }
        assert_eq!(
            capacity_rps_per_pod("no-such-service"),
            FALLBACK_CAPACITY_RPS_PER_POD
        );
        assert!(us.hpas.iter().any(|h| h.target == "checkout"));
        let eu = input.region("eu-west-1").map(|r| r.failed);
        assert_eq!(eu, Some(true));
    }
}
