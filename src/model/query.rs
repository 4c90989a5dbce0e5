//! Queries over the fleet state that the console's lists are made of: the
//! `/` filter's text match, and each region tab's rows in order. Plain
//! functions of data, so `update()` (selection, counts) and the UI (the
//! visible window of a list) walk the same rows without the UI calling
//! into the app. Big lists are iterators: only the visible window is ever
//! turned into rows.

use std::cmp::Reverse;

use super::kube::{DeploymentRow, EventRow, HpaRow, NodeRow, PodRow};
use super::snapshot::RegionSpec;
use super::state::{ClusterData, RegionData};

/// Case-insensitive substring test that does not allocate.
pub fn contains(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .any(|w| w.eq_ignore_ascii_case(n))
}

/// Severity rank for grouping: critical, warning, info, then the rest.
pub fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" | "page" => 0,
        "warning" | "warn" => 1,
        "info" => 2,
        _ => 3,
    }
}

fn clusters(data: Option<&RegionData>) -> impl Iterator<Item = (&str, &ClusterData)> {
    data.into_iter()
        .flat_map(|d| d.clusters.iter().map(|(c, d)| (c.as_str(), d)))
}

/// Pods of a region matching `f`, cluster by cluster, by namespace and name.
pub fn pods<'a>(
    data: Option<&'a RegionData>,
    f: &'a str,
) -> impl Iterator<Item = (&'a str, &'a PodRow)> {
    clusters(data)
        .flat_map(|(ctx, c)| c.pods.values().map(move |p| (ctx, p)))
        .filter(move |(_, p)| pod_matches(p, f))
}

/// Whether the `/` filter `f` keeps pod `p` (name, status or namespace).
pub fn pod_matches(p: &PodRow, f: &str) -> bool {
    f.is_empty() || contains(&p.name, f) || contains(&p.status, f) || contains(&p.namespace, f)
}

pub fn deployments<'a>(
    data: Option<&'a RegionData>,
    f: &'a str,
) -> impl Iterator<Item = (&'a str, &'a DeploymentRow)> {
    clusters(data)
        .flat_map(|(ctx, c)| c.deployments.values().map(move |d| (ctx, d)))
        .filter(move |(_, d)| contains(&d.name, f) || contains(&d.namespace, f))
}

pub fn nodes<'a>(
    data: Option<&'a RegionData>,
    f: &'a str,
) -> impl Iterator<Item = (&'a str, &'a NodeRow)> {
    clusters(data)
        .flat_map(|(ctx, c)| c.nodes.values().map(move |n| (ctx, n)))
        .filter(move |(_, n)| {
            contains(&n.name, f) || n.zone.as_deref().is_some_and(|z| contains(z, f))
        })
}

/// Events matching `f`, newest first.
pub fn events<'a>(data: Option<&'a RegionData>, f: &str) -> Vec<(&'a str, &'a EventRow)> {
    let mut v: Vec<_> = clusters(data)
        .flat_map(|(ctx, c)| c.events.iter().map(move |e| (ctx, e)))
        .filter(|(_, e)| {
            contains(&e.reason, f) || contains(&e.object, f) || contains(&e.message, f)
        })
        .collect();
    v.sort_by_key(|(_, e)| Reverse(e.time));
    v
}

pub fn hpas<'a>(
    data: Option<&'a RegionData>,
    f: &'a str,
) -> impl Iterator<Item = (&'a str, &'a HpaRow)> {
    clusters(data)
        .flat_map(|(ctx, c)| c.hpas.values().map(move |h| (ctx, h)))
        .filter(move |(_, h)| contains(&h.name, f) || contains(&h.target, f))
}

/// The configured contexts of a region, with their data if any.
pub fn region_clusters<'a>(
    specs: &'a [RegionSpec],
    data: Option<&'a RegionData>,
    region: &str,
) -> Vec<(&'a str, Option<&'a ClusterData>)> {
    specs
        .iter()
        .filter(|r| r.name == region)
        .flat_map(|r| r.contexts.iter())
        .map(|ctx| (ctx.as_str(), data.and_then(|d| d.clusters.get(ctx))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_ignores_ascii_case_and_an_empty_needle_matches() {
        assert!(contains("CrashLoopBackOff", "loopback"));
        assert!(contains("anything", ""));
        assert!(!contains("ready", "readyz"));
    }
}
