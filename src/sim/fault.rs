//! Fault injection: per-region faults, set at start (`--fault`) or at run
//! time through `POST /control/regions/{region}/faults`.

use serde::{Deserialize, Serialize};

/// The faults active in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// the region's API closes every connection without answering
    pub refuse: bool,
    /// the region's API answers 503 Service Unavailable
    pub unavailable: bool,
    /// added latency on every API request, in milliseconds (real time)
    pub latency_ms: u64,
    /// the region failed: its pods run but are not ready
    pub failed: bool,
    /// the next this many writes to an existing object (PUT, PATCH, the
    /// scale subresource) meet another writer first: just before each, the
    /// object gets an annotation, so a write carrying the resourceVersion
    /// it read meets 409 Conflict, as on a busy real cluster
    pub racing_writes: u32,
}

/// A change to a region's faults; absent fields keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPatch {
    /// see [`Faults::refuse`]
    pub refuse: Option<bool>,
    /// see [`Faults::unavailable`]
    pub unavailable: Option<bool>,
    /// see [`Faults::latency_ms`]
    pub latency_ms: Option<u64>,
    /// see [`Faults::failed`]
    pub failed: Option<bool>,
    /// see [`Faults::racing_writes`]
    pub racing_writes: Option<u32>,
    /// one-shot: end every open watch with 410 Expired and forget history
    pub expire_watches: bool,
    /// clear every fault first
    pub clear: bool,
}

impl Faults {
    /// Apply a patch.
    pub fn apply(&mut self, p: &FaultPatch) {
        if p.clear {
            *self = Faults::default();
        }
        if let Some(v) = p.refuse {
            self.refuse = v;
        }
        if let Some(v) = p.unavailable {
            self.unavailable = v;
        }
        if let Some(v) = p.latency_ms {
            self.latency_ms = v;
        }
        if let Some(v) = p.failed {
            self.failed = v;
        }
        if let Some(v) = p.racing_writes {
            self.racing_writes = v;
        }
    }
}

/// Parse a `--fault` flag: `REGION:KIND[=VALUE]`, KIND one of `refuse`,
/// `unavailable` (or `503`), `latency=MS`, `fail`, `expire-watches`,
/// `racing-writes=N`.
pub fn parse_flag(s: &str) -> Result<(String, FaultPatch), String> {
    let (region, what) = s.split_once(':').ok_or_else(|| {
        format!("--fault {s:?}: expected REGION:KIND, e.g. eu-west-1:latency=800")
    })?;
    let (kind, value) = match what.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (what, None),
    };
    let mut p = FaultPatch::default();
    match kind {
        "refuse" => p.refuse = Some(true),
        "unavailable" | "503" => p.unavailable = Some(true),
        "fail" | "failed" => p.failed = Some(true),
        "expire-watches" => p.expire_watches = true,
        "latency" => {
            let ms = value
                .and_then(|v| v.trim_end_matches("ms").parse().ok())
                .ok_or_else(|| {
                    format!("--fault {s:?}: latency needs milliseconds, e.g. latency=800")
                })?;
            p.latency_ms = Some(ms);
        }
        "racing-writes" => {
            let n = value.and_then(|v| v.parse().ok()).ok_or_else(|| {
                format!("--fault {s:?}: racing-writes needs a count, e.g. racing-writes=2")
            })?;
            p.racing_writes = Some(n);
        }
        other => {
            return Err(format!(
                "--fault {s:?}: unknown fault {other:?} (refuse, unavailable, latency=MS, fail, expire-watches, racing-writes=N)"
            ));
        }
    }
    Ok((region.to_string(), p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        let (r, p) = parse_flag("eu-west-1:latency=800").unwrap_or_default();
        assert_eq!(r, "eu-west-1");
        assert_eq!(p.latency_ms, Some(800));
        assert!(parse_flag("x:nope").is_err());
        let (_, p) = parse_flag("us-east-1:racing-writes=2").unwrap_or_default();
        assert_eq!(p.racing_writes, Some(2));
        assert!(parse_flag("us-east-1:racing-writes").is_err());
        assert!(parse_flag("nocolon").is_err());
    }
}
