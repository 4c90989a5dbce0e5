//! The hub: turns the resolved config into source tasks and spawns them.
//! Every task sends [`Update`]s on one channel; none touches UI state.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;

use super::alertmanager::{AmSource, Member};
use super::billing::{self, BillingSource};
use super::first_answers::FirstAnswers;
use super::fleet_metrics::{MetricsRegion, MetricsSource};
use super::fleet_slo::{self, FleetSloSource};
use super::kube::ClusterSource;
use super::needs::Needs;
use super::prometheus::{self, PromSource, ServiceQueries};
use crate::config::{self, Config};
use crate::model::state::Update;
use crate::model::{SourceKind, SourceStatus};

/// Every source of a config, ready to run.
pub struct Plan {
    pub clusters: Vec<ClusterSource>,
    pub prometheus: Vec<PromSource>,
    pub alertmanagers: Option<AmSource>,
    pub billing: Vec<BillingSource>,
    /// Workload state of the `metrics` regions, from the fleet-wide store.
    pub metrics: Option<MetricsSource>,
    /// SLO figures of the `metrics` regions, from the fleet-wide store.
    pub slo: Option<FleetSloSource>,
    /// Sources that could not even be set up (bad header, ...): reported once.
    pub broken: Vec<SourceStatus>,
}

impl Plan {
    /// `(kind, region, name)` of every source, for "has everyone answered".
    pub fn expected(&self) -> Vec<(SourceKind, String, String)> {
        let mut v: Vec<(SourceKind, String, String)> = Vec::new();
        v.extend(
            self.clusters
                .iter()
                .map(|c| (SourceKind::Kubernetes, c.region.clone(), c.context.clone())),
        );
        v.extend(
            self.prometheus
                .iter()
                .map(|p| (SourceKind::Prometheus, p.region.clone(), p.name.clone())),
        );
        if let Some(am) = &self.alertmanagers {
            v.extend(
                am.members
                    .iter()
                    .map(|m| (SourceKind::Alertmanager, m.region.clone(), m.name())),
            );
        }
        v.extend(
            self.billing
                .iter()
                .map(|b| (SourceKind::Billing, b.region.clone(), b.name())),
        );
        if let Some(m) = &self.metrics {
            v.extend(
                m.regions
                    .iter()
                    .map(|r| (SourceKind::Metrics, r.name.clone(), m.name.clone())),
            );
        }
        if let Some(s) = &self.slo {
            v.extend(
                s.regions
                    .iter()
                    .map(|r| (SourceKind::Prometheus, r.clone(), s.name.clone())),
            );
        }
        v
    }
}

/// Builds every source of `cfg`. `context` limits Kubernetes to one context.
pub fn plan(cfg: &Config, context: Option<&str>) -> Plan {
    plan_for(cfg, context, &Needs::all())
}

