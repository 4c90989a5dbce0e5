//! The resolved configuration: every default applied, every value checked.
//! Serialize is for `opsdeck config check`; secrets print redacted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

pub use super::file::{ConfirmMode, NotifyKind, Provider, Router};
use super::secret::Secret;

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The file this came from; `None` when only built-in defaults apply.
    pub source: Option<PathBuf>,
    pub ui: Ui,
    pub policy: Policy,
    pub regions: Vec<Region>,
    pub services: Vec<Service>,
    /// Where operations announce their start, failures and end.
    pub notify: Vec<Notify>,
    /// The fleet-wide Prometheus-compatible store, when configured.
    pub fleet_metrics: Option<FleetMetrics>,
}

/// `[fleet_metrics]`: where `metrics` regions read their workload state.
#[derive(Debug, Clone, Serialize)]
pub struct FleetMetrics {
    /// URL, auth, headers and timeout (no selector: the labels below pick).
    pub endpoint: Prometheus,
    pub region_label: String,
    pub cluster_label: String,
}

/// One notification target. The URL may itself be a credential (Slack
/// webhooks are): it prints redacted and never reaches the journal.
#[derive(Debug, Clone, Serialize)]
pub struct Notify {
    pub kind: NotifyKind,
    pub url: Secret,
    pub routing_key: Option<Secret>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ui {
    pub theme: String,
    pub keymap: String,
    pub ascii: bool,
    pub max_fps: u32,
    pub refresh: Refresh,
    pub budget: Budget,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refresh {
    #[serde(with = "friendly")]
    pub prometheus: std::time::Duration,
    #[serde(with = "friendly")]
    pub alertmanager: std::time::Duration,
    #[serde(with = "friendly")]
    pub billing: std::time::Duration,
    pub stale_after_missed: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Budget {
    pub monthly: Option<f64>,
    pub currency: String,
}

/// What the operator may change. Read-only mode is sticky: the file
/// (`policy.read_only = true`), `OPSDECK_READ_ONLY` and `--read-only` can each
/// turn it on, and none of them can turn it off once another turned it on.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// Read-only everywhere, whichever layer asked for it.
    pub read_only: bool,
    /// The first layer that turned `read_only` on, in the order file,
    /// environment, flag: `"policy.read_only in /path/opsdeck.toml"`,
    /// `"OPSDECK_READ_ONLY=1"` or `"--read-only"`. `None` when it is off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_by: Option<String>,
    pub confirm: ConfirmMode,
    pub typed_name_for_production: bool,
    pub typed_name_above_objects: u32,
    pub contexts: BTreeMap<String, ContextPolicy>,
    /// The file the per-context rules came from, to name it in refusals.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

impl Policy {
    /// `None` when writes are allowed in `context`; otherwise the rule that
    /// forbids them: the global one ([`Policy::read_only_by`]) first, else
    /// `policy.contexts[context = "x"].read_only in /path/opsdeck.toml`.
    pub fn read_only_rule(&self, context: &str) -> Option<String> {
        if self.read_only {
            return Some(
                self.read_only_by
                    .clone()
                    .unwrap_or_else(|| "policy.read_only".to_string()),
            );
        }
        self.contexts.get(context).filter(|c| c.read_only)?;
        let key = format!("policy.contexts[context = {context:?}].read_only");
        Some(match &self.source {
            Some(file) => format!("{key} in {}", file.display()),
            None => key,
        })
    }

    /// Whether `context` is marked `production = true` in `[[policy.contexts]]`.
    pub fn production_context(&self, context: &str) -> bool {
        self.contexts.get(context).is_some_and(|c| c.production)
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ContextPolicy {
    pub read_only: bool,
    pub production: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub name: String,
    pub provider: Provider,
    pub cloud_region: String,
    pub production: bool,
    pub clusters: Vec<Cluster>,
    pub prometheus: Option<Prometheus>,
    pub alertmanagers: Vec<Alertmanager>,
    pub billing: Option<Billing>,
    /// Recovery time objective of the region (shown beside a failover's estimate).
    #[serde(with = "friendly_opt")]
    pub rto: Option<std::time::Duration>,
    pub workloads: super::file::WorkloadMode,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    pub context: String,
    pub kubeconfig: Option<PathBuf>,
    /// Empty: every namespace.
    pub namespaces: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Prometheus {
    pub url: url::Url,
    pub auth: Option<Auth>,
    pub headers: BTreeMap<String, String>,
    /// Label matcher substituted for `$region` in SLO queries.
    pub selector: Option<String>,
    #[serde(with = "friendly")]
    pub timeout: std::time::Duration,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    Bearer(Secret),
    Basic { username: String, password: Secret },
}

#[derive(Debug, Clone, Serialize)]
pub struct Alertmanager {
    pub url: url::Url,
    /// Members of one HA cluster replicate silences between themselves.
    pub ha_cluster: String,
    pub auth: Option<Auth>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Billing {
    Opencost {
        url: url::Url,
    },
    AwsCostExplorer {
        endpoint: Option<url::Url>,
        region: String,
        service_tag: String,
        profile: Option<String>,
        /// A shared-credentials file to read instead of the default one.
        credentials_file: Option<PathBuf>,
    },
    FocusCsv {
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub namespace: String,
    pub deployment: String,
    pub capacity_rps_per_pod: Option<f64>,
    pub replicas: Replicas,
    pub alert_matchers: Vec<String>,
    pub slo: Slo,
    pub traffic: Traffic,
    /// Per-region overrides, keyed by region name.
    pub regions: BTreeMap<String, ServiceRegion>,
    pub deploy: Deploy,
    pub failover: Failover,
}

/// Progressive deploy: waves and the SLO gate after each.
#[derive(Debug, Clone, Serialize)]
pub struct Deploy {
    /// Explicit waves of region names; empty: least-traffic non-production
    /// region first, one region per wave, production last.
    pub waves: Vec<Vec<String>>,
    #[serde(with = "friendly")]
    pub gate_window: std::time::Duration,
    #[serde(with = "friendly")]
    pub gate_interval: std::time::Duration,
    /// Confidence of the canary-vs-baseline Mann-Whitney test (e.g. 0.95).
    pub confidence: f64,
    /// How much worse (fraction) the canary may be before it fails.
    pub margin: f64,
}

/// Failover: headroom, the weight shift in steps, the safety rule.
#[derive(Debug, Clone, Serialize)]
pub struct Failover {
    pub headroom: f64,
    pub shift_steps: Vec<f64>,
    pub min_serving_regions: u32,
    #[serde(with = "friendly")]
    pub silence: std::time::Duration,
}

impl Service {
    /// The deployment name in `region`, after overrides.
    pub fn deployment_in(&self, region: &str) -> &str {
        self.regions
            .get(region)
            .and_then(|r| r.deployment.as_deref())
            .unwrap_or(&self.deployment)
    }

    /// Replica bounds in `region`, after overrides.
    pub fn replicas_in(&self, region: &str) -> Replicas {
        self.regions
            .get(region)
            .and_then(|r| r.replicas)
            .unwrap_or(self.replicas)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Replicas {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Slo {
    pub request_rate: Option<String>,
    pub error_ratio: Option<String>,
    pub p95_latency: Option<String>,
    pub max_error_ratio: f64,
    pub max_p95_seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Traffic {
    pub router: Router,
    pub k8s_service: String,
    pub weight_annotation: String,
    /// istio / gateway-api: the VirtualService or HTTPRoute (in the
    /// service's namespace); default: the service name
    pub object: String,
    /// istio / gateway-api: the context of the cluster whose route object
    /// holds every region's weight; None: each region's own cluster
    pub context: Option<String>,
    /// istio / gateway-api: a region's destination host or backendRef
    /// name, with `{service}` and `{region}` to expand
    pub destination: String,
}

impl Traffic {
    /// The router's key for `region`'s destination.
    pub fn destination_in(&self, service: &str, region: &str) -> String {
        self.destination
            .replace("{service}", service)
            .replace("{region}", region)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceRegion {
    pub deployment: Option<String>,
    pub replicas: Option<Replicas>,
}

mod friendly_opt {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(
        d: &Option<std::time::Duration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::friendly::serialize(d, s),
            None => s.serialize_none(),
        }
    }
}

/// Durations print in jiff's friendly format ("15s", "5m").
mod friendly {
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
        match jiff::SignedDuration::try_from(*d) {
            Ok(sd) => s.serialize_str(&format!("{sd:#}")),
            Err(_) => s.serialize_str(&format!("{}s", d.as_secs())),
        }
    }
}
