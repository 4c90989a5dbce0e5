//! `--fault` flags at start, for both sides of the fleet.
//!
//! Kubernetes side (per region): `REGION:refuse`, `REGION:unavailable` (or
//! `503`), `REGION:latency=MS`, `REGION:fail`, `REGION:expire-watches`,
//! `REGION:racing-writes=N`.
//! Telemetry side: `REGION:latency-spike`, `REGION:cost-anomaly`,
//! `REGION:prometheus-down`, `REGION:bad-release=SERVICE`, and the
//! fleet-wide `prometheus:down`, `prometheus:slow=MS`, `alertmanager:down`.

use crate::sim::fault::{FaultPatch, parse_flag};
use crate::sim::telemetry::Faults;

/// One `--fault` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartFault {
    /// A fault of one region's Kubernetes API or pods.
    Kube {
        /// region name
        region: String,
        /// the change
        patch: FaultPatch,
    },
    /// A telemetry fault, as [`Faults::change`] names it.
    Telemetry {
        /// the region it concerns (checked against the regions), if any
        region: Option<String>,
        /// `latency-spike`, `cost-anomaly`, `prometheus-down`, `bad-release`,
        /// `prometheus-slow`, `alertmanager-down`
        kind: String,
        /// the target [`Faults::change`] takes
        target: String,
    },
}

/// Parse one `--fault` flag.
pub fn parse(s: &str) -> Result<StartFault, String> {
    let (who, what) = s.split_once(':').ok_or_else(|| {
        format!("--fault {s:?}: expected REGION:KIND, e.g. eu-west-1:latency=800")
    })?;
    let (kind, value) = match what.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (what, None),
    };
    let telemetry = |region: Option<&str>, kind: &str, target: String| StartFault::Telemetry {
        region: region.map(str::to_string),
        kind: kind.to_string(),
        target,
    };
    let fault = match (who, kind) {
        ("prometheus", "down") => telemetry(None, "prometheus-down", "*".into()),
        ("prometheus", "slow") => {
            let ms: u64 = value
                .and_then(|v| v.trim_end_matches("ms").parse().ok())
                .ok_or_else(|| format!("--fault {s:?}: slow needs milliseconds, e.g. slow=3000"))?;
            telemetry(None, "prometheus-slow", ms.to_string())
        }
        ("alertmanager", "down") => telemetry(None, "alertmanager-down", "-".into()),
        (region, "latency-spike" | "cost-anomaly" | "prometheus-down") => {
            telemetry(Some(region), kind, region.to_string())
        }
        (region, "bad-release") => {
            let service = value.filter(|v| !v.is_empty()).ok_or_else(|| {
                format!("--fault {s:?}: bad-release needs a service, e.g. bad-release=checkout")
            })?;
            telemetry(Some(region), kind, format!("{region}/{service}"))
        }
        _ => {
            let (region, patch) = parse_flag(s).map_err(|e| {
                format!(
                    "{e}; telemetry faults: REGION:latency-spike, REGION:cost-anomaly, \
                     REGION:prometheus-down, REGION:bad-release=SERVICE, prometheus:down, \
                     prometheus:slow=MS, alertmanager:down"
                )
            })?;
            StartFault::Kube { region, patch }
        }
    };
    Ok(fault)
}

impl StartFault {
    /// The region the flag names, if any.
    pub fn region(&self) -> Option<&str> {
        match self {
            StartFault::Kube { region, .. } => Some(region),
            StartFault::Telemetry { region, .. } => region.as_deref(),
        }
    }
}

/// The telemetry faults of a list of flags.
pub fn telemetry_faults(flags: &[StartFault]) -> Faults {
    let mut f = Faults::default();
    for flag in flags {
        if let StartFault::Telemetry { kind, target, .. } = flag {
            f.change(kind, target, true);
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides() {
        assert!(matches!(
            parse("eu-west-1:latency=800"),
            Ok(StartFault::Kube { ref region, ref patch }) if region == "eu-west-1" && patch.latency_ms == Some(800)
        ));
        let flags: Vec<StartFault> = [
            "eastus:latency-spike",
            "eu-west-1:cost-anomaly",
            "us-east-1:bad-release=checkout",
            "prometheus:slow=1500",
            "alertmanager:down",
            "europe-west4:prometheus-down",
        ]
        .iter()
        .map(|s| parse(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
        assert_eq!(flags[2].region(), Some("us-east-1"));
        assert_eq!(flags[3].region(), None);
        let f = telemetry_faults(&flags);
        assert!(f.latency_spike.contains("eastus"));
        assert!(f.cost_anomaly.contains("eu-west-1"));
        assert!(f.bad_release.contains("us-east-1/checkout"));
        assert_eq!(f.prometheus_slow_ms, 1500);
        assert!(f.alertmanager_down);
        assert!(f.prometheus_is_down(Some("europe-west4")));
        assert!(parse("us-east-1:bad-release").is_err());
        assert!(parse("x:nope").is_err_and(|e| e.contains("latency-spike")));
    }
}