/// Builds the sources of `cfg` that `needs` asks for.
pub fn plan_for(cfg: &Config, context: Option<&str>, needs: &Needs) -> Plan {
    let refresh = &cfg.ui.refresh;
    let stale_after = refresh.stale_after_missed;
    let mut plan = Plan {
        clusters: Vec::new(),
        prometheus: Vec::new(),
        alertmanagers: None,
        billing: Vec::new(),
        metrics: None,
        slo: None,
        broken: Vec::new(),
    };
    let mut metric_regions: Vec<MetricsRegion> = Vec::new();
    // The SLO queries for the whole fleet at once, if every one keeps the
    // region label when rewritten (else each region asks its own).
    let fleet_queries = cfg
        .fleet_metrics
        .as_ref()
        .filter(|_| needs.prometheus)
        .and_then(|fm| fleet_slo_queries(cfg, &fm.region_label));
    let mut slo_regions: Vec<String> = Vec::new();
    let billing_http = super::tls::reqwest_builder().build().unwrap_or_default();
    let mut cost_explorer = billing::shared::SharedAnswers::default();
    // In config order: the HA rule sends a silence to the first member.
    let mut members: Vec<Member> = Vec::new();
    for region in &cfg.regions {
        // A `metrics` region: its workload state from the store, no watch
        // (one context asked by name is still watched: drill-down).
        let by_metrics = region.workloads == config::file::WorkloadMode::Metrics;
        if by_metrics
            && context.is_none()
            && needs
                .kube
                .contains(&crate::model::state::KubeKind::Deployment)
        {
            metric_regions.push(MetricsRegion {
                name: region.name.clone(),
                contexts: region.clusters.iter().map(|c| c.context.clone()).collect(),
            });
        }
        if !(by_metrics && context.is_none()) {
            plan.clusters.extend(
                cluster_sources(cfg, region, needs)
                    .into_iter()
                    .filter(|c| context.is_none_or(|ctx| ctx == c.context)),
            );
        }
        if by_metrics && context.is_none() && fleet_queries.is_some() {
            slo_regions.push(region.name.clone());
        } else if let Some(p) = region.prometheus.as_ref().filter(|_| needs.prometheus) {
            let name = super::redact::endpoint(&p.url);
            let built = super::http::client(p.auth.as_ref(), &p.headers, p.timeout)
                .and_then(|h| prometheus::client(h, &p.url));
            match built {
                Ok(client) => plan.prometheus.push(PromSource {
                    region: region.name.clone(),
                    client,
                    name,
                    services: cfg
                        .services
                        .iter()
                        .map(|s| queries(s, p.selector.as_deref()))
                        .collect(),
                    every: refresh.prometheus,
                    timeout: p.timeout,
                    stale_after,
                    chart_points: if needs.charts { 120 } else { 0 },
                    first: Default::default(),
                }),
                Err(e) => plan
                    .broken
                    .push(broken(SourceKind::Prometheus, &region.name, &name, e)),
            }
        }
        for am in region.alertmanagers.iter().filter(|_| needs.alertmanager) {
            let name = super::redact::endpoint(&am.url);
            if members.iter().any(|m| m.name() == name) {
                continue;
            }
            match super::http::client(am.auth.as_ref(), &BTreeMap::new(), Duration::from_secs(10)) {
                Ok(http) => members.push(Member {
                    url: am.url.clone(),
                    ha_cluster: am.ha_cluster.clone(),
                    region: region.name.clone(),
                    http,
                }),
                Err(e) => {
                    plan.broken
                        .push(broken(SourceKind::Alertmanager, &region.name, &name, e))
                }
            }
        }
        if let Some(b) = region.billing.as_ref().filter(|_| needs.billing) {
            plan.billing.push(billing_source(
                cfg,
                region,
                b,
                stale_after,
                &billing_http,
                &mut cost_explorer,
            ));
        }
    }
    // One client for the fleet store, shared by its workload and SLO reads.
    let store = cfg.fleet_metrics.as_ref().map(|fm| {
        let p = &fm.endpoint;
        let built = super::http::client(p.auth.as_ref(), &p.headers, p.timeout)
            .and_then(|h| prometheus::client(h, &p.url));
        (super::redact::endpoint(&p.url), built)
    });
    if let (Some(fm), Some((name, built)), false) =
        (&cfg.fleet_metrics, &store, metric_regions.is_empty())
    {
        let (p, name) = (&fm.endpoint, name.clone());
        match built.clone() {
            Ok(client) => {
                plan.metrics = Some(MetricsSource {
                    client,
                    name,
                    regions: metric_regions,
                    region_label: fm.region_label.clone(),
                    cluster_label: fm.cluster_label.clone(),
                    every: refresh.prometheus,
                    timeout: p.timeout,
                    stale_after,
                })
            }
            Err(e) => {
                for r in metric_regions {
                    plan.broken
                        .push(broken(SourceKind::Metrics, &r.name, &name, e.clone()));
                }
            }
        }
    }
    if let (Some(fm), Some((name, built)), Some(services), false) = (
        &cfg.fleet_metrics,
        &store,
        fleet_queries,
        slo_regions.is_empty(),
    ) {
        let (p, name) = (&fm.endpoint, name.clone());
        match built.clone() {
            Ok(client) => {
                plan.slo = Some(FleetSloSource {
                    client,
                    name,
                    regions: slo_regions,
                    region_label: fm.region_label.clone(),
                    services,
                    every: refresh.prometheus,
                    timeout: p.timeout,
                    stale_after,
                    // No fleet-wide range queries: one over hundreds of
                    // regions' histograms costs a store like the
                    // simulator's tens of seconds and starves the instant
                    // queries behind it. Charts stay empty in this mode.
                    chart_points: 0,
                })
            }
            Err(e) => {
                for r in slo_regions {
                    plan.broken
                        .push(broken(SourceKind::Prometheus, &r, &name, e.clone()));
                }
            }
        }
    }
    if !members.is_empty() {
        plan.alertmanagers = Some(AmSource {
            members,
            every: refresh.alertmanager,
            timeout: Duration::from_secs(5),
            stale_after,
        });
    }
    plan
}

