//! [`FleetSnapshot`]: regions × services, each cell with its health, what
//! the console's fleet view and `opsdeck status` draw.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::health::{self, HealthInput, RolloutFacts};
use super::state::{FleetState, WorkloadSummary};
use super::{Alert, Health, SourceKind, SourceStatus, Timestamp};

/// What the snapshot needs to know of a configured region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionSpec {
    pub name: String,
    pub provider: String,
    /// The provider's region the clusters run in (`us-east-1`), which the
    /// fleet list groups by.
    pub cloud_region: String,
    pub production: bool,
    pub contexts: Vec<String>,
}

/// One alert matcher: label, operator (`=`, `!=`, `=~`, `!~`), value.
#[derive(Debug, Clone)]
pub struct LabelMatcher {
    pub label: String,
    pub negate: bool,
    pub pattern: MatchValue,
}

#[derive(Debug, Clone)]
pub enum MatchValue {
    Equal(String),
    /// Anchored like Prometheus: the whole value must match.
    Regex(regex::Regex),
}

impl LabelMatcher {
    /// Parses `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
    pub fn parse(raw: &str) -> Option<LabelMatcher> {
        let raw = raw.trim();
        let end = raw.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
        let (label, rest) = raw.split_at(end);
        let rest = rest.trim_start();
        let (op, value) = ["!=", "=~", "!~", "="]
            .iter()
            .find_map(|op| rest.strip_prefix(op).map(|v| (*op, v)))?;
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
        let pattern = match op {
            "=~" | "!~" => MatchValue::Regex(regex::Regex::new(&format!("^(?:{value})$")).ok()?),
            _ => MatchValue::Equal(value.to_string()),
        };
        Some(LabelMatcher {
            label: label.to_string(),
            negate: op.starts_with('!'),
            pattern,
        })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let v = labels.get(&self.label).map(String::as_str).unwrap_or("");
        let hit = match &self.pattern {
            MatchValue::Equal(s) => v == s,
            MatchValue::Regex(r) => r.is_match(v),
        };
        hit != self.negate
    }
}

/// What the snapshot needs to know of a configured service.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub name: String,
    pub namespace: String,
    pub deployment: String,
    pub deployment_by_region: BTreeMap<String, String>,
    pub max_error_ratio: f64,
    pub max_p95_seconds: f64,
    pub alert_matchers: Vec<LabelMatcher>,
}

impl ServiceSpec {
    pub fn deployment_in(&self, region: &str) -> &str {
        self.deployment_by_region
            .get(region)
            .map(String::as_str)
            .unwrap_or(&self.deployment)
    }

