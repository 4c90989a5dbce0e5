//! The canary gate of a progressive deploy, in the manner of automated
//! canary analysis (Netflix Kayenta): sample error ratio and p95 per
//! interval in the canary regions and in the baseline (regions still on the
//! old version), then (1) the absolute thresholds must hold in the canary,
//! and (2) a one-sided Mann–Whitney U test must not find the canary worse
//! by more than the margin at the configured confidence. Regions differ on
//! the same version, so (2) compares each sample relative to its region's
//! own level before the deploy (`level`) when every region has one: how far
//! the canary moved against how far the baseline moved, and a move within
//! how far the regions wandered in the ten minutes before (their noise) is
//! not held against the release. Too few samples:
//! the window is extended once, then the gate fails closed.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::clients::Ctx;
use super::gate::Verdict;
use super::level;
use super::stats::{mann_whitney_greater, median};
use super::step::RegionLevel;

/// Fewer samples than this on either side is inconclusive.
pub const MIN_SAMPLES: usize = 5;

/// What the gate compares.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec<'a> {
    pub service: &'a str,
    pub canary: &'a [String],
    pub baseline: &'a [String],
    pub window: Duration,
    pub interval: Duration,
    pub confidence: f64,
    pub margin: f64,
    pub max_error_ratio: f64,
    pub max_p95: f64,
    /// Each region's level before the deploy
    pub reference: &'a [RegionLevel],
}

/// One signal's samples: raw, and relative to each region's level when
/// every region has one.
#[derive(Debug, Default, Clone)]
struct Signal {
    canary: Vec<f64>,
    base: Vec<f64>,
    levels: Option<Vec<(String, f64)>>,
    /// The largest wander of the compared regions around their levels
    /// before the deploy: a move within it is noise (0 without levels).
    wander: f64,
    canary_rel: Vec<f64>,
    base_rel: Vec<f64>,
}

impl Signal {
    fn new(
        spec: &Spec<'_>,
        pick: fn(&RegionLevel) -> Option<f64>,
        wander: fn(&RegionLevel) -> Option<f64>,
    ) -> Self {
        let regions: Vec<&String> = spec.canary.iter().chain(spec.baseline).collect();
        let levels = level::normalizer(spec.reference, &regions, pick);
        let wander = levels.as_ref().map_or(0.0, |_| {
            spec.reference
                .iter()
                .filter(|l| regions.contains(&&l.region))
                .filter_map(wander)
                .filter(|w| w.is_finite())
                .fold(0.0, f64::max)
        });
        Self {
            levels,
            wander,
            ..Self::default()
        }
    }

    fn push(&mut self, region: &str, is_canary: bool, v: Option<f64>) {
        let Some(v) = v else { return };
        let rel = self.levels.as_ref().and_then(|l| {
            l.iter()
                .find(|(r, _)| r == region)
                .map(|(_, level)| v / level)
        });
        let (raw, relative) = if is_canary {
            (&mut self.canary, &mut self.canary_rel)
        } else {
            (&mut self.base, &mut self.base_rel)
        };
        raw.push(v);
        relative.extend(rel);
    }

    /// What the comparison uses: relative samples when there are levels.
    fn compared(&self) -> (&[f64], &[f64]) {
        if self.levels.is_some() {
            (&self.canary_rel, &self.base_rel)
        } else {
            (&self.canary, &self.base)
        }
    }
}

#[derive(Debug, Clone)]
struct Samples {
    err: Signal,
    p95: Signal,
}

impl Samples {
    fn canary_len(&self) -> usize {
        self.err.canary.len().max(self.p95.canary.len())
    }

    fn base_len(&self) -> usize {
        self.err.base.len().max(self.p95.base.len())
    }
}

/// One region's instant error ratio and p95 (None when not configured or empty).
async fn sample(
    ctx: &Ctx,
    region: &str,
    service: &str,
) -> Result<(Option<f64>, Option<f64>), String> {
    let q = level::queries(ctx, region, service)?;
    let mut out = (None, None);
    if let Some(e) = &q.error_ratio {
        out.0 = crate::sources::prometheus::instant_value(&q.client, e, q.timeout).await?;
    }
    if let Some(l) = &q.p95_latency {
        out.1 = crate::sources::prometheus::instant_value(&q.client, l, q.timeout).await?;
    }
    Ok(out)
}