/// The watches of every cluster of `region` for what `needs` asks (none
/// when it asks no Kubernetes kind): the hub's, and a drill-down's into a
/// region in `metrics` mode.
pub fn cluster_sources(cfg: &Config, region: &config::Region, needs: &Needs) -> Vec<ClusterSource> {
    if needs.kube.is_empty() {
        return Vec::new();
    }
    let mut weight_keys: Vec<String> = cfg
        .services
        .iter()
        .map(|s| s.traffic.weight_annotation.clone())
        .collect();
    weight_keys.dedup();
    let refresh = &cfg.ui.refresh;
    region
        .clusters
        .iter()
        .map(|c| ClusterSource {
            region: region.name.clone(),
            context: c.context.clone(),
            kubeconfig: c.kubeconfig.clone(),
            namespaces: c.namespaces.clone(),
            weight_annotations: weight_keys.clone(),
            kinds: needs.kube.clone(),
            probe_every: refresh.prometheus,
            timeout: Duration::from_secs(5),
            stale_after: refresh.stale_after_missed,
            first: Default::default(),
        })
        .collect()
}

fn broken(kind: SourceKind, region: &str, name: &str, error: String) -> SourceStatus {
    let mut s = SourceStatus::new(kind, region, name);
    s.failed(error, 1);
    s
}

/// Every service's SLO queries rewritten for the fleet store
/// ([`fleet_slo::by_region`]); `None` when one cannot be (it is logged).
fn fleet_slo_queries(cfg: &Config, label: &str) -> Option<Vec<ServiceQueries>> {
    let q = |service: &str, raw: &Option<String>| -> Result<Option<String>, ()> {
        raw.as_deref()
            .map(|r| {
                fleet_slo::by_region(r, label).map_err(|e| {
                    tracing::warn!("services.{service}.slo: asked per region, not fleet-wide: {e}")
                })
            })
            .transpose()
    };
    cfg.services
        .iter()
        .map(|s| {
            Ok(ServiceQueries {
                service: s.name.clone(),
                request_rate: q(&s.name, &s.slo.request_rate)?,
                error_ratio: q(&s.name, &s.slo.error_ratio)?,
                p95_latency: q(&s.name, &s.slo.p95_latency)?,
            })
        })
        .collect::<Result<Vec<_>, ()>>()
        .ok()
}

fn queries(s: &config::Service, selector: Option<&str>) -> ServiceQueries {
    let q = |raw: &Option<String>| raw.as_deref().map(|r| prometheus::expand(r, selector));
    ServiceQueries {
        service: s.name.clone(),
        request_rate: q(&s.slo.request_rate),
        error_ratio: q(&s.slo.error_ratio),
        p95_latency: q(&s.slo.p95_latency),
    }
}

