//! A deterministic example world: four regions on three clouds, four
//! services in namespace `shop`. Used by tests and as the standalone
//! telemetry world until the Kubernetes simulator feeds real snapshots.

use super::input::{
    HpaInput, NodeInput, PodInput, PodPhase, Provider, RegionInput, ServiceInput, WorldInput,
};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const MIB: f64 = 1024.0 * 1024.0;

/// (name, capacity rps per pod, cpu request, memory request, replicas, hpa min, hpa max)
const SERVICES: &[(&str, f64, f64, f64, u32, u32, u32)] = &[
    ("checkout", 40.0, 0.5, 512.0 * MIB, 3, 2, 20),
    ("catalog", 80.0, 0.25, 256.0 * MIB, 3, 2, 16),
    ("payments", 25.0, 0.5, 512.0 * MIB, 3, 3, 12),
    ("search", 60.0, 1.0, GIB, 3, 2, 24),
];

/// (region, provider, instance type, zone suffixes)
const REGIONS: &[(&str, Provider, &str, [&str; 3])] = &[
    ("us-east-1", Provider::Aws, "m5.xlarge", ["a", "b", "c"]),
    ("eu-west-1", Provider::Aws, "m5.xlarge", ["a", "b", "c"]),
    (
        "europe-west4",
        Provider::Gcp,
        "n2-standard-4",
        ["-a", "-b", "-c"],
    ),
    (
        "eastus",
        Provider::Azure,
        "Standard_D4s_v5",
        ["-1", "-2", "-3"],
    ),
];

/// Lower-case alphanumeric suffix like Kubernetes' generated names.
fn suffix(key: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut x = super::noise::unit(42, key);
    (0..len)
        .map(|_| {
            x *= ALPHABET.len() as f64;
            let i = (x.floor() as usize).min(ALPHABET.len() - 1);
            x -= x.floor();
            char::from(ALPHABET[i])
        })
        .collect()
}

/// A pod name for `deployment`'s `index`th pod in `region`.
pub fn pod_name(region: &str, deployment: &str, index: u32) -> String {
    format!(
        "{deployment}-{}-{}",
        suffix(&format!("rs/{region}/{deployment}"), 9),
        suffix(&format!("pod/{region}/{deployment}/{index}"), 5)
    )
}

/// The example world: every service at its default replica count, all
/// pods ready and running, equal traffic weights, no faults.
pub fn world() -> WorldInput {
    let regions = REGIONS
        .iter()
        .map(|(name, provider, itype, zones)| {
            let cluster = format!("sim-{name}");
            let nodes: Vec<NodeInput> = zones
                .iter()
                .enumerate()
                .map(|(i, z)| NodeInput {
                    name: format!("{cluster}-node-{i}"),
                    instance_type: (*itype).to_string(),
                    zone: format!("{name}{z}"),
                    cpu_cores: 4.0,
                    memory_bytes: 16.0 * GIB,
                })
                .collect();
            let mut region = RegionInput {
                name: (*name).to_string(),
                provider: *provider,
                cloud_region: (*name).to_string(),
                cluster,
                failed: false,
                latency_spike: false,
                cost_anomaly: false,
                nodes,
                services: Vec::new(),
                hpas: Vec::new(),
            };
            for (svc, cap, cpu, mem, replicas, min, max) in SERVICES {
                region.services.push(ServiceInput {
                    name: (*svc).to_string(),
                    namespace: "shop".to_string(),
                    deployment: (*svc).to_string(),
                    desired_replicas: 0,
                    ready_replicas: 0,
                    updated_replicas: 0,
                    images: vec![format!("registry.example.com/shop/{svc}:1.4.2")],
                    bad_release: false,
                    traffic_weight: 100.0,
                    capacity_rps_per_pod: *cap,
                    cpu_request_cores: *cpu,
                    memory_request_bytes: *mem,
                    pods: Vec::new(),
                });
                region.hpas.push(HpaInput {
                    name: (*svc).to_string(),
                    namespace: "shop".to_string(),
                    target: (*svc).to_string(),
                    current_replicas: 0,
                    desired_replicas: 0,
                    min_replicas: *min,
                    max_replicas: *max,
                });
                set_replicas(&mut region, svc, *replicas);
            }
            region
        })
        .collect();
    WorldInput { regions }
}

/// Scale `service` in `region` to `replicas` ready, running, updated pods
/// (as a finished rollout would leave it); keeps the HPA in step.
/// Returns false when the service does not exist.
pub fn set_replicas(region: &mut RegionInput, service: &str, replicas: u32) -> bool {
    let node_names: Vec<String> = region.nodes.iter().map(|n| n.name.clone()).collect();
    let region_name = region.name.clone();
    let Some(svc) = region.services.iter_mut().find(|s| s.name == service) else {
        return false;
    };
    svc.pods = (0..replicas)
        .map(|i| PodInput {
            name: pod_name(&region_name, &svc.deployment, i),
            ready: true,
            restarts: 0,
            node: node_names
                .get(i as usize % node_names.len().max(1))
                .cloned()
                .unwrap_or_default(),
            phase: PodPhase::Running,
        })
        .collect();
    svc.desired_replicas = replicas;
    svc.ready_replicas = replicas;
    svc.updated_replicas = replicas;
    let deployment = svc.deployment.clone();
    for hpa in region.hpas.iter_mut().filter(|h| h.target == deployment) {
        hpa.current_replicas = replicas;
        hpa.desired_replicas = replicas;
    }
    true
}

/// Set the traffic weight of `service` in `region`.
pub fn set_weight(world: &mut WorldInput, region: &str, service: &str, weight: f64) -> bool {
    world
        .region_mut(region)
        .and_then(|r| r.services.iter_mut().find(|s| s.name == service))
        .map(|s| s.traffic_weight = weight)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_shape() {
        let w = world();
        assert_eq!(w.regions.len(), 4);
        for r in &w.regions {
            assert_eq!(r.services.len(), 4);
            for s in &r.services {
                assert_eq!(s.pods.len(), 3);
                assert_eq!(s.ready_replicas, 3);
            }
        }
        assert_eq!(world(), w);
        let names: std::collections::BTreeSet<_> = w.regions[0].services[0]
            .pods
            .iter()
            .map(|p| &p.name)
            .collect();
        assert_eq!(names.len(), 3);
    }
}
