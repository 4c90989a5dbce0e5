//! The traffic model: request rate, capacity, errors, latency and resource
//! use of every service in every region, as pure functions of
//! `(seed, simulated time, WorldInput)`.

use std::collections::BTreeMap;

use super::input::{RegionInput, ServiceInput, WorldInput};
use super::{noise, regional};

/// Load and speed of one service, fleet-wide. Not part of the Kubernetes
/// world, so it is telemetry configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceProfile {
    /// Global requests per second at the daily peak.
    pub peak_global_rps: f64,
    /// Median latency of an idle, healthy pod, seconds.
    pub base_median_s: f64,
}

/// Profiles for the fixture's services, and the fallback for any other.
pub fn default_profiles() -> BTreeMap<String, ServiceProfile> {
    [
        ("checkout", 220.0, 0.08),
        ("catalog", 500.0, 0.04),
        ("payments", 90.0, 0.12),
        ("search", 380.0, 0.06),
    ]
    .into_iter()
    .map(|(n, rps, lat)| {
        (
            n.to_string(),
            ServiceProfile {
                peak_global_rps: rps,
                base_median_s: lat,
            },
        )
    })
    .collect()
}

/// Profile used for services missing from the table.
pub const FALLBACK_PROFILE: ServiceProfile = ServiceProfile {
    peak_global_rps: 100.0,
    base_median_s: 0.05,
};

/// Spread of the log-normal latency distribution.
pub const LATENCY_SIGMA: f64 = 0.5;

/// Histogram bucket bounds, seconds: the Prometheus client defaults, with
/// finer steps between 50 ms and 1 s where the services' p95 lives, so
/// `histogram_quantile` follows a mild latency change (a canary 20 %
/// slower reads about 20 % slower, not 5 % or 60 % by bucket luck).
pub const BUCKETS: [f64; 17] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0,
];

/// Status codes the simulator emits.
pub const CODES: [&str; 3] = ["200", "500", "503"];

/// Daily traffic shape in [0.3, 1.0]: trough at 03:00 UTC, peak at 15:00 UTC.
pub fn daily_shape(t_ms: i64) -> f64 {
    let hours = (t_ms.rem_euclid(86_400_000)) as f64 / 3_600_000.0;
    0.65 + 0.35 * ((hours - 9.0) / 24.0 * std::f64::consts::TAU).sin()
}

/// Global request rate of a service at `t_ms` with seeded noise (about ±6 %),
/// for a fleet of [`regional::REFERENCE_REGIONS`] regions.
pub fn global_rps(seed: u64, profile: &ServiceProfile, service: &str, t_ms: i64) -> f64 {
    let slow = noise::smooth(seed, &format!("rps-slow/{service}"), t_ms, 300_000);
    let fast = noise::smooth(seed, &format!("rps-fast/{service}"), t_ms, 20_000);
    (profile.peak_global_rps * daily_shape(t_ms) * (1.0 + 0.04 * slow + 0.02 * fast)).max(0.0)
}

/// What one pod does at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct PodLoad {
    pub pod: String,
    pub node: String,
    /// Requests per second this pod answers (successes and errors).
    pub rps: f64,
    pub cpu_cores: f64,
    pub memory_bytes: f64,
}

/// What one service does in one region at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLoad {
    pub service: String,
    pub namespace: String,
    /// Requests per second routed to this region.
    pub rps: f64,
    /// Requests per second the ready pods can serve.
    pub capacity_rps: f64,
    /// rps / capacity (infinite when there is no capacity but traffic).
    pub utilization: f64,
    /// Fraction of requests answered 500 (application errors).
    pub ratio_500: f64,
    /// Fraction of requests answered 503 (overload, region down).
    pub ratio_503: f64,
    /// Median latency, seconds.
    pub median_s: f64,
    pub pods: Vec<PodLoad>,
}

impl ServiceLoad {
    /// Fraction of requests with a 5xx code.
    pub fn error_ratio(&self) -> f64 {
        self.ratio_500 + self.ratio_503
    }

    /// Fraction of requests answered with `code`.
    pub fn code_ratio(&self, code: &str) -> f64 {
        match code {
            "500" => self.ratio_500,
            "503" => self.ratio_503,
            _ => 1.0 - self.error_ratio(),
        }
    }

    /// Latency quantile `q` (0..1) of the log-normal distribution, seconds.
    pub fn latency_quantile(&self, q: f64) -> f64 {
        let z = std::f64::consts::SQRT_2 * inverse_erf(2.0 * q - 1.0);
        self.median_s * (LATENCY_SIGMA * z).exp()
    }

    /// Fraction of requests at most `le` seconds long.
    pub fn latency_cdf(&self, le: f64) -> f64 {
        if le.is_infinite() {
            return 1.0;
        }
        let z = (le.ln() - self.median_s.ln()) / (LATENCY_SIGMA * std::f64::consts::SQRT_2);
        0.5 * (1.0 + libm::erf(z))
    }
}

/// Inverse error function by Newton steps on `libm::erf` (enough for quantiles).
fn inverse_erf(y: f64) -> f64 {
    let y = y.clamp(-0.999_999, 0.999_999);
    let mut x = 0.0_f64;
    for _ in 0..60 {
        let err = libm::erf(x) - y;
        let deriv = 2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp();
        x -= err / deriv;
    }
    x
}