/// `http` is one client for every billing source of the plan: building a
/// client loads the system's root certificates, which hundreds of regions
/// would each pay (clones share the connection pool). Cost Explorer regions
/// asking one account the same question share its answer (`shared`).
fn billing_source(
    cfg: &Config,
    region: &config::Region,
    b: &config::Billing,
    stale_after: u32,
    http: &reqwest::Client,
    shared: &mut billing::shared::SharedAnswers,
) -> BillingSource {
    let kind = match b {
        config::Billing::Opencost { url } => billing::Kind::Opencost {
            url: url.clone(),
            services: cfg
                .services
                .iter()
                .map(|s| {
                    (
                        (
                            s.namespace.clone(),
                            s.deployment_in(&region.name).to_string(),
                        ),
                        s.name.clone(),
                    )
                })
                .collect(),
        },
        config::Billing::AwsCostExplorer {
            endpoint,
            region: signing,
            service_tag,
            profile,
            credentials_file,
        } => {
            let endpoint = endpoint
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_else(|| billing::aws_cost_explorer::DEFAULT_ENDPOINT.into());
            let key =
                format!("{endpoint}|{signing}|{service_tag}|{profile:?}|{credentials_file:?}");
            billing::Kind::AwsCostExplorer {
                endpoint,
                signing_region: signing.clone(),
                service_tag: service_tag.clone(),
                profile: profile.clone(),
                credentials_file: credentials_file.clone(),
                shared: shared.for_key(key),
            }
        }
        config::Billing::FocusCsv { dir } => billing::Kind::FocusCsv { dir: dir.clone() },
    };
    let provider = super::specs::provider(region.provider);
    BillingSource {
        region: region.name.clone(),
        cloud_region: region.cloud_region.clone(),
        contexts: region.clusters.iter().map(|c| c.context.clone()).collect(),
        provider: provider.into(),
        kind,
        http: http.clone(),
        every: cfg.ui.refresh.billing,
        timeout: Duration::from_secs(20),
        stale_after,
        after: Default::default(),
    }
}

/// Spawns every source of `plan` into `tasks`, all at once (what a read
/// command gathers); each sends on `tx`.
pub fn spawn(plan: Plan, tx: &mpsc::Sender<Update>, tasks: &mut JoinSet<()>) {
    spawn_gated(
        plan,
        tx,
        tasks,
        &Arc::new(Notify::new()),
        FirstAnswers::default(),
    );
}

/// The console's sources: like [`spawn`], but the charts and the billing
/// sources wait for every cluster's and Prometheus's first answer
/// ([`super::first_answers`]); notifying `refresh` makes every polling
/// source poll now.
pub fn spawn_with_refresh(
    plan: Plan,
    tx: &mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
    refresh: &Arc<Notify>,
) {
    let first = FirstAnswers::expecting(plan.clusters.len() + plan.prometheus.len());
    spawn_gated(plan, tx, tasks, refresh, first);
}

fn spawn_gated(
    mut plan: Plan,
    tx: &mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
    refresh: &Arc<Notify>,
    first: FirstAnswers,
) {
    for c in &mut plan.clusters {
        c.first = first.slot();
    }
    for p in &mut plan.prometheus {
        p.first = first.slot();
    }
    for b in &mut plan.billing {
        b.after = first.clone();
    }
    for s in plan.broken {
        let tx = tx.clone();
        tasks.spawn(async move {
            let _ = tx.send(Update::Source(s)).await;
        });
    }
    for c in plan.clusters {
        tasks.spawn(super::kube::run(c, tx.clone()));
    }
    for p in plan.prometheus {
        tasks.spawn(prometheus::run_with(p, tx.clone(), refresh.clone()));
    }
    if let Some(am) = plan.alertmanagers {
        tasks.spawn(super::alertmanager::run_with(
            am,
            tx.clone(),
            refresh.clone(),
        ));
    }
    for b in plan.billing {
        tasks.spawn(billing::run_with(b, tx.clone(), refresh.clone()));
    }
    if let Some(m) = plan.metrics {
        tasks.spawn(super::fleet_metrics::run(m, tx.clone()));
    }
    if let Some(s) = plan.slo {
        tasks.spawn(super::fleet_slo::run(s, tx.clone()));
    }
}
