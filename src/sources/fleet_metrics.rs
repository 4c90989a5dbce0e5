//! Workload state of the regions in `metrics` mode, from kube-state-metrics
//! series through one fleet-wide Prometheus-compatible store (Thanos Query,
//! Mimir, VictoriaMetrics): three instant queries over the whole fleet per
//! poll — desired, ready and updated replicas per deployment — however many
//! clusters there are, and no request to any cluster's API.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use prometheus_http_query::Client;
use prometheus_http_query::response::Data;
use tokio::sync::mpsc;

use crate::model::state::{Update, WorkloadSummary};
use crate::model::{DeploymentRow, SourceKind, SourceStatus, Timestamp};

/// The series read, by what they fill in.
const DESIRED: &str = "kube_deployment_spec_replicas";
const READY: &str = "kube_deployment_status_replicas_ready";
const UPDATED: &str = "kube_deployment_status_replicas_updated";

/// A region in `metrics` mode and its configured contexts.
#[derive(Debug, Clone)]
pub struct MetricsRegion {
    pub name: String,
    pub contexts: Vec<String>,
}

pub struct MetricsSource {
    pub client: Client,
    /// Endpoint as shown to the operator (no credentials).
    pub name: String,
    pub regions: Vec<MetricsRegion>,
    pub region_label: String,
    pub cluster_label: String,
    pub every: Duration,
    pub timeout: Duration,
    pub stale_after: u32,
}

/// (region, cluster, namespace, deployment)
type DeployKey = (String, String, String, String);

/// One instant query's series: labels and value.
async fn vector(
    client: &Client,
    query: &str,
    timeout: Duration,
) -> Result<Vec<(BTreeMap<String, String>, f64)>, String> {
    let call = client
        .query(query)
        .timeout(timeout.as_millis() as i64)
        .get();
    let r = match tokio::time::timeout(timeout, call).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Err(super::redact::error_chain(&e)),
        Err(_) => return Err(format!("no answer within {} s", timeout.as_secs())),
    };
    let Data::Vector(v) = r.data() else {
        return Err(format!(
            "{query}: the store did not answer an instant vector"
        ));
    };
    Ok(v.iter()
        .filter(|s| s.sample().value().is_finite())
        .map(|s| {
            let labels = s
                .metric()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (labels, s.sample().value())
        })
        .collect())
}

/// The context a series' cluster label stands for: the context of that
/// name (or ending in it, as `sim-us-east-1` for `us-east-1`), else the
/// region's only context.
fn context_of<'a>(region: &'a MetricsRegion, cluster: &str) -> Option<&'a String> {
    region
        .contexts
        .iter()
        .find(|c| *c == cluster)
        .or_else(|| {
            region
                .contexts
                .iter()
                .find(|c| !cluster.is_empty() && c.ends_with(cluster))
        })
        .or_else(|| (region.contexts.len() == 1).then(|| &region.contexts[0]))
}

fn count(v: f64) -> u32 {
    v.clamp(0.0, f64::from(u32::MAX)) as u32
}

/// The regions read and the labels that name them in the series.
struct Shape<'a> {
    regions: &'a [MetricsRegion],
    region_label: &'a str,
    cluster_label: &'a str,
}

