//! A range query keeps state across its steps (each selector's series,
//! each series' window cursor, each aggregation's groups); evaluated step
//! by step as instant queries, with none of it, it must give the same
//! points.
#![allow(clippy::expect_used)]

use super::{Value, instant_query, range_query};
use crate::sim::telemetry::series::{Labels, SeriesStore, labels};

const STEP: i64 = 15_000;

/// Two regions, two services, pods that come and go (their series go
/// stale), a counter reset, an hour of samples.
fn store() -> SeriesStore {
    let mut s = SeriesStore::new(STEP, 6 * 3_600_000);
    for n in 0..240i64 {
        let mut scrape: Vec<(Labels, f64)> = Vec::new();
        for region in ["east", "west"] {
            for service in ["a", "b"] {
                // 3 live pods; one replaced every 20 scrapes.
                for p in n / 20..n / 20 + 3 {
                    let pod = format!("{service}-{p}");
                    let reset = if p % 4 == 0 && n % 50 > 40 {
                        0.0
                    } else {
                        1000.0
                    };
                    for le in ["0.1", "0.5", "+Inf"] {
                        let l = labels([
                            ("__name__", "req_bucket"),
                            ("region", region),
                            ("service", service),
                            ("pod", &pod),
                            ("le", le),
                        ]);
                        let per = if le == "0.1" {
                            1.0
                        } else {
                            2.0 + p as f64 % 3.0
                        };
                        scrape.push((l, reset + per * n as f64));
                    }
                }
            }
        }
        s.append_scrape(n * STEP, scrape);
    }
    s
}

#[test]
fn a_range_query_answers_what_each_step_would_alone() {
    let s = store();
    let end = 239 * STEP;
    let queries = [
        r#"sum(rate(req_bucket{service="a",le="+Inf"}[5m]))"#,
        r#"histogram_quantile(0.9, sum by (le) (rate(req_bucket{service="b"}[5m])))"#,
        r#"sum by (pod) (rate(req_bucket{le="0.5"}[2m])) / sum by (pod) (rate(req_bucket{le="+Inf"}[2m]))"#,
        r#"sum without (pod) (req_bucket)"#,
        r#"count by (service) (increase(req_bucket[10m]))"#,
    ];
    for region in [Some("east"), None] {
        for q in queries {
            // Steps of 30 s (a window moves by two samples) and of 7 min
            // (more than the cursor steps over, so it searches).
            for step in [30_000, 420_000] {
                let start = end - 3_600_000;
                let range = range_query(&s, region, q, start, end, step).expect(q);
                let mut t = start;
                let mut points = 0;
                while t <= end {
                    let Ok(Value::Vector(alone)) = instant_query(&s, region, q, t) else {
                        panic!("{q} at {t} is no vector");
                    };
                    for sample in &alone {
                        let series = range
                            .iter()
                            .find(|r| r.labels == sample.labels)
                            .unwrap_or_else(|| panic!("{q}: {:?} missing", sample.labels));
                        let got = series.points.iter().find(|(pt, _)| *pt == t).map(|p| p.1);
                        let same = got.is_some_and(|g| {
                            g == sample.value || (g.is_nan() && sample.value.is_nan())
                        });
                        assert!(same, "{q} at {t}: range {got:?}, alone {}", sample.value);
                        points += 1;
                    }
                    let in_range = range
                        .iter()
                        .filter(|r| r.points.iter().any(|(pt, _)| *pt == t))
                        .count();
                    assert_eq!(in_range, alone.len(), "{q} at {t}: as many series");
                    t += step;
                }
                assert!(points > 0, "{q}: some points");
            }
        }
    }
}
