//! What each list of the console holds, in order, after the `/` filter,
//! for `update()`: bounds, and "the selected object". The rows themselves
//! are `model::query`'s, which the UI walks too; what takes computing is
//! kept in the state by `derived`.

use super::state::{AlertsTab, AppState, RegionTab, View};
use crate::model::kube::*;
use crate::model::query;
use crate::model::state::{ClusterData, RegionData};
use crate::model::{Alert, Silence};

pub use crate::model::query::{contains, severity_rank};

/// A row of the fleet view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetRow {
    /// Index into `snapshot.regions`.
    Region(usize),
    /// Region index, service index.
    Service(usize, usize),
}

/// Region headers, each followed by its services; the filter keeps regions
/// whose name, provider or cloud region matches (with every service), and
/// else services whose name matches. In configured order, or the fleet
/// list's worst-first order when the view is the list ([`fleet_list`]).
///
/// [`fleet_list`]: super::fleet_list
pub fn fleet_rows(app: &AppState) -> Vec<FleetRow> {
    let f = &app.filter.text;
    let mut rows = Vec::new();
    let order: Vec<usize> = if super::fleet_list::active(app) {
        super::fleet_list::order(app)
    } else {
        (0..app.snapshot.regions.len()).collect()
    };
    for ri in order {
        let Some(r) = app.snapshot.regions.get(ri) else {
            continue;
        };
        let region_hit = contains(&r.name, f)
            || contains(&r.provider, f)
            || contains(super::fleet_list::group(app, ri).1, f);
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

/// Pods of a region, cluster by cluster, by namespace and name.
pub fn pods<'a>(app: &'a AppState, region: &str) -> impl Iterator<Item = (&'a str, &'a PodRow)> {
    query::pods(region_data(app, region), &app.filter.text)
}

pub fn deployments<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a DeploymentRow)> {
    query::deployments(region_data(app, region), &app.filter.text).collect()
}

pub fn nodes<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a NodeRow)> {
    query::nodes(region_data(app, region), &app.filter.text).collect()
}

/// Events, newest first.
pub fn events<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a EventRow)> {
    query::events(region_data(app, region), &app.filter.text)
}

pub fn hpas<'a>(app: &'a AppState, region: &str) -> Vec<(&'a str, &'a HpaRow)> {
    query::hpas(region_data(app, region), &app.filter.text).collect()
}

/// The configured contexts of a region, with their data if any.
pub fn region_clusters<'a>(
    app: &'a AppState,
    region: &str,
) -> Vec<(&'a str, Option<&'a ClusterData>)> {
    query::region_clusters(&app.region_specs, region_data(app, region), region)
}

/// Number of rows in a region tab.
pub fn region_count(app: &AppState, region: &str, tab: RegionTab) -> usize {
    match tab {
        RegionTab::Pods => match &app.pod_counts {
            Some(c) if c.region == region && c.filter == app.filter.text => c.matching,
            _ if app.filter.text.is_empty() => region_data(app, region)
                .map(|d| d.clusters.values().map(|c| c.pods.len()).sum())
                .unwrap_or(0),
            _ => pods(app, region).count(),
        },
        RegionTab::Deployments => deployments(app, region).len(),
        RegionTab::Nodes => nodes(app, region).len(),
        RegionTab::Events => events(app, region).len(),
        RegionTab::Hpas => hpas(app, region).len(),
        RegionTab::Clusters => region_clusters(app, region).len(),
    }
}

/// Alerts grouped by severity, region and service.
pub fn alerts(app: &AppState) -> Vec<&Alert> {
    alert_order(app)
        .into_iter()
        .filter_map(|i| app.fleet.alerts.get(i))
        .collect()
}

/// Indices into `fleet.alerts` of the alerts matching the filter, grouped
/// by severity, region and service.
pub fn alert_order(app: &AppState) -> Vec<usize> {
    let f = app.filter.text.as_str();
    let all = &app.fleet.alerts;
    let mut v: Vec<usize> = (0..all.len())
        .filter(|i| f.is_empty() || all[*i].labels.values().any(|l| contains(l, f)))
        .collect();
    v.sort_by(|a, b| alert_key(&all[*a]).cmp(&alert_key(&all[*b])));
    v
}

fn alert_key(a: &Alert) -> (u8, &str, &str, &str) {
    (
        severity_rank(a.severity()),
        a.label("region"),
        a.label("service"),
        a.name(),
    )
}

/// Silences, active first, then pending, then expired.
pub fn silences(app: &AppState) -> Vec<&Silence> {
    silence_order(app)
        .into_iter()
        .filter_map(|i| app.fleet.silences.get(i))
        .collect()
}

/// Indices into `fleet.silences` of the silences matching the filter:
/// active first, then pending, then expired, each by end time.
pub fn silence_order(app: &AppState) -> Vec<usize> {
    let f = app.filter.text.as_str();
    let rank = |s: &str| match s {
        "active" => 0,
        "pending" => 1,
        _ => 2,
    };
    let all = &app.fleet.silences;
    let mut v: Vec<usize> = (0..all.len())
        .filter(|i| {
            let s = &all[*i];
            f.is_empty()
                || contains(&s.comment, f)
                || contains(&s.created_by, f)
                || s.matchers.iter().any(|m| contains(&m.value, f))
        })
        .collect();
    v.sort_by(|a, b| {
        let (a, b) = (&all[*a], &all[*b]);
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