    /// Whether `alert` is about this service in `region`: every matcher
    /// holds, and its `region` label (when it has one) names the region.
    pub fn owns(&self, alert: &Alert, region: &str) -> bool {
        let in_region = alert.labels.get("region").is_none_or(|r| r == region);
        in_region
            && !self.alert_matchers.is_empty()
            && self.alert_matchers.iter().all(|m| m.matches(&alert.labels))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceCell {
    /// The workload figures (ready, desired, ...) come from
    /// kube-state-metrics, not from a watch of the cluster.
    pub from_metrics: bool,
    pub service: String,
    pub namespace: String,
    pub deployment: String,
    pub health: Health,
    pub ready: Option<u32>,
    pub desired: Option<u32>,
    pub updated: Option<u32>,
    pub revision: Option<u64>,
    pub images: Vec<String>,
    pub rolling: bool,
    pub request_rate: Option<f64>,
    pub error_ratio: Option<f64>,
    pub p95_seconds: Option<f64>,
    pub firing_alerts: usize,
    pub critical_alerts: usize,
    /// The most recent day's cost allocated to the service in the region.
    pub cost_per_day: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionView {
    pub name: String,
    pub provider: String,
    pub production: bool,
    /// The worst health of its services.
    pub health: Health,
    /// Whether any of its sources is stale.
    pub stale: bool,
    /// Age in seconds of the oldest data of its sources (0: every source
    /// current, see [`SourceStatus::figure_age`]).
    pub data_age_seconds: Option<i64>,
    /// Age of its health and SLO figures (Kubernetes and Prometheus).
    pub health_age_seconds: Option<i64>,
    /// Age of its cost figures (billing).
    pub cost_age_seconds: Option<i64>,
    pub sources: Vec<SourceStatus>,
    pub services: Vec<ServiceCell>,
    /// Pods, restarts, nodes and HPAs of its clusters from kube-state-metrics
    /// (`metrics` mode; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload_summary: Option<WorkloadSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetSnapshot {
    pub at: Timestamp,
    pub regions: Vec<RegionView>,
}

impl FleetSnapshot {
    pub fn build(
        regions: &[RegionSpec],
        services: &[ServiceSpec],
        state: &FleetState,
        now: Timestamp,
    ) -> FleetSnapshot {
        let day_costs = DayCosts::of(state);
        let regions = regions
            .iter()
            .map(|r| region_view(r, services, state, &day_costs, now))
            .collect();
        FleetSnapshot { at: now, regions }
    }

    /// The worst health anywhere.
    pub fn worst(&self) -> Health {
        self.regions
            .iter()
            .map(|r| r.health)
            .max_by_key(|h| h.severity())
            .unwrap_or(Health::Ok)
    }
}

/// Each region's latest billing day and its cost per service that day, in
/// two passes over the fleet's cost lines (not one pass per cell: at
/// hundreds of regions the lines number hundreds of thousands).
struct DayCosts<'a> {
    latest: HashMap<&'a str, jiff::civil::Date>,
    by_service: HashMap<(&'a str, &'a str), f64>,
}

impl<'a> DayCosts<'a> {
    fn of(state: &'a FleetState) -> Self {
        let mut latest: HashMap<&str, jiff::civil::Date> = HashMap::new();
        for c in &state.costs {
            let d = latest.entry(c.region.as_str()).or_insert(c.day);
            *d = (*d).max(c.day);
        }
        let mut by_service: HashMap<(&str, &str), f64> = HashMap::new();
        for c in &state.costs {
            if let Some(service) = c.service.as_deref()
                && latest.get(c.region.as_str()) == Some(&c.day)
            {
                *by_service.entry((c.region.as_str(), service)).or_default() += c.amount;
            }
        }
        DayCosts { latest, by_service }
    }
}

fn region_view(
    spec: &RegionSpec,
    services: &[ServiceSpec],
    state: &FleetState,
    day_costs: &DayCosts<'_>,
    now: Timestamp,
) -> RegionView {
    let data = state.regions.get(&spec.name);
    let sources: Vec<SourceStatus> = state
        .sources
        .iter()
        .filter(|s| s.region == spec.name)
        .cloned()
        .collect();
    let kube_stale = |ctx: &str| {
        sources
            .iter()
            .find(|s| s.kind == SourceKind::Kubernetes && s.name == ctx)
            .is_none_or(|s| s.stale)
    };
    let metrics_stale = sources
        .iter()
        .find(|s| s.kind == SourceKind::Metrics)
        .is_none_or(|s| s.stale);
    let latest_day = day_costs.latest.get(spec.name.as_str()).copied();
    let cells: Vec<ServiceCell> = services
        .iter()
        .map(|svc| {
            let deployment = svc.deployment_in(&spec.name);
            let key = (svc.namespace.clone(), deployment.to_string());
            let watched = data.and_then(|d| {
                spec.contexts
                    .iter()
                    .filter(|ctx| !kube_stale(ctx))
                    .find_map(|ctx| d.clusters.get(ctx).and_then(|c| c.deployments.get(&key)))
            });
            // No current watch: kube-state-metrics, while its store answers.
            let metric = || {
                data.filter(|_| !metrics_stale).and_then(|d| {
                    spec.contexts
                        .iter()
                        .find_map(|ctx| d.metric_deployments.get(ctx).and_then(|m| m.get(&key)))
                })
            };
            let (row, from_metrics) = match watched {
                Some(r) => (Some(r), false),
                None => {
                    let m = metric();
                    (m, m.is_some())
                }
            };
            let slo = data
                .and_then(|d| d.slo.get(&svc.name))
                .copied()
                .unwrap_or_default();
            let alerts: Vec<&Alert> = state
                .alerts
                .iter()
                .filter(|a| a.firing() && svc.owns(a, &spec.name))
                .collect();
            let critical = alerts.iter().filter(|a| a.severity() == "critical").count();
            let health = health::derive(&HealthInput {
                rollout: row.map(|r| RolloutFacts {
                    desired: r.desired,
                    ready: r.ready,
                    unavailable: r.unavailable,
                    deadline_exceeded: r.deadline_exceeded(),
                }),
                error_ratio: slo.error_ratio,
                p95_seconds: slo.p95_seconds,
                max_error_ratio: svc.max_error_ratio,
                max_p95_seconds: svc.max_p95_seconds,
                critical_alerts: critical,
            });
            let cost = latest_day.map(|_| {
                day_costs
                    .by_service
                    .get(&(spec.name.as_str(), svc.name.as_str()))
                    .copied()
                    .unwrap_or(0.0)
            });
            ServiceCell {
                from_metrics,
                service: svc.name.clone(),
                namespace: svc.namespace.clone(),
                deployment: deployment.to_string(),
                health,
                ready: row.map(|r| r.ready),
                desired: row.map(|r| r.desired),
                updated: row.map(|r| r.updated),
                revision: row.and_then(|r| r.revision),
                images: row.map(|r| r.images.clone()).unwrap_or_default(),
                rolling: row.is_some_and(|r| r.rolling()),
                request_rate: slo.request_rate,
                error_ratio: slo.error_ratio,
                p95_seconds: slo.p95_seconds,
                firing_alerts: alerts.len(),
                critical_alerts: critical,
                cost_per_day: cost.filter(|c| *c > 0.0),
            }
        })
        .collect();
    let health = cells
        .iter()
        .map(|c| c.health)
        .max_by_key(|h| h.severity())
        .unwrap_or(Health::Unknown);
    let age_of = |kinds: &[SourceKind]| {
        sources
            .iter()
            .filter(|s| kinds.is_empty() || kinds.contains(&s.kind))
            .filter_map(|s| s.figure_age(now))
            .max()
    };
    let data_age_seconds = age_of(&[]);
    let health_age_seconds = age_of(&[
        SourceKind::Kubernetes,
        SourceKind::Prometheus,
        SourceKind::Metrics,
    ]);
    let cost_age_seconds = age_of(&[SourceKind::Billing]);
    RegionView {
        name: spec.name.clone(),
        provider: spec.provider.clone(),
        production: spec.production,
        health,
        stale: sources.iter().any(|s| s.stale),
        data_age_seconds,
        health_age_seconds,
        cost_age_seconds,
        sources,
        services: cells,
        workload_summary: data.filter(|d| !d.metric_summary.is_empty()).map(|d| {
            let mut sum = WorkloadSummary::default();
            d.metric_summary.values().for_each(|c| sum.add(c));
            sum
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_follow_prometheus_semantics() {
        let labels: BTreeMap<String, String> = [("service", "checkout"), ("severity", "critical")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let m = |s: &str| LabelMatcher::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert!(m("service=\"checkout\"").matches(&labels));
        assert!(!m("service!=\"checkout\"").matches(&labels));
        assert!(m("severity=~\"crit.*|page\"").matches(&labels));
        assert!(
            !m("severity=~\"crit\"").matches(&labels),
            "regex is anchored"
        );
        assert!(m("team!~\".+\"").matches(&labels), "missing label is empty");
        assert!(LabelMatcher::parse("service").is_none());
    }
}
