//! PromQL functions, following Prometheus 2.42's implementations.

use std::collections::BTreeMap;

use promql_parser::parser::{Call, Expr};

use super::eval::Evaluator;
use super::{QueryError, Sample, Value, drop_name};
use crate::sim::telemetry::series::Labels;

/// Evaluate a function call at `t`.
pub fn call(ev: &Evaluator<'_>, call: &Call, t: i64) -> Result<Value, QueryError> {
    let args = &call.args.args;
    let arg = |i: usize| {
        args.get(i).map(|b| b.as_ref()).ok_or_else(|| {
            QueryError::bad_data(format!("missing argument {i} of {}", call.func.name))
        })
    };
    match call.func.name {
        "time" => Ok(Value::Scalar(t as f64 / 1000.0)),
        "rate" | "increase" | "irate" => Ok(Value::Vector(
            rates(ev, call, t)?
                .into_iter()
                .map(|(ls, value)| Sample {
                    labels: drop_name(ls.clone()),
                    value,
                })
                .collect(),
        )),
        "abs" => map_vector(ev, arg(0)?, t, f64::abs),
        "clamp_min" => {
            let min = ev.eval_scalar(arg(1)?, t)?;
            map_vector(ev, arg(0)?, t, |v| v.max(min))
        }
        "clamp_max" => {
            let max = ev.eval_scalar(arg(1)?, t)?;
            map_vector(ev, arg(0)?, t, |v| v.min(max))
        }
        "scalar" => {
            let v = ev.eval_vector(arg(0)?, t)?;
            Ok(Value::Scalar(match v.as_slice() {
                [one] => one.value,
                _ => f64::NAN,
            }))
        }
        "vector" => Ok(Value::Vector(vec![Sample {
            labels: Labels::new(),
            value: ev.eval_scalar(arg(0)?, t)?,
        }])),
        "histogram_quantile" => {
            let q = ev.eval_scalar(arg(0)?, t)?;
            let v = ev.eval_vector(arg(1)?, t)?;
            Ok(Value::Vector(histogram_quantile(q, v)))
        }
        other => Err(QueryError::unsupported(format!("function \"{other}\""))),
    }
}

/// `call` when it is `rate`, `increase` or `irate` (the functions
/// [`rates`] evaluates).
pub fn as_rate(e: &Expr) -> Option<&Call> {
    match e {
        Expr::Paren(p) => as_rate(&p.expr),
        Expr::Call(c) if matches!(c.func.name, "rate" | "increase" | "irate") => Some(c),
        _ => None,
    }
}

/// `rate`, `increase` or `irate` at `t`, with each series' labels borrowed
/// from the store (still carrying `__name__`): an aggregation over it
/// clones no label set, and one buffer holds every series' window.
pub fn rates<'a>(
    ev: &Evaluator<'a>,
    call: &Call,
    t: i64,
) -> Result<Vec<(&'a Labels, f64)>, QueryError> {
    let a0 =
        call.args.args.first().map(|b| b.as_ref()).ok_or_else(|| {
            QueryError::bad_data(format!("missing argument 0 of {}", call.func.name))
        })?;
    if matches!(a0, Expr::Subquery(_)) {
        return Err(QueryError::unsupported("subquery"));
    }
    let Expr::MatrixSelector(ms) = a0 else {
        return Err(QueryError::unsupported(format!(
            "{}() over anything but a range selector",
            call.func.name
        )));
    };
    let range_ms = ms.range.as_millis() as i64;
    let range_end = t - super::eval::offset_ms(&ms.vs.offset);
    let range_start = range_end - range_ms;
    let irate = call.func.name == "irate";
    let is_rate = call.func.name == "rate";
    let mut out = Vec::new();
    ev.for_each_range(&ms.vs, range_ms, t, |ls, points| {
        let v = if irate {
            instant_rate(points)
        } else {
            extrapolated_rate(points, range_start, range_end, is_rate)
        };
        if let Some(v) = v {
            out.push((ls, v));
        }
    })?;
    Ok(out)
}

fn map_vector(
    ev: &Evaluator<'_>,
    e: &Expr,
    t: i64,
    f: impl Fn(f64) -> f64,
) -> Result<Value, QueryError> {
    Ok(Value::Vector(
        ev.eval_vector(e, t)?
            .into_iter()
            .map(|s| Sample {
                labels: drop_name(s.labels),
                value: f(s.value),
            })
            .collect(),
    ))
}

