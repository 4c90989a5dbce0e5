//! The canary gate of a progressive deploy, in the manner of automated
//! canary analysis (Netflix Kayenta): sample error ratio and p95 per
//! interval in the canary regions and in the baseline (regions still on the
//! old version), then (1) the absolute thresholds must hold in the canary,
//! and (2) a one-sided Mann–Whitney U test must not find the canary worse
//! by more than the margin at the configured confidence. Regions differ on
//! the same version, so (2) compares each sample relative to its region's
//! own level before the deploy (`level`) when every region has one: how far
//! the canary moved against how far the baseline moved. Too few samples:
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
    canary_rel: Vec<f64>,
    base_rel: Vec<f64>,
}

impl Signal {
    fn new(spec: &Spec<'_>, pick: fn(&RegionLevel) -> Option<f64>) -> Self {
        let regions: Vec<&String> = spec.canary.iter().chain(spec.baseline).collect();
        Self {
            levels: level::normalizer(spec.reference, &regions, pick),
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
        err: Signal::new(spec, |l| l.error_ratio),
        p95: Signal::new(spec, |l| l.p95_seconds),
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
               "relativeToLevel": sig.levels.is_some(),
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
        if p < alpha && mc > mb * (1.0 + spec.margin) {
            let u = if unit == 100.0 { "%" } else { " ms" };
            let (raw_c, raw_b) = (
                median(&sig.canary).unwrap_or(f64::NAN) * unit,
                median(&sig.base).unwrap_or(f64::NAN) * unit,
            );
            let test = format!(
                "Mann-Whitney p = {p:.4} < {alpha:.2}, margin {:.0}%",
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
