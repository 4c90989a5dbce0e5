//! The series the simulated fleet exposes at an instant: application
//! metrics, cAdvisor-style resource metrics, kube-state-metrics and node
//! cost. The same list feeds `/metrics` and the in-process PromQL engine,
//! so both show the same series with the same labels.

use super::cost;
use super::counters::{Counters, PodKey};
use super::input::{PodPhase, RegionInput, WorldInput};
use super::model::{BUCKETS, CODES, ServiceLoad};
use super::series::{Labels, NAME};

/// Prometheus metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// One metric family; each sample's labels include `__name__` (for
/// histograms the `_bucket`/`_sum`/`_count` names).
#[derive(Debug, Clone)]
pub struct Family {
    pub name: &'static str,
    pub kind: Kind,
    pub help: &'static str,
    pub samples: Vec<(Labels, f64)>,
}

impl Family {
    fn new(name: &'static str, kind: Kind, help: &'static str) -> Self {
        Self {
            name,
            kind,
            help,
            samples: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, base: &Labels, extra: &[(&str, &str)], v: f64) {
        let mut ls = base.clone();
        ls.insert(NAME.to_string(), name.to_string());
        for (k, val) in extra {
            ls.insert((*k).to_string(), (*val).to_string());
        }
        self.samples.push((ls, v));
    }
}

fn region_labels(r: &RegionInput) -> Labels {
    let mut ls = Labels::new();
    ls.insert("region".into(), r.name.clone());
    ls.insert("cluster".into(), r.cluster.clone());
    ls
}

/// Format a histogram bound the way Prometheus client libraries do.
pub fn format_le(le: f64) -> String {
    if le.is_infinite() {
        "+Inf".to_string()
    } else {
        format!("{le}")
    }
}

/// Every family at an instant, for the whole world.
pub fn families(
    world: &WorldInput,
    loads: &[(String, ServiceLoad)],
    counters: &Counters,
) -> Vec<Family> {
    let mut req = Family::new(
        "http_requests_total",
        Kind::Counter,
        "HTTP requests answered, by status code.",
    );
    let mut dur = Family::new(
        "http_request_duration_seconds",
        Kind::Histogram,
        "HTTP request latency.",
    );
    let mut cpu = Family::new(
        "container_cpu_usage_seconds_total",
        Kind::Counter,
        "CPU time used by the pod's container.",
    );
    let mut mem = Family::new(
        "container_memory_working_set_bytes",
        Kind::Gauge,
        "Working set of the pod's container.",
    );
    let mut cap = Family::new(
        "opsdeck_service_capacity_rps",
        Kind::Gauge,
        "Requests per second the ready pods can serve.",
    );
    let mut spec = Family::new(
        "kube_deployment_spec_replicas",
        Kind::Gauge,
        "Number of desired pods for a deployment.",
    );
    let mut ready = Family::new(
        "kube_deployment_status_replicas_ready",
        Kind::Gauge,
        "The number of ready replicas per deployment.",
    );
    let mut updated = Family::new(
        "kube_deployment_status_replicas_updated",
        Kind::Gauge,
        "The number of updated replicas per deployment.",
    );
    let mut phase = Family::new(
        "kube_pod_status_phase",
        Kind::Gauge,
        "The pods current phase.",
    );
    let mut restarts = Family::new(
        "kube_pod_container_status_restarts_total",
        Kind::Counter,
        "The number of container restarts per container.",
    );
    let mut node_info = Family::new(
        "kube_node_info",
        Kind::Gauge,
        "Information about a cluster node.",
    );
    let mut hpa_cur = Family::new(
        "kube_horizontalpodautoscaler_status_current_replicas",
        Kind::Gauge,
        "Current number of replicas of pods managed by this autoscaler.",
    );
    let mut hpa_des = Family::new(
        "kube_horizontalpodautoscaler_status_desired_replicas",
        Kind::Gauge,
        "Desired number of replicas of pods managed by this autoscaler.",
    );
    let mut hpa_min = Family::new(
        "kube_horizontalpodautoscaler_spec_min_replicas",
        Kind::Gauge,
        "Lower limit for the number of pods that can be set by the autoscaler, default 1.",
    );
    let mut hpa_max = Family::new(
        "kube_horizontalpodautoscaler_spec_max_replicas",
        Kind::Gauge,
        "Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.",
    );
    let mut node_cost = Family::new(
        "node_total_hourly_cost",
        Kind::Gauge,
        "Total node cost per hour (on-demand list price).",
    );

    for r in &world.regions {
        let base = region_labels(r);
        for svc in &r.services {
            let mut sl = base.clone();
            sl.insert("namespace".into(), svc.namespace.clone());
            let mut dl = sl.clone();
            dl.insert("deployment".into(), svc.deployment.clone());
            spec.push(spec.name, &dl, &[], f64::from(svc.desired_replicas));
            ready.push(ready.name, &dl, &[], f64::from(svc.ready_replicas));
            updated.push(updated.name, &dl, &[], f64::from(svc.updated_replicas));
            let load = loads
                .iter()
                .find(|(rn, l)| *rn == r.name && l.service == svc.name)
                .map(|(_, l)| l);
            let mut svl = sl.clone();
            svl.insert("service".into(), svc.name.clone());
            if let Some(l) = load {
                cap.push(cap.name, &svl, &[], l.capacity_rps);
            }
            for pod in &svc.pods {
                let mut pl = sl.clone();
                pl.insert("pod".into(), pod.name.clone());
                for p in PodPhase::ALL {
                    phase.push(
                        phase.name,
                        &pl,
                        &[("phase", p.as_str())],
                        if p == pod.phase { 1.0 } else { 0.0 },
                    );
                }
                restarts.push(
                    restarts.name,
                    &pl,
                    &[("container", &svc.deployment)],
                    f64::from(pod.restarts),
                );
                let key = PodKey {
                    region: r.name.clone(),
                    namespace: svc.namespace.clone(),
                    service: svc.name.clone(),
                    pod: pod.name.clone(),
                };
                let Some(c) = counters.pods.get(&key) else {
                    continue;
                };
                let mut al = svl.clone();
                al.insert("pod".into(), pod.name.clone());
                for (i, code) in CODES.iter().enumerate() {
                    req.push(req.name, &al, &[("code", code)], c.requests[i]);
                }
                for (i, le) in BUCKETS.iter().enumerate() {
                    dur.push(
                        "http_request_duration_seconds_bucket",
                        &al,
                        &[("le", &format_le(*le))],
                        c.buckets[i],
                    );
                }
                dur.push(
                    "http_request_duration_seconds_bucket",
                    &al,
                    &[("le", "+Inf")],
                    c.count,
                );
                dur.push("http_request_duration_seconds_sum", &al, &[], c.sum);
                dur.push("http_request_duration_seconds_count", &al, &[], c.count);
                cpu.push(cpu.name, &al, &[], c.cpu_seconds);
                if let Some(pl) = load.and_then(|l| l.pods.iter().find(|p| p.pod == pod.name)) {
                    mem.push(mem.name, &al, &[], pl.memory_bytes);
                }
            }
        }
        for n in cost::billed_nodes(r) {
            let mut nl = base.clone();
            nl.insert("node".into(), n.node.name.clone());
            let provider_id = format!("{}://{}/{}", r.provider.as_str(), n.node.zone, n.node.name);
            node_info.push(
                node_info.name,
                &nl,
                &[
                    ("provider_id", &provider_id),
                    ("kubelet_version", "v1.33.1"),
                    ("container_runtime_version", "containerd://1.7.27"),
                    ("os_image", "Ubuntu 24.04.2 LTS"),
                ],
                1.0,
            );
            node_cost.push(
                node_cost.name,
                &nl,
                &[
                    ("instance_type", &n.node.instance_type),
                    ("provider", r.provider.as_str()),
                ],
                n.hourly,
            );
        }
        for h in &r.hpas {
            let mut hl = base.clone();
            hl.insert("namespace".into(), h.namespace.clone());
            hl.insert("horizontalpodautoscaler".into(), h.name.clone());
            hpa_cur.push(hpa_cur.name, &hl, &[], f64::from(h.current_replicas));
            hpa_des.push(hpa_des.name, &hl, &[], f64::from(h.desired_replicas));
            hpa_min.push(hpa_min.name, &hl, &[], f64::from(h.min_replicas));
            hpa_max.push(hpa_max.name, &hl, &[], f64::from(h.max_replicas));
        }
    }
    vec![
        req, dur, cpu, mem, cap, spec, ready, updated, phase, restarts, node_info, hpa_cur,
        hpa_des, hpa_min, hpa_max, node_cost,
    ]
}

/// Families restricted to one region's series.
pub fn for_region(families: &[Family], region: &str) -> Vec<Family> {
    families
        .iter()
        .map(|f| Family {
            name: f.name,
            kind: f.kind,
            help: f.help,
            samples: f
                .samples
                .iter()
                .filter(|(ls, _)| ls.get("region").is_some_and(|r| r == region))
                .cloned()
                .collect(),
        })
        .collect()
}