/// Rows per (region, context), from the three series sets.
fn rows(
    src: &Shape<'_>,
    desired: Vec<(BTreeMap<String, String>, f64)>,
    ready: Vec<(BTreeMap<String, String>, f64)>,
    updated: Vec<(BTreeMap<String, String>, f64)>,
) -> BTreeMap<(String, String), Vec<DeploymentRow>> {
    let key = |l: &BTreeMap<String, String>| -> DeployKey {
        let get = |k: &str| l.get(k).cloned().unwrap_or_default();
        (
            get(src.region_label),
            get(src.cluster_label),
            get("namespace"),
            get("deployment"),
        )
    };
    let index = |v: Vec<(BTreeMap<String, String>, f64)>| -> BTreeMap<DeployKey, f64> {
        v.into_iter().map(|(l, x)| (key(&l), x)).collect()
    };
    let (ready, updated) = (index(ready), index(updated));
    let mut out: BTreeMap<(String, String), Vec<DeploymentRow>> = BTreeMap::new();
    for r in src.regions {
        for c in &r.contexts {
            out.insert((r.name.clone(), c.clone()), Vec::new());
        }
    }
    for (l, d) in desired {
        let k = key(&l);
        let Some(region) = src.regions.iter().find(|r| r.name == k.0) else {
            continue;
        };
        let Some(context) = context_of(region, &k.1) else {
            continue;
        };
        let (desired, ready_n) = (count(d), count(ready.get(&k).copied().unwrap_or(0.0)));
        let row = DeploymentRow {
            namespace: Arc::from(k.2.as_str()),
            name: k.3.clone(),
            uid: String::new(),
            desired,
            ready: ready_n,
            updated: count(updated.get(&k).copied().unwrap_or(0.0)),
            available: ready_n,
            unavailable: desired.saturating_sub(ready_n),
            revision: None,
            images: Vec::new(),
            paused: false,
            progressing: None,
            available_condition: None,
            generation: 0,
            observed_generation: 0,
            created: None,
        };
        out.entry((region.name.clone(), context.clone()))
            .or_default()
            .push(row);
    }
    out
}

/// The summary queries: pods by phase, restarts and nodes aggregated per
/// cluster in the store (small answers at any fleet size), and the HPAs'
/// current and maximum replicas.
fn summary_queries(region: &str, cluster: &str) -> [String; 5] {
    let by = format!("{region}, {cluster}");
    [
        format!("sum by ({by}, phase) (kube_pod_status_phase)"),
        format!("sum by ({by}) (kube_pod_container_status_restarts_total)"),
        format!("count by ({by}) (kube_node_info)"),
        "kube_horizontalpodautoscaler_status_current_replicas".to_string(),
        "kube_horizontalpodautoscaler_spec_max_replicas".to_string(),
    ]
}

type Series = Vec<(BTreeMap<String, String>, f64)>;

/// Summaries per (region, context) that had any series.
fn summaries(
    src: &Shape<'_>,
    [phases, restarts, nodes, hpa_cur, hpa_max]: [Series; 5],
) -> BTreeMap<(String, String), WorkloadSummary> {
    let mut out: BTreeMap<(String, String), WorkloadSummary> = BTreeMap::new();
    let key = |l: &BTreeMap<String, String>| -> Option<(String, String)> {
        let get = |k: &str| l.get(k).map(String::as_str).unwrap_or("");
        let region = src
            .regions
            .iter()
            .find(|r| r.name == get(src.region_label))?;
        let context = context_of(region, get(src.cluster_label))?;
        Some((region.name.clone(), context.clone()))
    };
    for (l, v) in &phases {
        if let (Some(k), Some(phase)) = (key(l), l.get("phase")) {
            let s = out.entry(k).or_default();
            *s.pods.entry(phase.clone()).or_default() += count(*v);
        }
    }
    for (l, v) in &restarts {
        if let Some(k) = key(l) {
            out.entry(k).or_default().restarts += u64::from(count(*v));
        }
    }
    for (l, v) in &nodes {
        if let Some(k) = key(l) {
            out.entry(k).or_default().nodes += count(*v);
        }
    }
    let hpa = |l: &BTreeMap<String, String>| {
        let get = |k: &str| l.get(k).cloned().unwrap_or_default();
        (
            get(src.region_label),
            get(src.cluster_label),
            get("namespace"),
            get("horizontalpodautoscaler"),
        )
    };
    let max: BTreeMap<_, f64> = hpa_max.iter().map(|(l, v)| (hpa(l), *v)).collect();
    for (l, v) in &hpa_cur {
        let top = max.get(&hpa(l)).copied();
        if let Some(k) = key(l) {
            let s = out.entry(k).or_default();
            s.hpas += 1;
            if top.is_some_and(|m| *v >= m) {
                s.hpas_at_max += 1;
            }
        }
    }
    out
}

