//! Health of one service in one region, and the rule that derives it.
//!
//! The rule, from worst to best (the first that matches wins):
//! 1. **unknown**: no Kubernetes data for the deployment (not found, or its
//!    source never answered), or that data is stale.
//! 2. **down**: the deployment wants replicas but none is ready, or its
//!    rollout exceeded its progress deadline, or the error ratio is at least
//!    5 × the SLO threshold (or ≥ 50%).
//! 3. **degraded**: fewer ready than desired replicas, or a rollout in
//!    progress has unavailable replicas, or the error ratio or p95 latency is
//!    above its threshold, or an alert with severity `critical` fires for it.
//! 4. **ok**: everything else. SLO values that are missing (no Prometheus, or
//!    it failed) do not make a service worse, but the cell shows them as
//!    missing and the region's Prometheus source as stale.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Ok,
    Degraded,
    Down,
    Unknown,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Degraded => "degraded",
            Health::Down => "down",
            Health::Unknown => "unknown",
        }
    }

    /// Ranking for "which hurts most": down > degraded > unknown > ok.
    pub fn severity(self) -> u8 {
        match self {
            Health::Ok => 0,
            Health::Unknown => 1,
            Health::Degraded => 2,
            Health::Down => 3,
        }
    }
}

/// What the health rule reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct HealthInput {
    /// `None`: no current Kubernetes data for the deployment.
    pub rollout: Option<RolloutFacts>,
    pub error_ratio: Option<f64>,
    pub p95_seconds: Option<f64>,
    pub max_error_ratio: f64,
    pub max_p95_seconds: f64,
    pub critical_alerts: usize,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RolloutFacts {
    pub desired: u32,
    pub ready: u32,
    pub unavailable: u32,
    pub deadline_exceeded: bool,
}

/// Applies the rule in the module docs.
pub fn derive(i: &HealthInput) -> Health {
    let Some(r) = i.rollout else {
        return Health::Unknown;
    };
    let down_ratio = (i.max_error_ratio * 5.0).min(0.5);
    let errors_down = i.error_ratio.is_some_and(|e| e >= down_ratio && e > 0.0);
    if (r.desired > 0 && r.ready == 0) || r.deadline_exceeded || errors_down {
        return Health::Down;
    }
    let slo_breached = i.error_ratio.is_some_and(|e| e > i.max_error_ratio)
        || i.p95_seconds.is_some_and(|p| p > i.max_p95_seconds);
    if r.ready < r.desired || r.unavailable > 0 || slo_breached || i.critical_alerts > 0 {
        return Health::Degraded;
    }
    Health::Ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(desired: u32, ready: u32) -> HealthInput {
        HealthInput {
            rollout: Some(RolloutFacts {
                desired,
                ready,
                ..Default::default()
            }),
            max_error_ratio: 0.01,
            max_p95_seconds: 0.3,
            ..Default::default()
        }
    }

    #[test]
    fn follows_the_documented_rule() {
        assert_eq!(derive(&HealthInput::default()), Health::Unknown);
        assert_eq!(derive(&input(3, 3)), Health::Ok);
        assert_eq!(derive(&input(3, 2)), Health::Degraded);
        assert_eq!(derive(&input(3, 0)), Health::Down);
        assert_eq!(
            derive(&input(0, 0)),
            Health::Ok,
            "scaled to zero on purpose"
        );
        let mut i = input(3, 3);
        i.error_ratio = Some(0.02);
        assert_eq!(derive(&i), Health::Degraded);
        i.error_ratio = Some(0.06);
        assert_eq!(derive(&i), Health::Down);
        let mut i = input(3, 3);
        i.p95_seconds = Some(0.5);
        assert_eq!(derive(&i), Health::Degraded);
        let mut i = input(3, 3);
        i.critical_alerts = 1;
        assert_eq!(derive(&i), Health::Degraded);
        let mut i = input(3, 3);
        i.rollout = i.rollout.map(|r| RolloutFacts {
            deadline_exceeded: true,
            ..r
        });
        assert_eq!(derive(&i), Health::Down);
    }
}
