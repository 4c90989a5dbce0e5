//! Each region's own level of a service's SLO signals before a change.
//! Regions differ on the same version (traffic mix, hardware, distance to
//! their users), so a canary gate that compared raw values across regions
//! would roll back a good release whenever its first region is simply the
//! slower one. The gate compares how far each side moved from this level.

use std::time::Duration;

use prometheus_http_query::Client;

use super::clients::Ctx;
use super::stats::median;
use super::step::RegionLevel;

/// How far back the level looks, and its resolution.
const LOOKBACK_SECONDS: i64 = 600;
const STEP_SECONDS: f64 = 30.0;

/// A region's Prometheus and the service's SLO queries expanded for it.
pub struct Queries {
    pub client: Client,
    pub error_ratio: Option<String>,
    pub p95_latency: Option<String>,
    pub timeout: Duration,
}

/// The client and queries that read `service`'s SLO signals in `region`.
pub fn queries(ctx: &Ctx, region: &str, service: &str) -> Result<Queries, String> {
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
    Ok(Queries {
        client,
        error_ratio: q(&svc.slo.error_ratio),
        p95_latency: q(&svc.slo.p95_latency),
        timeout: p.timeout,
    })
}

/// The median of one query over the lookback and how far the values
/// wandered from it (None: no data).
async fn level_of(
    q: &Queries,
    query: &Option<String>,
    end: i64,
) -> Result<Option<(f64, f64)>, String> {
    let Some(query) = query else { return Ok(None) };
    let points = crate::sources::prometheus::range_values(
        &q.client,
        query,
        end - LOOKBACK_SECONDS,
        end,
        STEP_SECONDS,
        q.timeout,
    )
    .await?;
    let values: Vec<f64> = points.into_iter().map(|(_, v)| v).collect();
    Ok(median(&values).map(|m| (m, wander(&values, m))))
}

/// The largest |v / level − 1| of `values` (0 when the level is not positive).
pub fn wander(values: &[f64], level: f64) -> f64 {
    if level <= 0.0 || !level.is_finite() {
        return 0.0;
    }
    values
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| (v / level - 1.0).abs())
        .fold(0.0, f64::max)
}

/// Each region's level over the last ten minutes; a region whose level
/// cannot be read is left out and named in the returned warnings.
pub async fn before(
    ctx: &Ctx,
    service: &str,
    regions: &[String],
) -> (Vec<RegionLevel>, Vec<String>) {
    let end = jiff::Timestamp::now().as_second();
    let reads = regions.iter().map(|r| async move {
        let q = queries(ctx, r, service)?;
        let error = level_of(&q, &q.error_ratio, end).await?;
        let p95 = level_of(&q, &q.p95_latency, end).await?;
        Ok::<_, String>(RegionLevel {
            region: r.clone(),
            error_ratio: error.map(|l| l.0),
            p95_seconds: p95.map(|l| l.0),
            error_wander: error.map(|l| l.1),
            p95_wander: p95.map(|l| l.1),
        })
    });
    let mut levels = Vec::new();
    let mut warnings = Vec::new();
    for (r, got) in regions.iter().zip(futures::future::join_all(reads).await) {
        match got {
            Ok(l) => levels.push(l),
            Err(e) => warnings.push(format!(
                "cannot read {service}'s level in {r} before the deploy ({}): its canary gate compares raw values",
                crate::sanitize::clean(&e)
            )),
        }
    }
    (levels, warnings)
}

/// `v` relative to `region`'s level, when every region of `regions` has a
/// positive level for the signal `pick` selects (else raw values are
/// compared, for every region alike).
pub fn normalizer(
    reference: &[RegionLevel],
    regions: &[&String],
    pick: fn(&RegionLevel) -> Option<f64>,
) -> Option<Vec<(String, f64)>> {
    regions
        .iter()
        .map(|r| {
            reference
                .iter()
                .find(|l| &&l.region == r)
                .and_then(pick)
                .filter(|v| *v > 0.0 && v.is_finite())
                .map(|v| ((*r).clone(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(region: &str, e: Option<f64>) -> RegionLevel {
        RegionLevel {
            region: region.into(),
            error_ratio: e,
            p95_seconds: Some(0.2),
            error_wander: None,
            p95_wander: None,
        }
    }

    #[test]
    fn every_region_needs_a_positive_level_to_normalize() {
        let (a, b) = ("a".to_string(), "b".to_string());
        let both = [level("a", Some(0.01)), level("b", Some(0.02))];
        assert_eq!(
            normalizer(&both, &[&a, &b], |l| l.error_ratio),
            Some(vec![("a".into(), 0.01), ("b".into(), 0.02)])
        );
        let zero = [level("a", Some(0.0)), level("b", Some(0.02))];
        assert_eq!(normalizer(&zero, &[&a, &b], |l| l.error_ratio), None);
        let missing = [level("b", Some(0.02))];
        assert_eq!(normalizer(&missing, &[&a, &b], |l| l.error_ratio), None);
    }

    #[test]
    fn wander_is_the_largest_relative_distance_from_the_level() {
        // 0.8 and 1.15 around 1.0: the low one is 20% off.
        let w = wander(&[1.0, 0.8, 1.15, f64::NAN], 1.0);
        assert!((w - 0.2).abs() < 1e-12, "{w}");
        assert_eq!(wander(&[1.0, 2.0], 0.0), 0.0);
    }
}
