//! Counters that accumulate over simulated time: requests by code, the
//! latency histogram and CPU seconds, per pod.

use std::collections::BTreeMap;

use super::model::{BUCKETS, CODES, LATENCY_SIGMA, ServiceLoad};

/// Identifies one pod's counters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PodKey {
    pub region: String,
    pub namespace: String,
    pub service: String,
    pub pod: String,
}

/// One pod's accumulated counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodCounters {
    /// Requests by code, in the order of [`CODES`].
    pub requests: [f64; CODES.len()],
    /// Cumulative histogram counts, in the order of [`BUCKETS`] (+Inf is `count`).
    pub buckets: [f64; BUCKETS.len()],
    pub count: f64,
    pub sum: f64,
    pub cpu_seconds: f64,
}

/// All pods' counters.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    pub pods: BTreeMap<PodKey, PodCounters>,
}

impl Counters {
    /// Add `dt_s` seconds of the given loads. Pods no longer present are
    /// forgotten (their series go stale); new pods start at zero.
    pub fn advance(&mut self, dt_s: f64, loads: &[(String, ServiceLoad)]) {
        let mut keep = BTreeMap::new();
        for (region, load) in loads {
            let mean = load.median_s * (LATENCY_SIGMA * LATENCY_SIGMA / 2.0).exp();
            let cdf: Vec<f64> = BUCKETS.iter().map(|le| load.latency_cdf(*le)).collect();
            for pod in &load.pods {
                let key = PodKey {
                    region: region.clone(),
                    namespace: load.namespace.clone(),
                    service: load.service.clone(),
                    pod: pod.pod.clone(),
                };
                let mut c = self.pods.remove(&key).unwrap_or_default();
                let n = pod.rps * dt_s.max(0.0);
                for (i, code) in CODES.iter().enumerate() {
                    c.requests[i] += n * load.code_ratio(code);
                }
                for (i, f) in cdf.iter().enumerate() {
                    c.buckets[i] += n * f;
                }
                c.count += n;
                c.sum += n * mean;
                c.cpu_seconds += pod.cpu_cores * dt_s.max(0.0);
                keep.insert(key, c);
            }
        }
        self.pods = keep;
    }
}