pub async fn gate(ctx: &Ctx, spec: &Spec<'_>, cancel: &CancellationToken) -> Verdict {
    let mut s = Samples {
        err: Signal::new(spec, |l| l.error_ratio, |l| l.error_wander),
        p95: Signal::new(spec, |l| l.p95_seconds, |l| l.p95_wander),
    };
    let mut extended = false;
    let mut deadline = Instant::now() + spec.window;
    loop {
        for (regions, is_canary) in [(spec.canary, true), (spec.baseline, false)] {
            for r in regions {
                match sample(ctx, r, spec.service).await {
                    Ok((e, l)) => {
                        s.err.push(r, is_canary, e);
                        s.p95.push(r, is_canary, l);
                    }
                    Err(e) => {
                        return Verdict {
                            passed: false,
                            message: format!(
                                "cannot judge the canary: {}",
                                crate::sanitize::clean(&e)
                            ),
                            values: values(spec, &s, "failed"),
                        };
                    }
                }
            }
        }
        if Instant::now() >= deadline {
            let short = s.canary_len() < MIN_SAMPLES
                || (!spec.baseline.is_empty() && s.base_len() < MIN_SAMPLES);
            if short && !extended {
                extended = true;
                deadline = Instant::now() + spec.window;
            } else if short {
                return Verdict {
                    passed: false,
                    message: format!(
                        "inconclusive: fewer than {MIN_SAMPLES} samples after extending the window once; failing closed"
                    ),
                    values: values(spec, &s, "inconclusive"),
                };
            } else {
                return judge(spec, &s);
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(spec.interval) => {}
            _ = cancel.cancelled() => return Verdict { passed: false, message: "aborted".into(), values: values(spec, &s, "aborted") },
        }
    }
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn values(spec: &Spec<'_>, s: &Samples, verdict: &str) -> Value {
    let cmp = |sig: &Signal| {
        let (c, b) = sig.compared();
        json!({"canaryMedian": median(&sig.canary), "baselineMedian": median(&sig.base),
               "relativeToLevel": sig.levels.is_some(), "wanderBefore": sig.wander,
               "canaryChange": sig.levels.as_ref().and(median(c)),
               "baselineChange": sig.levels.as_ref().and(median(b)),
               "p": mann_whitney_greater(c, b).map(|r| r.0), "u": mann_whitney_greater(c, b).map(|r| r.1),
               "canary": sig.canary, "baseline": sig.base})
    };
    json!({"verdict": verdict, "canaryRegions": spec.canary, "baselineRegions": spec.baseline,
           "confidence": spec.confidence, "margin": spec.margin, "levelBefore": spec.reference,
           "errorRatio": cmp(&s.err), "p95Seconds": cmp(&s.p95),
           "maxErrorRatio": spec.max_error_ratio, "maxP95Seconds": spec.max_p95})
}

/// "+21%" for a relative level of 1.21.
fn change(rel: f64) -> String {
    format!("{:+.0}%", (rel - 1.0) * 100.0)
}

fn judge(spec: &Spec<'_>, s: &Samples) -> Verdict {
    let mut bad = Vec::new();
    if let Some(e) = mean(&s.err.canary).filter(|e| *e > spec.max_error_ratio) {
        bad.push(format!(
            "canary error ratio {:.2}% > {:.2}%",
            e * 100.0,
            spec.max_error_ratio * 100.0
        ));
    }
    if let Some(l) = mean(&s.p95.canary).filter(|l| *l > spec.max_p95) {
        bad.push(format!(
            "canary p95 {:.0} ms > {:.0} ms",
            l * 1000.0,
            spec.max_p95 * 1000.0
        ));
    }
    let alpha = 1.0 - spec.confidence;
    for (name, sig, unit) in [("error ratio", &s.err, 100.0), ("p95", &s.p95, 1000.0)] {
        let (c, b) = sig.compared();
        let (Some(mc), Some(mb), Some((p, _))) = (median(c), median(b), mann_whitney_greater(c, b))
        else {
            continue;
        };
        // A baseline that improved by chance is no evidence against the
        // canary: its change counts from no lower than its level.
        let floor = if sig.levels.is_some() {
            mb.max(1.0)
        } else {
            mb
        };
        if p < alpha && mc > floor * (1.0 + spec.margin + sig.wander) {
            let u = if unit == 100.0 { "%" } else { " ms" };
            let (raw_c, raw_b) = (
                median(&sig.canary).unwrap_or(f64::NAN) * unit,
                median(&sig.base).unwrap_or(f64::NAN) * unit,
            );
            let wander = if sig.wander > 0.0 {
                format!(" + {:.0}% its usual wander", sig.wander * 100.0)
            } else {
                String::new()
            };
            let test = format!(
                "Mann-Whitney p = {p:.4} < {alpha:.2}, margin {:.0}%{wander}",
                spec.margin * 100.0
            );
            bad.push(if sig.levels.is_some() {
                format!(
                    "canary {name} {raw_c:.2}{u} moved {} from its level before the deploy, significantly worse than the baseline's {} ({raw_b:.2}{u}; {test})",
                    change(mc),
                    change(mb)
                )
            } else {
                format!(
                    "canary {name} {raw_c:.2}{u} is significantly worse than the baseline's {raw_b:.2}{u} ({test})"
                )
            });
        }
    }
    if bad.is_empty() {
        let base = if spec.baseline.is_empty() {
            "no baseline left: absolute thresholds only".to_string()
        } else {
            format!("not worse than the baseline {}", spec.baseline.join(", "))
        };
        Verdict {
            passed: true,
            message: format!(
                "canary {} passed: within the SLO, {base}",
                spec.canary.join(", ")
            ),
            values: values(spec, s, "pass"),
        }
    } else {
        Verdict {
            passed: false,
            message: bad.join("; "),
            values: values(spec, s, "fail"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn level(region: &str, wander: f64) -> RegionLevel {
        RegionLevel {
            region: region.into(),
            error_ratio: Some(0.001),
            p95_seconds: None,
            error_wander: Some(wander),
            p95_wander: None,
        }
    }

    /// The canary's error ratio `moved` (1.3 = +30%) from its level of
    /// 0.1%, the baseline's stayed, with eight samples each.
    fn verdict(moved: f64, wander: f64) -> Verdict {
        verdict_with(moved, 1.0, wander)
    }

    /// As [`verdict`], the baseline having moved by `base` too.
    fn verdict_with(moved: f64, base: f64, wander: f64) -> Verdict {
        let (canary, baseline) = (["c".to_string()], ["b".to_string()]);
        let reference = [level("c", wander), level("b", wander)];
        let spec = Spec {
            service: "s",
            canary: &canary,
            baseline: &baseline,
            window: Duration::from_secs(1),
            interval: Duration::from_secs(1),
            confidence: 0.95,
            margin: 0.1,
            max_error_ratio: 0.01,
            max_p95: 1.0,
            reference: &reference,
        };
        let mut s = Samples {
            err: Signal::new(&spec, |l| l.error_ratio, |l| l.error_wander),
            p95: Signal::new(&spec, |l| l.p95_seconds, |l| l.p95_wander),
        };
        for i in 0..8 {
            let jitter = 1.0 + 0.001 * f64::from(i);
            s.err.push("c", true, Some(0.001 * moved * jitter));
            s.err.push("b", false, Some(0.001 * base * jitter));
        }
        judge(&spec, &s)
    }

    #[test]
    fn a_move_within_the_regions_usual_wander_passes() {
        // +16% is beyond the 10% margin but within a 15% wander.
        assert!(!verdict(1.16, 0.0).passed);
        assert!(verdict(1.16, 0.15).passed);
    }

    #[test]
    fn a_baseline_that_improved_by_chance_does_not_fail_the_canary() {
        // Canary +11%, baseline -7%: against the baseline's own change that
        // is 19% worse, but the canary is within margin + wander of its level.
        let v = verdict_with(1.11, 0.93, 0.05);
        assert!(v.passed, "{}", v.message);
        // A real regression still fails with the baseline below its level.
        assert!(!verdict_with(1.3, 0.93, 0.05).passed);
    }

    #[test]
    fn a_move_beyond_margin_and_wander_fails_and_says_both() {
        let v = verdict(1.4, 0.15);
        assert!(!v.passed);
        assert!(
            v.message.contains("margin 10% + 15% its usual wander"),
            "{}",
            v.message
        );
        assert_eq!(v.values["errorRatio"]["wanderBefore"], 0.15);
    }
}
