//! A cheap, read-only picture of the world for telemetry (metrics, alerts,
//! cost): regions, nodes, and per deployment its replicas, images, whether
//! the current release is bad, its traffic weight, its pods and requests.

pub mod routes;

use serde::Serialize;
use serde_json::Value;

use super::clock::Millis;
use super::config::ImageFate;
use super::fault::Faults;
use super::kind::Kind;
use super::obj;
use super::replicaset::owner_uid;
use super::world::World;
use super::world::build::WEIGHT;

/// The whole fleet at one instant.
#[derive(Debug, Clone, Serialize)]
pub struct WorldSnapshot {
    /// simulated time (ms since the Unix epoch)
    pub now_ms: Millis,
    /// one entry per region
    pub regions: Vec<RegionSnapshot>,
}

/// One region (one cluster).
#[derive(Debug, Clone, Serialize)]
pub struct RegionSnapshot {
    /// region name, also the cluster name and `sim-<name>` context
    pub name: String,
    /// `aws`, `gcp`, `azure`
    pub provider: String,
    /// the provider's region
    pub cloud_region: String,
    /// the region failed (pods NotReady)
    pub failed: bool,
    /// every active fault
    pub faults: Faults,
    /// nodes
    pub nodes: Vec<NodeSnapshot>,
    /// deployments in every namespace
    pub deployments: Vec<DeploymentSnapshot>,
    /// Istio VirtualServices (first HTTP route's weighted destinations)
    pub virtual_services: Vec<routes::RouteSnapshot>,
    /// Gateway API HTTPRoutes (first rule's weighted backendRefs)
    pub http_routes: Vec<routes::RouteSnapshot>,
}

/// One node.
#[derive(Debug, Clone, Serialize)]
pub struct NodeSnapshot {
    /// name
    pub name: String,
    /// `node.kubernetes.io/instance-type`
    pub instance_type: String,
    /// `topology.kubernetes.io/zone`
    pub zone: String,
    /// CPU capacity in millicores
    pub cpu_millis: u64,
    /// memory capacity in bytes
    pub memory_bytes: u64,
    /// pod capacity
    pub max_pods: u64,
}

/// Resource requests of one pod (summed over its containers).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Requests {
    /// CPU in millicores
    pub cpu_millis: u64,
    /// memory in bytes
    pub memory_bytes: u64,
}

/// One deployment.
#[derive(Debug, Clone, Serialize)]
pub struct DeploymentSnapshot {
    /// namespace
    pub namespace: String,
    /// name
    pub name: String,
    /// spec.replicas
    pub desired: i64,
    /// status.readyReplicas
    pub ready: i64,
    /// status.updatedReplicas
    pub updated: i64,
    /// status.availableReplicas
    pub available: i64,
    /// deployment.kubernetes.io/revision
    pub revision: i64,
    /// images of the current template
    pub images: Vec<String>,
    /// the current template's image is a known-bad release
    pub bad_release: bool,
    /// the rollout is paused
    pub paused: bool,
    /// weight on the Service of the same name (ExternalDNS aws-weight)
    pub traffic_weight: Option<u32>,
    /// HPA bounds (min, max) when autoscaled
    pub hpa: Option<(i64, i64)>,
    /// requests of one pod of the current template
    pub requests: Requests,
    /// pods of every ReplicaSet the deployment controls
    pub pods: Vec<PodSnapshot>,
}

/// One pod.
#[derive(Debug, Clone, Serialize)]
pub struct PodSnapshot {
    /// name
    pub name: String,
    /// node
    pub node: String,
    /// image of its first container
    pub image: String,
    /// Ready condition
    pub ready: bool,
    /// restarts
    pub restarts: u32,
    /// the pod is being deleted
    pub terminating: bool,
}

/// Parse a Kubernetes quantity to an integer in `unit` (1 for bytes, 1000
/// for millicores of a CPU value).
pub fn quantity(q: &str, milli: bool) -> u64 {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().unwrap_or(0.0);
    let mult = match suffix {
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        _ => 1.0,
    };
    let v = n * mult * if milli { 1000.0 } else { 1.0 };
    v.round() as u64
}

fn requests(template: &Value) -> Requests {
    let mut r = Requests::default();
    for c in obj::path(template, "spec.containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(cpu) = obj::path(c, "resources.requests.cpu").and_then(Value::as_str) {
            r.cpu_millis += quantity(cpu, true);
        }
        if let Some(mem) = obj::path(c, "resources.requests.memory").and_then(Value::as_str) {
            r.memory_bytes += quantity(mem, false);
        }
    }
    r
}

