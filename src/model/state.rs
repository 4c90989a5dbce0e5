//! Everything the sources have told us, kept in compact rows, and the one
//! way it changes: [`FleetState::apply`] of an [`Update`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::kube::*;
use super::slo::{Series, SloValues};
use super::{Alert, CostLine, Silence, SourceStatus};

/// `(namespace, name)`: the key of a namespaced row.
pub type Key = (String, String);

/// A pod's key shares the row's namespace and name: at 100k pods a key of
/// its own strings would cost ~10 MB.
pub type PodKey = (Arc<str>, Arc<str>);

/// The key to look a pod up by.
pub fn pod_key(ns: &str, name: &str) -> PodKey {
    (Arc::from(ns), Arc::from(name))
}

#[derive(Debug, Clone, Default)]
pub struct ClusterData {
    pub deployments: BTreeMap<Key, DeploymentRow>,
    pub replicasets: BTreeMap<Key, ReplicaSetRow>,
    pub pods: BTreeMap<PodKey, PodRow>,
    pub nodes: BTreeMap<String, NodeRow>,
    pub events: Vec<EventRow>,
    pub hpas: BTreeMap<Key, HpaRow>,
    pub routing: BTreeMap<Key, RoutingRow>,
}

/// The three SLO chart series of one service in one region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SloSeries {
    pub request_rate: Series,
    pub error_ratio: Series,
    pub p95_seconds: Series,
}

#[derive(Debug, Clone, Default)]
pub struct RegionData {
    /// Keyed by kubeconfig context.
    pub clusters: BTreeMap<String, ClusterData>,
    /// Deployments as kube-state-metrics reports them, by context: what a
    /// region in `metrics` mode shows while no watch of it is current.
    pub metric_deployments: BTreeMap<String, BTreeMap<Key, DeploymentRow>>,
    /// Pods, restarts, nodes and HPAs as kube-state-metrics reports them,
    /// by context (`metrics` mode).
    pub metric_summary: BTreeMap<String, WorkloadSummary>,
    /// Keyed by service name.
    pub slo: BTreeMap<String, SloValues>,
    pub slo_series: BTreeMap<String, SloSeries>,
}

#[derive(Debug, Clone, Default)]
pub struct FleetState {
    pub regions: BTreeMap<String, RegionData>,
    pub alerts: Vec<Alert>,
    pub silences: Vec<Silence>,
    pub costs: Vec<CostLine>,
    pub sources: Vec<SourceStatus>,
}

/// One kind of Kubernetes row.
#[derive(Debug, Clone, PartialEq)]
pub enum KubeRow {
    Deployment(DeploymentRow),
    ReplicaSet(ReplicaSetRow),
    Pod(PodRow),
    Node(NodeRow),
    Event(EventRow),
    Hpa(HpaRow),
    Routing(RoutingRow),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KubeKind {
    Deployment,
    ReplicaSet,
    Pod,
    Node,
    Event,
    Hpa,
    Routing,
}

/// A change to a cluster's rows.
#[derive(Debug, Clone, PartialEq)]
pub enum KubeChange {
    /// A full (re-)list: replaces every row of the kind.
    Replace(KubeKind, Vec<KubeRow>),
    Upsert(KubeRow),
    Delete(KubeKind, Key),
}

/// Everything a source can report.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    Kube {
        region: String,
        context: String,
        change: KubeChange,
    },
    Slo {
        region: String,
        service: String,
        values: SloValues,
    },
    SloSeries {
        region: String,
        service: String,
        series: SloSeries,
    },
    /// The merged view of every Alertmanager.
    Alerts {
        alerts: Vec<Alert>,
        silences: Vec<Silence>,
    },
    /// Cost lines of one source, replacing its earlier lines for `region`.
    Costs {
        region: String,
        lines: Vec<CostLine>,
    },
    Source(SourceStatus),
    /// A watch that was stopped (a drill-down left): its objects and its
    /// status go, so the region shows its metrics again.
    ForgetWatch {
        region: String,
        context: String,
    },
    /// Every deployment of one cluster read from metrics, replacing the
    /// earlier read.
    MetricDeployments {
        region: String,
        context: String,
        rows: Vec<DeploymentRow>,
    },
    /// One cluster's pods, restarts, nodes and HPAs read from metrics.
    MetricSummary {
        region: String,
        context: String,
        summary: WorkloadSummary,
    },
}

/// A cluster's (or region's) workloads in figures, from kube-state-metrics:
/// pods by phase, container restarts, nodes, HPAs and how many of them are
/// at their maximum.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSummary {
    /// Phase (`Running`, `Pending`, `Failed`, ...) → pods.
    pub pods: BTreeMap<String, u32>,
    /// Container restarts since the containers started, summed.
    pub restarts: u64,
    pub nodes: u32,
    pub hpas: u32,
    /// HPAs whose current replicas reached their maximum.
    pub hpas_at_max: u32,
}

impl WorkloadSummary {
    /// Pods in `phase`.
    pub fn phase(&self, phase: &str) -> u32 {
        self.pods.get(phase).copied().unwrap_or(0)
    }

    /// Adds another cluster's figures.
    pub fn add(&mut self, o: &WorkloadSummary) {
        for (phase, n) in &o.pods {
            *self.pods.entry(phase.clone()).or_default() += n;
        }
        self.restarts += o.restarts;
        self.nodes += o.nodes;
        self.hpas += o.hpas;
        self.hpas_at_max += o.hpas_at_max;
    }
}

