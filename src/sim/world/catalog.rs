//! The fixed facts the seeded world is built from: regions, node types,
//! services.

/// (region, provider, cloud region, zone suffixes)
pub const REGIONS: &[(&str, &str, &[&str])] = &[
    ("us-east-1", "aws", &["a", "b", "c"]),
    ("eu-west-1", "aws", &["a", "b", "c"]),
    ("europe-west4", "gcp", &["-a", "-b", "-c"]),
    ("eastus", "azure", &["-1", "-2", "-3"]),
    ("us-west-2", "aws", &["a", "b", "c"]),
    ("us-central1", "gcp", &["-a", "-b", "-f"]),
    ("westeurope", "azure", &["-1", "-2", "-3"]),
    ("ap-southeast-1", "aws", &["a", "b", "c"]),
    ("asia-northeast1", "gcp", &["-a", "-b", "-c"]),
    ("southeastasia", "azure", &["-1", "-2", "-3"]),
];

/// A node type: (instance type, vCPU, memory GiB).
pub fn instance_type(provider: &str) -> (&'static str, u64, u64) {
    match provider {
        "gcp" => ("n2-standard-8", 8, 32),
        "azure" => ("Standard_D8s_v5", 8, 32),
        _ => ("m6i.2xlarge", 8, 32),
    }
}

/// A shop service.
#[derive(Debug, Clone, Copy)]
pub struct App {
    /// name (Deployment, Service, container, `app` label)
    pub name: &'static str,
    /// replicas per region
    pub replicas: i64,
    /// image repository
    pub repo: &'static str,
    /// current major.minor; the patch comes from the seed
    pub version: &'static str,
    /// CPU request (millicores)
    pub cpu_m: u64,
    /// memory request (MiB)
    pub mem_mi: u64,
    /// container port
    pub port: u16,
    /// HPA (min, max), if autoscaled
    pub hpa: Option<(i64, i64)>,
}

/// The services every region runs in namespace `shop`.
pub const SHOP: &[App] = &[
    App {
        name: "checkout",
        replicas: 4,
        repo: "registry.example.com/shop/checkout",
        version: "1.14",
        cpu_m: 250,
        mem_mi: 256,
        port: 8080,
        hpa: Some((2, 20)),
    },
    App {
        name: "catalog",
        replicas: 3,
        repo: "registry.example.com/shop/catalog",
        version: "2.3",
        cpu_m: 200,
        mem_mi: 384,
        port: 8080,
        hpa: None,
    },
    App {
        name: "payments",
        replicas: 3,
        repo: "registry.example.com/shop/payments",
        version: "3.1",
        cpu_m: 300,
        mem_mi: 512,
        port: 8443,
        hpa: None,
    },
    App {
        name: "search",
        replicas: 4,
        repo: "registry.example.com/shop/search",
        version: "1.9",
        cpu_m: 500,
        mem_mi: 1024,
        port: 9200,
        hpa: Some((2, 24)),
    },
];

/// Background workloads in namespace `platform` that fill a cluster up to
/// `--pods-per-cluster`.
pub const FILLERS: &[&str] = &[
    "ingest-worker",
    "report-builder",
    "image-resizer",
    "mailer",
    "feed-indexer",
    "cache-warmer",
    "audit-shipper",
    "thumbnailer",
];

/// Most replicas of one background deployment.
pub const FILLER_MAX: usize = 100;

/// Namespaces every cluster has.
pub const NAMESPACES: &[&str] = &[
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "shop",
    "platform",
];