/// Prometheus' `extrapolatedRate` for counters (`rate` when `is_rate`,
/// else `increase`). `None` with fewer than two samples.
pub fn extrapolated_rate(
    points: &[(i64, f64)],
    range_start: i64,
    range_end: i64,
    is_rate: bool,
) -> Option<f64> {
    let (first, last) = match points {
        [first, .., last] => (*first, *last),
        _ => return None,
    };
    let mut result = last.1 - first.1;
    let mut last_value = 0.0;
    for (_, v) in points {
        if *v < last_value {
            result += last_value;
        }
        last_value = *v;
    }
    let mut duration_to_start = (first.0 - range_start) as f64 / 1000.0;
    let duration_to_end = (range_end - last.0) as f64 / 1000.0;
    let sampled_interval = (last.0 - first.0) as f64 / 1000.0;
    let average_between = sampled_interval / (points.len() - 1) as f64;
    if result > 0.0 && first.1 >= 0.0 {
        let duration_to_zero = sampled_interval * (first.1 / result);
        if duration_to_zero < duration_to_start {
            duration_to_start = duration_to_zero;
        }
    }
    let threshold = average_between * 1.1;
    let mut extrapolate_to = sampled_interval;
    extrapolate_to += if duration_to_start < threshold {
        duration_to_start
    } else {
        average_between / 2.0
    };
    extrapolate_to += if duration_to_end < threshold {
        duration_to_end
    } else {
        average_between / 2.0
    };
    result *= extrapolate_to / sampled_interval;
    if is_rate {
        result /= (range_end - range_start) as f64 / 1000.0;
    }
    Some(result)
}

/// Prometheus' `instantValue` for `irate`.
pub fn instant_rate(points: &[(i64, f64)]) -> Option<f64> {
    let (prev, last) = match points {
        [.., prev, last] => (*prev, *last),
        _ => return None,
    };
    let delta = if last.1 < prev.1 {
        last.1
    } else {
        last.1 - prev.1
    };
    let interval = last.0 - prev.0;
    if interval == 0 {
        return None;
    }
    Some(delta / (interval as f64 / 1000.0))
}

/// Prometheus' `bucketQuantile` over classic histograms, grouped by all
/// labels but `le` and the metric name.
pub fn histogram_quantile(q: f64, v: Vec<Sample>) -> Vec<Sample> {
    let mut groups: BTreeMap<Labels, Vec<(f64, f64)>> = BTreeMap::new();
    for s in v {
        let Some(le) = s.labels.get("le").and_then(|l| parse_le(l)) else {
            continue;
        };
        let mut key = drop_name(s.labels);
        key.remove("le");
        groups.entry(key).or_default().push((le, s.value));
    }
    groups
        .into_iter()
        .map(|(labels, buckets)| Sample {
            labels,
            value: bucket_quantile(q, buckets),
        })
        .collect()
}

fn parse_le(s: &str) -> Option<f64> {
    match s {
        "+Inf" | "Inf" | "+inf" | "inf" => Some(f64::INFINITY),
        _ => s.parse().ok(),
    }
}

fn bucket_quantile(q: f64, mut buckets: Vec<(f64, f64)>) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    if buckets.last().is_none_or(|b| !b.0.is_infinite()) {
        return f64::NAN;
    }
    // coalesceBuckets: merge equal bounds.
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(buckets.len());
    for (le, c) in buckets {
        match merged.last_mut() {
            Some(last) if last.0 == le => last.1 += c,
            _ => merged.push((le, c)),
        }
    }
    // ensureMonotonic
    let mut max = f64::NEG_INFINITY;
    for b in merged.iter_mut() {
        if b.1 > max {
            max = b.1;
        } else if b.1 < max {
            b.1 = max;
        }
    }
    let n = merged.len();
    if n < 2 {
        return f64::NAN;
    }
    let observations = merged[n - 1].1;
    if observations == 0.0 {
        return f64::NAN;
    }
    let mut rank = q * observations;
    let b = merged[..n - 1].partition_point(|x| x.1 < rank);
    if b == n - 1 {
        return merged[n - 2].0;
    }
    if b == 0 && merged[0].0 <= 0.0 {
        return merged[0].0;
    }
    let mut start = 0.0;
    let end = merged[b].0;
    let mut count = merged[b].1;
    if b > 0 {
        start = merged[b - 1].0;
        count -= merged[b - 1].1;
        rank -= merged[b - 1].1;
    }
    start + (end - start) * (rank / count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_of_steady_counter_is_exact() {
        let pts: Vec<(i64, f64)> = (0..=30).map(|i| (1_000 * i, 10.0 * i as f64)).collect();
        let r = extrapolated_rate(&pts, 0, 30_000, true);
        assert!(r.is_some_and(|r| (r - 10.0).abs() < 1e-9), "{r:?}");
        assert_eq!(instant_rate(&pts), Some(10.0));
    }

    #[test]
    fn rate_handles_reset() {
        let pts = vec![(0, 5.0), (1000, 10.0), (2000, 2.0)];
        let inc = extrapolated_rate(&pts, 0, 2000, false);
        assert!(inc.is_some_and(|v| (v - 7.0).abs() < 1e-9), "{inc:?}");
    }

    #[test]
    fn quantile_interpolates() {
        let b = vec![
            (0.1, 50.0),
            (0.5, 90.0),
            (1.0, 100.0),
            (f64::INFINITY, 100.0),
        ];
        let v = bucket_quantile(0.5, b.clone());
        assert!((v - 0.1).abs() < 1e-9);
        let v = bucket_quantile(0.7, b);
        assert!((v - 0.3).abs() < 1e-9);
    }
}