/// Events kept per cluster: the most recent ones.
pub const EVENT_WINDOW: usize = 500;

impl FleetState {
    pub fn apply(&mut self, update: Update) {
        match update {
            Update::Kube {
                region,
                context,
                change,
            } => {
                let cluster = self
                    .regions
                    .entry(region)
                    .or_default()
                    .clusters
                    .entry(context)
                    .or_default();
                cluster.apply(change);
            }
            Update::Slo {
                region,
                service,
                values,
            } => {
                self.regions
                    .entry(region)
                    .or_default()
                    .slo
                    .insert(service, values);
            }
            Update::SloSeries {
                region,
                service,
                series,
            } => {
                self.regions
                    .entry(region)
                    .or_default()
                    .slo_series
                    .insert(service, series);
            }
            Update::Alerts { alerts, silences } => {
                self.alerts = alerts;
                self.silences = silences;
            }
            Update::ForgetWatch { region, context } => {
                if let Some(r) = self.regions.get_mut(&region) {
                    r.clusters.remove(&context);
                }
                self.sources.retain(|s| {
                    !(s.kind == super::SourceKind::Kubernetes
                        && s.region == region
                        && s.name == context)
                });
            }
            Update::MetricSummary {
                region,
                context,
                summary,
            } => {
                self.regions
                    .entry(region)
                    .or_default()
                    .metric_summary
                    .insert(context, summary);
            }
            Update::MetricDeployments {
                region,
                context,
                rows,
            } => {
                let rows = rows
                    .into_iter()
                    .map(|r| ((r.namespace.to_string(), r.name.clone()), r))
                    .collect();
                self.regions
                    .entry(region)
                    .or_default()
                    .metric_deployments
                    .insert(context, rows);
            }
            Update::Costs { region, lines } => {
                self.costs.retain(|l| l.region != region);
                self.costs.extend(lines);
            }
            Update::Source(status) => {
                match self.sources.iter_mut().find(|s| {
                    s.kind == status.kind && s.region == status.region && s.name == status.name
                }) {
                    Some(s) => *s = status,
                    None => self.sources.push(status),
                }
            }
        }
    }

    /// Whether applying `status` would change what the operator reads from
    /// its source (a new source, or a different [`SourceStatus::condition`]).
    pub fn changes_condition(&self, status: &SourceStatus) -> bool {
        self.sources
            .iter()
            .find(|s| s.kind == status.kind && s.region == status.region && s.name == status.name)
            .is_none_or(|s| s.condition() != status.condition())
    }

    /// The status of a source, if it ever reported.
    pub fn source(
        &self,
        kind: super::SourceKind,
        region: &str,
    ) -> impl Iterator<Item = &SourceStatus> {
        self.sources
            .iter()
            .filter(move |s| s.kind == kind && s.region == region)
    }
}

fn key(ns: &str, name: &str) -> Key {
    (ns.to_string(), name.to_string())
}

impl ClusterData {
    pub fn apply(&mut self, change: KubeChange) {
        match change {
            KubeChange::Replace(kind, rows) => {
                self.clear(kind);
                for row in rows {
                    self.upsert(row);
                }
            }
            KubeChange::Upsert(row) => self.upsert(row),
            KubeChange::Delete(kind, k) => match kind {
                KubeKind::Deployment => drop(self.deployments.remove(&k)),
                KubeKind::ReplicaSet => drop(self.replicasets.remove(&k)),
                KubeKind::Pod => drop(self.pods.remove(&pod_key(&k.0, &k.1))),
                KubeKind::Node => drop(self.nodes.remove(&k.1)),
                KubeKind::Hpa => drop(self.hpas.remove(&k)),
                KubeKind::Routing => drop(self.routing.remove(&k)),
                KubeKind::Event => {}
            },
        }
    }

    fn clear(&mut self, kind: KubeKind) {
        match kind {
            KubeKind::Deployment => self.deployments.clear(),
            KubeKind::ReplicaSet => self.replicasets.clear(),
            KubeKind::Pod => self.pods.clear(),
            KubeKind::Node => self.nodes.clear(),
            KubeKind::Event => self.events.clear(),
            KubeKind::Hpa => self.hpas.clear(),
            KubeKind::Routing => self.routing.clear(),
        }
    }

    fn upsert(&mut self, row: KubeRow) {
        match row {
            KubeRow::Deployment(r) => drop(self.deployments.insert(key(&r.namespace, &r.name), r)),
            KubeRow::ReplicaSet(r) => drop(self.replicasets.insert(key(&r.namespace, &r.name), r)),
            KubeRow::Pod(r) => drop(self.pods.insert((r.namespace.clone(), r.name.clone()), r)),
            KubeRow::Node(r) => drop(self.nodes.insert(r.name.clone(), r)),
            KubeRow::Hpa(r) => drop(self.hpas.insert(key(&r.namespace, &r.name), r)),
            KubeRow::Routing(r) => drop(self.routing.insert(key(&r.namespace, &r.name), r)),
            KubeRow::Event(r) => {
                self.events.push(r);
                self.events.sort_by_key(|e| e.time);
                let excess = self.events.len().saturating_sub(EVENT_WINDOW);
                self.events.drain(..excess);
            }
        }
    }
}
