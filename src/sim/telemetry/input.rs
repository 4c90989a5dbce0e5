//! The telemetry side's view of the world at one instant: plain data.
//!
//! The Kubernetes simulator (or a test fixture) fills a [`WorldInput`]; every
//! metric, alert and cost line is a pure function of `(seed, simulated time,
//! WorldInput)` plus the counters accumulated in [`super::state::TelemetryState`].

use serde::{Deserialize, Serialize};

/// Cloud provider of a region; decides the price list and the billing API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Gcp,
    Azure,
}

impl Provider {
    /// Lower-case name as used in labels and config (`aws`, `gcp`, `azure`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::Azure => "azure",
        }
    }

    /// Provider name as FOCUS' `ProviderName` spells it.
    pub fn focus_name(self) -> &'static str {
        match self {
            Provider::Aws => "AWS",
            Provider::Gcp => "Google Cloud",
            Provider::Azure => "Microsoft",
        }
    }
}

/// The whole world at one instant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorldInput {
    pub regions: Vec<RegionInput>,
}

impl WorldInput {
    /// The region called `name`, if any.
    pub fn region(&self, name: &str) -> Option<&RegionInput> {
        self.regions.iter().find(|r| r.name == name)
    }

    /// Mutable access to the region called `name`, if any.
    pub fn region_mut(&mut self, name: &str) -> Option<&mut RegionInput> {
        self.regions.iter_mut().find(|r| r.name == name)
    }
}

/// One region: one cluster, its nodes, workloads and fault flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionInput {
    /// Region name as used in the `region` label (e.g. `us-east-1`).
    pub name: String,
    pub provider: Provider,
    /// The provider's region code (e.g. `europe-west4`).
    pub cloud_region: String,
    /// Cluster name, used in the `cluster` label.
    pub cluster: String,
    /// The region is failed: most requests error, latency is high.
    pub failed: bool,
    /// Latency spike: every service in the region is several times slower.
    pub latency_spike: bool,
    /// Cost anomaly: the region runs many more (billed) nodes than it needs.
    pub cost_anomaly: bool,
    pub nodes: Vec<NodeInput>,
    pub services: Vec<ServiceInput>,
    pub hpas: Vec<HpaInput>,
}

/// One Kubernetes node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeInput {
    pub name: String,
    /// Cloud instance type, e.g. `m5.xlarge`, `n2-standard-4`, `Standard_D4s_v5`.
    pub instance_type: String,
    /// Availability zone, e.g. `us-east-1a`.
    pub zone: String,
    pub cpu_cores: f64,
    pub memory_bytes: f64,
}

/// One service (deployment) in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceInput {
    /// Service name, used in the `service` label.
    pub name: String,
    pub namespace: String,
    pub deployment: String,
    pub desired_replicas: u32,
    pub ready_replicas: u32,
    pub updated_replicas: u32,
    pub images: Vec<String>,
    /// The running release is bad: elevated errors and latency.
    pub bad_release: bool,
    /// This region's traffic weight for the service (external-dns weight annotation).
    pub traffic_weight: f64,
    /// Requests per second one ready pod serves before it saturates.
    pub capacity_rps_per_pod: f64,
    pub cpu_request_cores: f64,
    pub memory_request_bytes: f64,
    pub pods: Vec<PodInput>,
}

/// Kubernetes pod phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl PodPhase {
    pub const ALL: [PodPhase; 5] = [
        PodPhase::Pending,
        PodPhase::Running,
        PodPhase::Succeeded,
        PodPhase::Failed,
        PodPhase::Unknown,
    ];

    /// Phase as kube-state-metrics spells it in its `phase` label.
    pub fn as_str(self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
            PodPhase::Unknown => "Unknown",
        }
    }
}

/// One pod of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PodInput {
    pub name: String,
    pub ready: bool,
    /// Container restarts so far (a counter owned by the Kubernetes side).
    pub restarts: u32,
    pub node: String,
    pub phase: PodPhase,
}

/// One HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HpaInput {
    pub name: String,
    pub namespace: String,
    /// The deployment it scales.
    pub target: String,
    pub current_replicas: u32,
    pub desired_replicas: u32,
    pub min_replicas: u32,
    pub max_replicas: u32,
}