impl World {
    /// Take a snapshot (locks each cluster briefly, one at a time).
    pub fn snapshot(&self) -> WorldSnapshot {
        let regions = self
            .clusters
            .iter()
            .map(|cell| {
                let faults = cell.faults();
                let c = cell.lock();
                let nodes = c
                    .docs_of(Kind::Node, None)
                    .iter()
                    .map(|n| NodeSnapshot {
                        name: obj::name(n).to_string(),
                        instance_type: obj::label(n, "node.kubernetes.io/instance-type")
                            .unwrap_or("")
                            .to_string(),
                        zone: obj::label(n, "topology.kubernetes.io/zone")
                            .unwrap_or("")
                            .to_string(),
                        cpu_millis: obj::path(n, "status.capacity.cpu")
                            .and_then(Value::as_str)
                            .map_or(0, |q| quantity(q, true)),
                        memory_bytes: obj::path(n, "status.capacity.memory")
                            .and_then(Value::as_str)
                            .map_or(0, |q| quantity(q, false)),
                        max_pods: obj::path(n, "status.capacity.pods")
                            .and_then(Value::as_str)
                            .map_or(0, |q| quantity(q, false)),
                    })
                    .collect();
                let hpas = c.docs_of(Kind::Hpa, None);
                let deployments = c
                    .docs_of(Kind::Deployment, None)
                    .iter()
                    .map(|d| {
                        let ns = obj::namespace(d);
                        let name = obj::name(d);
                        let template = obj::path(d, "spec.template")
                            .cloned()
                            .unwrap_or(Value::Null);
                        let images: Vec<String> = obj::path(&template, "spec.containers")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(|c| {
                                c.get("image").and_then(Value::as_str).map(str::to_string)
                            })
                            .collect();
                        let bad_release =
                            images.iter().any(|i| c.settings.fate(i) != ImageFate::Good);
                        let traffic_weight = c
                            .doc(Kind::Service, ns, name)
                            .and_then(|s| obj::annotation(&s, WEIGHT).and_then(|w| w.parse().ok()));
                        let hpa = hpas
                            .iter()
                            .find(|h| {
                                obj::namespace(h) == ns
                                    && obj::path(h, "spec.scaleTargetRef.name")
                                        .and_then(Value::as_str)
                                        == Some(name)
                            })
                            .map(|h| {
                                (
                                    obj::int(h, "spec.minReplicas", 1),
                                    obj::int(h, "spec.maxReplicas", 1),
                                )
                            });
                        let uid = obj::meta(d, "uid").unwrap_or("");
                        let mut pods = Vec::new();
                        for rs in c
                            .docs_of(Kind::ReplicaSet, Some(ns))
                            .iter()
                            .filter(|r| owner_uid(r) == Some(uid))
                        {
                            for pn in c
                                .ctl
                                .rs_pods
                                .get(&(ns.to_string(), obj::name(rs).to_string()))
                                .into_iter()
                                .flatten()
                            {
                                if let Some(p) = c.pods.get(&(ns.to_string(), pn.clone())) {
                                    pods.push(PodSnapshot {
                                        name: p.name.clone(),
                                        node: p.node.clone(),
                                        image: p.image().to_string(),
                                        ready: p.ready(),
                                        restarts: p.restarts,
                                        terminating: p.deleting.is_some(),
                                    });
                                }
                            }
                        }
                        DeploymentSnapshot {
                            namespace: ns.to_string(),
                            name: name.to_string(),
                            desired: obj::int(d, "spec.replicas", 1),
                            ready: obj::int(d, "status.readyReplicas", 0),
                            updated: obj::int(d, "status.updatedReplicas", 0),
                            available: obj::int(d, "status.availableReplicas", 0),
                            revision: obj::annotation(d, "deployment.kubernetes.io/revision")
                                .and_then(|r| r.parse().ok())
                                .unwrap_or(0),
                            requests: requests(&template),
                            images,
                            bad_release,
                            paused: obj::path(d, "spec.paused")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                            traffic_weight,
                            hpa,
                            pods,
                        }
                    })
                    .collect();
                RegionSnapshot {
                    name: cell.region.name.clone(),
                    provider: cell.region.provider.clone(),
                    cloud_region: cell.region.cloud_region.clone(),
                    failed: c.failed,
                    faults,
                    nodes,
                    deployments,
                    virtual_services: routes::routes(&c, Kind::VirtualService),
                    http_routes: routes::routes(&c, Kind::HttpRoute),
                }
            })
            .collect();
        WorldSnapshot {
            now_ms: self.clock.now(),
            regions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quantity;

    #[test]
    fn quantities() {
        assert_eq!(quantity("250m", true), 250);
        assert_eq!(quantity("8", true), 8000);
        assert_eq!(quantity("256Mi", false), 268_435_456);
        assert_eq!(quantity("1Gi", false), 1_073_741_824);
    }
}
