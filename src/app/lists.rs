//! What each list of the console holds, in order, after the `/` filter.
//! `update()` uses these for bounds and for "the selected object"; the UI
//! draws the same rows. Big lists are iterators, so only the visible window
//! is ever turned into rows.

use std::cmp::Reverse;

use super::state::{AlertsTab, AppState, RegionTab, View};
use crate::model::kube::*;
use crate::model::state::{ClusterData, RegionData};
use crate::model::{Alert, Silence};

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

/// A row of the fleet view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetRow {
    /// Index into `snapshot.regions`.
    Region(usize),
    /// Region index, service index.
    Service(usize, usize),
}

/// Region headers, each followed by its services; the filter keeps regions
/// whose name or provider matches (with every service), and else services
/// whose name matches.
pub fn fleet_rows(app: &AppState) -> Vec<FleetRow> {
    let f = &app.filter.text;
    let mut rows = Vec::new();
    for (ri, r) in app.snapshot.regions.iter().enumerate() {
        let region_hit = contains(&r.name, f) || contains(&r.provider, f);
        let services: Vec<usize> = (0..r.services.len())
            .filter(|si| region_hit || contains(&r.services[*si].service, f))
            .collect();
        if region_hit || !services.is_empty() {
            rows.push(FleetRow::Region(ri));
            rows.extend(services.into_iter().map(|si| FleetRow::Service(ri, si)));
        }
    }
    rows
}

pub fn region_data<'a>(app: &'a AppState, region: &str) -> Option<&'a RegionData> {
    app.fleet.regions.get(region)
}

fn clusters<'a>(
    app: &'a AppState,
    region: &str,
) -> impl Iterator<Item = (&'a str, &'a ClusterData)> {
    region_data(app, region)
        .into_iter()
        .flat_map(|d| d.clusters.iter().map(|(c, d)| (c.as_str(), d)))
}

/// Pods of a region, cluster by cluster, by namespace and name.
pub fn pods<'a>(app: &'a AppState, region: &str) -> impl Iterator<Item = (&'a str, &'a PodRow)> {
    let f = app.filter.text.as_str();
    clusters(app, region)
        .flat_map(|(ctx, c)| c.pods.values().map(move |p| (ctx, p)))
        .filter(move |(_, p)| {
            f.is_empty()
                || contains(&p.name, f)
                || contains(&p.status, f)
                || contains(&p.namespace, f)
        })
}

pub fn deployments<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a DeploymentRow)> {
    let f = app.filter.text.as_str();
    clusters(app, region)
        .flat_map(|(ctx, c)| c.deployments.values().map(move |d| (ctx, d)))
        .filter(|(_, d)| contains(&d.name, f) || contains(&d.namespace, f))
        .collect()
}

pub fn nodes<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a NodeRow)> {
    let f = app.filter.text.as_str();
    clusters(app, region)
        .flat_map(|(ctx, c)| c.nodes.values().map(move |n| (ctx, n)))
        .filter(|(_, n)| contains(&n.name, f) || n.zone.as_deref().is_some_and(|z| contains(z, f)))
        .collect()
}

/// Events, newest first.
pub fn events<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a EventRow)> {
    let f = app.filter.text.as_str();
    let mut v: Vec<_> = clusters(app, region)
        .flat_map(|(ctx, c)| c.events.iter().map(move |e| (ctx, e)))
        .filter(|(_, e)| {
            contains(&e.reason, f) || contains(&e.object, f) || contains(&e.message, f)
        })
        .collect();
    v.sort_by_key(|(_, e)| Reverse(e.time));
    v
}

pub fn hpas<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a HpaRow)> {
    let f = app.filter.text.as_str();
    clusters(app, region)
        .flat_map(|(ctx, c)| c.hpas.values().map(move |h| (ctx, h)))
        .filter(|(_, h)| contains(&h.name, f) || contains(&h.target, f))
        .collect()
}

/// The configured contexts of a region, with their data if any.
pub fn region_clusters<'a>(
    app: &'a AppState,
    region: &str,
) -> Vec<(&'a str, Option<&'a ClusterData>)> {
    let data = region_data(app, region);
    app.region_specs
        .iter()
        .filter(|r| r.name == region)
        .flat_map(|r| r.contexts.iter())
        .map(|ctx| (ctx.as_str(), data.and_then(|d| d.clusters.get(ctx))))
        .collect()
}

/// Number of rows in a region tab.
pub fn region_count(app: &AppState, region: &str, tab: RegionTab) -> usize {
    match tab {
        RegionTab::Pods => match &app.pod_counts {
            Some(c) if c.region == region && c.filter == app.filter.text => c.matching,
            _ if app.filter.text.is_empty() => {
                clusters(app, region).map(|(_, c)| c.pods.len()).sum()
            }
            _ => pods(app, region).count(),
        },
        RegionTab::Deployments => deployments(app, region).len(),
        RegionTab::Nodes => nodes(app, region).len(),
        RegionTab::Events => events(app, region).len(),
        RegionTab::Hpas => hpas(app, region).len(),
        RegionTab::Clusters => region_clusters(app, region).len(),
    }
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

/// Alerts grouped by severity, region and service.
pub fn alerts(app: &AppState) -> Vec<&Alert> {
    let f = app.filter.text.as_str();
    let mut v: Vec<&Alert> = app
        .fleet
        .alerts
        .iter()
        .filter(|a| f.is_empty() || a.labels.values().any(|l| contains(l, f)))
        .collect();
    v.sort_by(|a, b| {
        (
            severity_rank(a.severity()),
            a.label("region"),
            a.label("service"),
            a.name(),
        )
            .cmp(&(
                severity_rank(b.severity()),
                b.label("region"),
                b.label("service"),
                b.name(),
            ))
    });
    v
}

/// Silences, active first, then pending, then expired.
pub fn silences(app: &AppState) -> Vec<&Silence> {
    let f = app.filter.text.as_str();
    let rank = |s: &str| match s {
        "active" => 0,
        "pending" => 1,
        _ => 2,
    };
    let mut v: Vec<&Silence> = app
        .fleet
        .silences
        .iter()
        .filter(|s| {
            f.is_empty()
                || contains(&s.comment, f)
                || contains(&s.created_by, f)
                || s.matchers.iter().any(|m| contains(&m.value, f))
        })
        .collect();
    v.sort_by(|a, b| {
        rank(&a.state)
            .cmp(&rank(&b.state))
            .then(a.ends_at.cmp(&b.ends_at))
    });
    v
}

/// Number of rows of the current view's list (0 where there is none).
pub fn current_count(app: &AppState) -> usize {
    match app.view() {
        View::Fleet => fleet_rows(app).len(),
        View::Region(r) => region_count(app, r, app.sel.region_tab),
        View::Service(_) => app.snapshot.regions.len(),
        View::Alerts => match app.sel.alerts_tab {
            AlertsTab::Alerts => alerts(app).len(),
            AlertsTab::Silences => silences(app).len(),
        },
        View::Costs => super::costs::groups(app, app.sel.cost_group).len(),
        View::Operations => app.ops.shown.len(),
        View::Logs => 0,
    }
}
