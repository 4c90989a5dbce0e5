//! The canary gate of a progressive deploy, in the manner of automated
//! canary analysis (Netflix Kayenta): sample error ratio and p95 per
//! interval in the canary regions and in the baseline (regions still on the
//! old version), then (1) the absolute thresholds must hold in the canary,
//! and (2) a one-sided Mann–Whitney U test must not find the canary worse
//! by more than the margin at the configured confidence. Too few samples:
//! the window is extended once, then the gate fails closed.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::clients::Ctx;
use super::gate::Verdict;
use super::stats::{mann_whitney_greater, median};

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
}

#[derive(Debug, Default, Clone)]
struct Samples {
    canary_err: Vec<f64>,
    canary_p95: Vec<f64>,
    base_err: Vec<f64>,
    base_p95: Vec<f64>,
}

/// One region's instant error ratio and p95 (None when not configured or empty).
async fn sample(
    ctx: &Ctx,
    region: &str,
    service: &str,
) -> Result<(Option<f64>, Option<f64>), String> {
    let reg = ctx
        .cfg
        .regions
        .iter()
        .find(|r| r.name == region)
        .ok_or_else(|| format!("no region {region}"))?;
    let svc = ctx
        .cfg
        .services
        .iter()
        .find(|s| s.name == service)
        .ok_or_else(|| format!("no service {service}"))?;
    let p = reg
        .prometheus
        .as_ref()
        .ok_or_else(|| format!("no Prometheus for {region}"))?;
    let client = crate::sources::http::client(p.auth.as_ref(), &p.headers, p.timeout)
        .and_then(|h| crate::sources::prometheus::client(h, &p.url))?;
    let q = |raw: &Option<String>| {
        raw.as_deref()
            .map(|q| crate::sources::prometheus::expand(q, p.selector.as_deref()))
    };
    let mut out = (None, None);
    if let Some(e) = q(&svc.slo.error_ratio) {
        out.0 = crate::sources::prometheus::instant_value(&client, &e, p.timeout).await?;
    }
    if let Some(l) = q(&svc.slo.p95_latency) {
        out.1 = crate::sources::prometheus::instant_value(&client, &l, p.timeout).await?;
    }
    Ok(out)
}

pub async fn gate(ctx: &Ctx, spec: &Spec<'_>, cancel: &CancellationToken) -> Verdict {
    let mut s = Samples::default();
    let mut extended = false;
    let mut deadline = Instant::now() + spec.window;
    loop {
        for (regions, is_canary) in [(spec.canary, true), (spec.baseline, false)] {
            for r in regions {
                match sample(ctx, r, spec.service).await {
                    Ok((e, l)) => {
                        let (errs, lats) = if is_canary {
                            (&mut s.canary_err, &mut s.canary_p95)
                        } else {
                            (&mut s.base_err, &mut s.base_p95)
                        };
                        errs.extend(e);
                        lats.extend(l);
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
            let short = s.canary_p95.len().max(s.canary_err.len()) < MIN_SAMPLES
                || (!spec.baseline.is_empty()
                    && s.base_p95.len().max(s.base_err.len()) < MIN_SAMPLES);
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
    let cmp = |c: &[f64], b: &[f64]| {
        json!({"canaryMedian": median(c), "baselineMedian": median(b), "p": mann_whitney_greater(c, b).map(|r| r.0),
               "u": mann_whitney_greater(c, b).map(|r| r.1), "canary": c, "baseline": b})
    };
    json!({"verdict": verdict, "canaryRegions": spec.canary, "baselineRegions": spec.baseline,
           "confidence": spec.confidence, "margin": spec.margin,
           "errorRatio": cmp(&s.canary_err, &s.base_err), "p95Seconds": cmp(&s.canary_p95, &s.base_p95),
           "maxErrorRatio": spec.max_error_ratio, "maxP95Seconds": spec.max_p95})
}

fn judge(spec: &Spec<'_>, s: &Samples) -> Verdict {
    let mut bad = Vec::new();
    if let Some(e) = mean(&s.canary_err).filter(|e| *e > spec.max_error_ratio) {
        bad.push(format!(
            "canary error ratio {:.2}% > {:.2}%",
            e * 100.0,
            spec.max_error_ratio * 100.0
        ));
    }
    if let Some(l) = mean(&s.canary_p95).filter(|l| *l > spec.max_p95) {
        bad.push(format!(
            "canary p95 {:.0} ms > {:.0} ms",
            l * 1000.0,
            spec.max_p95 * 1000.0
        ));
    }
    let alpha = 1.0 - spec.confidence;
    for (name, c, b, unit) in [
        ("error ratio", &s.canary_err, &s.base_err, 100.0),
        ("p95", &s.canary_p95, &s.base_p95, 1000.0),
    ] {
        let (Some(mc), Some(mb), Some((p, _))) = (median(c), median(b), mann_whitney_greater(c, b))
        else {
            continue;
        };
        if p < alpha && mc > mb * (1.0 + spec.margin) {
            let u = if unit == 100.0 { "%" } else { " ms" };
            bad.push(format!(
                "canary {name} {:.2}{u} is significantly worse than the baseline's {:.2}{u} (Mann-Whitney p = {p:.4} < {alpha:.2}, margin {:.0}%)",
                mc * unit,
                mb * unit,
                spec.margin * 100.0
            ));
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