/// One poll: the fleet's rows, and per region whether it had any series.
/// The summaries (pods, restarts, nodes, HPAs) are best effort: a store
/// that fails them still gives the deployments.
pub async fn poll_once(src: &MetricsSource) -> Result<Vec<Update>, String> {
    let [q0, q1, q2, q3, q4] = summary_queries(&src.region_label, &src.cluster_label);
    let ((d, r, u), (p, rs, n, hc, hm)) = futures::join!(
        async {
            futures::join!(
                vector(&src.client, DESIRED, src.timeout),
                vector(&src.client, READY, src.timeout),
                vector(&src.client, UPDATED, src.timeout),
            )
        },
        async {
            futures::join!(
                vector(&src.client, &q0, src.timeout),
                vector(&src.client, &q1, src.timeout),
                vector(&src.client, &q2, src.timeout),
                vector(&src.client, &q3, src.timeout),
                vector(&src.client, &q4, src.timeout),
            )
        },
    );
    let shape = Shape {
        regions: &src.regions,
        region_label: &src.region_label,
        cluster_label: &src.cluster_label,
    };
    let mut out: Vec<Update> = rows(&shape, d?, r?, u?)
        .into_iter()
        .map(|((region, context), rows)| Update::MetricDeployments {
            region,
            context,
            rows,
        })
        .collect();
    match (p, rs, n, hc, hm) {
        (Ok(p), Ok(rs), Ok(n), Ok(hc), Ok(hm)) => {
            out.extend(summaries(&shape, [p, rs, n, hc, hm]).into_iter().map(
                |((region, context), summary)| Update::MetricSummary {
                    region,
                    context,
                    summary,
                },
            ))
        }
        (p, rs, n, hc, hm) => {
            let e = [p.err(), rs.err(), n.err(), hc.err(), hm.err()]
                .into_iter()
                .flatten()
                .next()
                .unwrap_or_default();
            tracing::warn!("fleet metrics: pods, nodes and HPAs not read: {e}");
        }
    }
    Ok(out)
}

/// Polls every `every` until the receiving side goes away; one status per
/// region, so each region's age and staleness are its own. A region with
/// no series at all is reported failed, naming the label it looked for.
pub async fn run(src: MetricsSource, tx: mpsc::Sender<Update>) {
    let mut status: Vec<SourceStatus> = src
        .regions
        .iter()
        .map(|r| SourceStatus::new(SourceKind::Metrics, &r.name, &src.name).polled_every(src.every))
        .collect();
    let mut tick = tokio::time::interval(src.every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let result = poll_once(&src).await;
        let now = Timestamp::now();
        let mut present: Vec<&str> = Vec::new();
        if let Ok(updates) = &result {
            for u in updates {
                if let Update::MetricDeployments { region, rows, .. } = u
                    && !rows.is_empty()
                {
                    present.push(region);
                }
            }
        }
        for s in &mut status {
            match &result {
                Ok(_) if present.contains(&s.region.as_str()) => s.succeeded(now),
                Ok(_) => s.failed(
                    format!(
                        "no {DESIRED} series with {}=\"{}\"",
                        src.region_label,
                        crate::sanitize::clean(&s.region)
                    ),
                    src.stale_after,
                ),
                Err(e) => s.failed(e.clone(), src.stale_after),
            }
        }
        let updates = result.unwrap_or_default();
        for u in updates
            .into_iter()
            .chain(status.iter().cloned().map(Update::Source))
        {
            if tx.send(u).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(region: &str, cluster: &str, deployment: &str) -> BTreeMap<String, String> {
        [
            ("region", region),
            ("cluster", cluster),
            ("namespace", "shop"),
            ("deployment", deployment),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn series_become_rows_of_the_configured_context() {
        let regions = [MetricsRegion {
            name: "eu".into(),
            contexts: vec!["sim-eu".into()],
        }];
        let src = Shape {
            regions: &regions,
            region_label: "region",
            cluster_label: "cluster",
        };
        let out = rows(
            &src,
            vec![
                (labels("eu", "eu", "checkout"), 5.0),
                (labels("elsewhere", "x", "checkout"), 9.0),
            ],
            vec![(labels("eu", "eu", "checkout"), 3.0)],
            vec![(labels("eu", "eu", "checkout"), 4.0)],
        );
        let eu = &out[&("eu".to_string(), "sim-eu".to_string())];
        assert_eq!(eu.len(), 1, "a region not configured is left out");
        let r = &eu[0];
        assert_eq!((r.desired, r.ready, r.updated, r.unavailable), (5, 3, 4, 2));
        assert_eq!(&*r.namespace, "shop");
    }
}