/// Latency multiplier of queueing at utilization `u`.
fn queueing_factor(u: f64) -> f64 {
    if u <= 1.0 {
        1.0 + 3.0 * u.powi(4)
    } else {
        4.0 + 10.0 * (u - 1.0).min(5.0)
    }
}

/// Share of a service's global traffic that goes to `region`, by the
/// regions' traffic weights (0 when all weights are 0).
pub fn traffic_share(world: &WorldInput, region: &str, service: &str) -> f64 {
    let weight_of = |r: &RegionInput| {
        r.services
            .iter()
            .find(|s| s.name == service)
            .map_or(0.0, |s| s.traffic_weight.max(0.0))
    };
    let total: f64 = world.regions.iter().map(weight_of).sum();
    match world.region(region) {
        Some(r) if total > 0.0 => weight_of(r) / total,
        _ => 0.0,
    }
}

/// Everything one service does in one region at `t_ms`.
pub fn service_load(
    seed: u64,
    profile: &ServiceProfile,
    world: &WorldInput,
    region: &RegionInput,
    svc: &ServiceInput,
    t_ms: i64,
) -> ServiceLoad {
    let rps = global_rps(seed, profile, &svc.name, t_ms)
        * regional::fleet_scale(world)
        * traffic_share(world, &region.name, &svc.name)
        * regional::local_factor(region, t_ms)
        * regional::rps_noise(seed, &region.name, &svc.name, t_ms);
    let ready: Vec<_> = svc.pods.iter().filter(|p| p.ready).collect();
    let capacity_rps = ready.len() as f64 * svc.capacity_rps_per_pod;
    let utilization = if capacity_rps > 0.0 {
        rps / capacity_rps
    } else if rps > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    let mut ratio_500: f64 = regional::base_error_ratio(seed, &region.name, &svc.name, t_ms);
    if svc.bad_release {
        ratio_500 += 0.08;
    }
    let overload = if utilization.is_finite() {
        ((utilization - 1.0) / utilization).max(0.0)
    } else {
        1.0
    };
    let mut ratio_503 = overload;
    if region.failed {
        ratio_503 = ratio_503.max(0.9);
    }
    ratio_500 = ratio_500.min(1.0 - ratio_503);
    let mut median_s = profile.base_median_s
        * queueing_factor(utilization.min(6.0))
        * regional::latency_factor(seed, &region.name, &svc.name, t_ms);
    if svc.bad_release {
        median_s *= 2.5;
    }
    if region.latency_spike {
        median_s *= regional::LATENCY_SPIKE_FACTOR;
    }
    if region.failed {
        median_s *= 8.0;
    }
    // Pods that answer traffic: the ready ones; if none is ready, requests
    // reaching the service are answered 503 by whatever pods exist.
    let serving: Vec<_> = if ready.is_empty() {
        svc.pods.iter().collect()
    } else {
        ready
    };
    let per_pod_rps = if serving.is_empty() {
        0.0
    } else {
        rps / serving.len() as f64
    };
    let cpu_per_req = svc.cpu_request_cores * 0.7 / svc.capacity_rps_per_pod.max(1e-9);
    let pods = svc
        .pods
        .iter()
        .map(|p| {
            let serves = serving.iter().any(|s| s.name == p.name);
            let pod_rps = if serves { per_pod_rps } else { 0.0 };
            let jitter = noise::smooth(
                seed,
                &format!("pod/{}/{}", region.name, p.name),
                t_ms,
                30_000,
            );
            let cpu = (0.02 + pod_rps * cpu_per_req).min(svc.cpu_request_cores * 1.5)
                * (1.0 + 0.05 * jitter);
            let load = (pod_rps / svc.capacity_rps_per_pod.max(1e-9)).min(1.5);
            let mem = svc.memory_request_bytes * (0.45 + 0.3 * load) * (1.0 + 0.02 * jitter);
            PodLoad {
                pod: p.name.clone(),
                node: p.node.clone(),
                rps: pod_rps,
                cpu_cores: cpu.max(0.0),
                memory_bytes: mem.max(0.0),
            }
        })
        .collect();
    if serving.is_empty() || capacity_rps == 0.0 {
        ratio_503 = 1.0;
        ratio_500 = 0.0;
    }
    ServiceLoad {
        service: svc.name.clone(),
        namespace: svc.namespace.clone(),
        rps,
        capacity_rps,
        utilization,
        ratio_500,
        ratio_503,
        median_s,
        pods,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_and_quantile_agree() {
        let l = ServiceLoad {
            service: "s".into(),
            namespace: "n".into(),
            rps: 1.0,
            capacity_rps: 2.0,
            utilization: 0.5,
            ratio_500: 0.0,
            ratio_503: 0.0,
            median_s: 0.1,
            pods: vec![],
        };
        let q = l.latency_quantile(0.95);
        assert!((l.latency_cdf(q) - 0.95).abs() < 1e-6);
        assert!((l.latency_quantile(0.5) - 0.1).abs() < 1e-9);
    }

    #[test]
    fn queueing_is_monotonic() {
        let mut last = 0.0;
        for i in 0..100 {
            let f = queueing_factor(i as f64 * 0.05);
            assert!(f >= last);
            last = f;
        }
    }
}
