//! The configuration file as written: every key optional, unknown keys refused.
//! `resolve` turns this into the resolved [`super::Config`].

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub ui: Option<FileUi>,
    pub policy: Option<FilePolicy>,
    pub regions: Option<Vec<FileRegion>>,
    pub services: Option<Vec<FileService>>,
    pub notify: Option<Vec<FileNotify>>,
    pub fleet_metrics: Option<FileFleetMetrics>,
}

/// A Prometheus-compatible store over every cluster (Thanos Query, Mimir,
/// VictoriaMetrics) with kube-state-metrics series labelled by region and
/// cluster.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileFleetMetrics {
    pub url: Option<String>,
    pub bearer_token_env: Option<String>,
    pub basic_auth: Option<FileBasicAuth>,
    /// e.g. Mimir's `X-Scope-OrgID`.
    pub headers: Option<BTreeMap<String, String>>,
    pub timeout: Option<String>,
    pub region_label: Option<String>,
    pub cluster_label: Option<String>,
    /// How every region's workload state is obtained unless it says.
    pub workloads: Option<WorkloadMode>,
}

/// How a region's workload state (deployments, ready counts) is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadMode {
    /// Watch every object through the cluster's API.
    #[default]
    Watch,
    /// kube-state-metrics series through `[fleet_metrics]`; the API only
    /// where the operator drills in or acts.
    Metrics,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileUi {
    pub theme: Option<String>,
    pub keymap: Option<String>,
    pub ascii: Option<bool>,
    pub max_fps: Option<u32>,
    pub refresh: Option<FileRefresh>,
    pub budget: Option<FileBudget>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRefresh {
    pub prometheus: Option<String>,
    pub alertmanager: Option<String>,
    pub billing: Option<String>,
    pub stale_after_missed: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBudget {
    pub monthly: Option<f64>,
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfirmMode {
    /// A y/n question.
    YesNo,
    /// The operator types the target's name.
    TypedName,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePolicy {
    pub read_only: Option<bool>,
    pub confirm: Option<ConfirmMode>,
    pub typed_name_for_production: Option<bool>,
    pub typed_name_above_objects: Option<u32>,
    pub contexts: Option<Vec<FileContextPolicy>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileContextPolicy {
    pub context: Option<String>,
    pub read_only: Option<bool>,
    pub production: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    Aws,
    Gcp,
    Azure,
    OnPrem,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRegion {
    pub name: Option<String>,
    pub provider: Option<Provider>,
    pub cloud_region: Option<String>,
    pub production: Option<bool>,
    pub clusters: Option<Vec<FileCluster>>,
    pub prometheus: Option<FilePrometheus>,
    pub alertmanagers: Option<Vec<FileAlertmanager>>,
    pub billing: Option<FileBilling>,
    pub rto: Option<String>,
    pub workloads: Option<WorkloadMode>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCluster {
    pub context: Option<String>,
    pub kubeconfig: Option<String>,
    pub namespaces: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePrometheus {
    pub url: Option<String>,
    pub bearer_token_env: Option<String>,
    pub basic_auth: Option<FileBasicAuth>,
    pub headers: Option<BTreeMap<String, String>>,
    pub selector: Option<String>,
    pub timeout: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBasicAuth {
    pub username: Option<String>,
    pub password_env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAlertmanager {
    pub url: Option<String>,
    pub ha_cluster: Option<String>,
    pub bearer_token_env: Option<String>,
}

/// A billing source; `kind` selects which of the other keys apply.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum FileBilling {
    Opencost {
        url: Option<String>,
    },
    AwsCostExplorer {
        endpoint: Option<String>,
        region: Option<String>,
        service_tag: Option<String>,
        profile: Option<String>,
        credentials_file: Option<String>,
    },
    FocusCsv {
        dir: Option<String>,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileService {
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub deployment: Option<String>,
    pub capacity_rps_per_pod: Option<f64>,
    pub replicas: Option<FileReplicas>,
    pub alert_matchers: Option<Vec<String>>,
    pub slo: Option<FileSlo>,
    pub traffic: Option<FileTraffic>,
    pub regions: Option<BTreeMap<String, FileServiceRegion>>,
    pub deploy: Option<FileDeploy>,
    pub failover: Option<FileFailover>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileReplicas {
    pub min: Option<u32>,
    pub max: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSlo {
    pub request_rate: Option<String>,
    pub error_ratio: Option<String>,
    pub p95_latency: Option<String>,
    pub max_error_ratio: Option<f64>,
    pub max_p95_seconds: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Router {
    /// ExternalDNS weighted records: a weight annotation on a Service.
    ExternalDns,
    /// Istio: the route weights of a VirtualService's HTTP route, one
    /// destination per region.
    Istio,
    /// Gateway API: the `backendRefs[].weight` of an HTTPRoute, one
    /// backendRef per region.
    GatewayApi,
    /// No traffic routing: failover only scales.
    None,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileTraffic {
    pub router: Option<Router>,
    pub k8s_service: Option<String>,
    pub weight_annotation: Option<String>,
    /// istio / gateway-api: the VirtualService or HTTPRoute name
    pub object: Option<String>,
    /// istio / gateway-api: the kubeconfig context of the cluster holding
    /// the route object
    pub context: Option<String>,
    /// istio / gateway-api: a region's destination host (Istio) or
    /// backendRef name (Gateway API); `{service}` and `{region}` expand
    pub destination: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileServiceRegion {
    pub deployment: Option<String>,
    pub replicas: Option<FileReplicas>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDeploy {
    pub waves: Option<Vec<Vec<String>>>,
    pub gate_window: Option<String>,
    pub gate_interval: Option<String>,
    pub confidence: Option<f64>,
    pub margin: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileFailover {
    pub headroom: Option<f64>,
    pub shift_steps: Option<Vec<f64>>,
    pub min_serving_regions: Option<u32>,
    pub silence: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotifyKind {
    /// A generic JSON webhook (an `opsdeck/v1` `OperationEvent`).
    Webhook,
    /// A Slack incoming webhook (`{"text": ...}`).
    Slack,
    /// A PagerDuty Events API v2 change event.
    Pagerduty,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileNotify {
    pub kind: Option<NotifyKind>,
    pub url: Option<String>,
    pub url_env: Option<String>,
    pub routing_key_env: Option<String>,
}
