//! The fleet as a list, for fleets too many to show as matrix columns (the
//! hundreds of clusters of a large fleet): one line per region, grouped by
//! provider and cloud region, the regions that hurt first (worst first),
//! then the healthy rest, so what hurts is at the top of a 24-line terminal. Up and down
//! move between regions (keeping the service), left and right between the
//! region and its services.

use super::lists::FleetRow;
use super::state::AppState;
use crate::config::keymap::Action;
use crate::model::{Health, RegionView};

/// Columns a region needs in the matrix (mark, count, `m`, gap), and the
/// service names' column with the borders.
const MATRIX_CELL: usize = 8;
const MATRIX_NAME: usize = 12;

/// Whether the fleet view is the list: more regions than the matrix shows
/// at this width.
pub fn active(app: &AppState) -> bool {
    let n = app.snapshot.regions.len();
    n > 1 && n * MATRIX_CELL + MATRIX_NAME > usize::from(app.size.0)
}

/// A region's group: provider and cloud region.
pub fn group(app: &AppState, ri: usize) -> (&str, &str) {
    app.region_specs
        .get(ri)
        .map_or(("", ""), |s| (s.provider.as_str(), s.cloud_region.as_str()))
}

/// How much a region hurts: down, then unseen (stale or no data: what it
/// hides may be worse), then degraded, then the rest.
fn hurt(r: &RegionView) -> u8 {
    match r.health {
        Health::Down => 4,
        _ if r.stale || r.health == Health::Unknown => 3,
        Health::Degraded => 2,
        _ => 0,
    }
}

/// Region indices in list order: first the regions that hurt, grouped by
/// provider and cloud region, the groups by their worst region, the regions
/// worst first inside them; then the healthy rest, group by group in name
/// order. A group with both shows twice: what hurts is never below a
/// healthy sibling.
pub fn order(app: &AppState) -> Vec<usize> {
    let regions = &app.snapshot.regions;
    let mut hurting: Vec<((&str, &str), Vec<usize>)> = Vec::new();
    let mut healthy: Vec<usize> = Vec::new();
    for (ri, r) in regions.iter().enumerate() {
        if hurt(r) == 0 {
            healthy.push(ri);
            continue;
        }
        let g = group(app, ri);
        match hurting.iter_mut().find(|(k, _)| *k == g) {
            Some((_, members)) => members.push(ri),
            None => hurting.push((g, vec![ri])),
        }
    }
    let by_name = |a: &usize, b: &usize| regions[*a].name.cmp(&regions[*b].name);
    for (_, members) in &mut hurting {
        members.sort_by(|a, b| {
            hurt(&regions[*b])
                .cmp(&hurt(&regions[*a]))
                .then_with(|| by_name(a, b))
        });
    }
    let worst = |m: &[usize]| m.first().map(|ri| hurt(&regions[*ri]));
    hurting.sort_by(|(ka, a), (kb, b)| worst(b).cmp(&worst(a)).then_with(|| ka.cmp(kb)));
    healthy.sort_by(|a, b| {
        group(app, *a)
            .cmp(&group(app, *b))
            .then_with(|| by_name(a, b))
    });
    hurting
        .into_iter()
        .flat_map(|(_, m)| m)
        .chain(healthy)
        .collect()
}

/// Whether a region is among the list's first part, the ones that hurt.
pub fn hurts(r: &RegionView) -> bool {
    hurt(r) > 0
}

/// The region header rows' positions in `rows`.
fn heads(rows: &[FleetRow]) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, FleetRow::Region(_)))
        .map(|(i, _)| i)
        .collect()
}

/// Up, down, page up/down, top, bottom: to another region, at the same
/// place in its line.
pub fn step(app: &mut AppState, action: Action) {
    let rows = super::lists::fleet_rows(app);
    let heads = heads(&rows);
    if heads.is_empty() {
        return;
    }
    let cur = app.sel.fleet;
    let at = heads.iter().rposition(|h| *h <= cur).unwrap_or(0);
    let offset = cur - heads[at];
    let page = usize::from(app.size.1.saturating_sub(10)).max(1);
    let last = heads.len() - 1;
    let to = match action {
        Action::Up => at.saturating_sub(1),
        Action::Down => (at + 1).min(last),
        Action::PageUp => at.saturating_sub(page),
        Action::PageDown => (at + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => at,
    };
    let end = heads.get(to + 1).copied().unwrap_or(rows.len());
    app.sel.fleet = (heads[to] + offset).min(end.saturating_sub(1));
}

/// Left, right: the region, then each of its services, in its line.
pub fn side(app: &mut AppState, forward: bool) {
    let rows = super::lists::fleet_rows(app);
    let cur = app.sel.fleet;
    let head = heads(&rows)
        .into_iter()
        .rev()
        .find(|h| *h <= cur)
        .unwrap_or(0);
    let end = rows
        .iter()
        .enumerate()
        .skip(head + 1)
        .find(|(_, r)| matches!(r, FleetRow::Region(_)))
        .map_or(rows.len(), |(i, _)| i);
    app.sel.fleet = if forward {
        (cur + 1).min(end.saturating_sub(1))
    } else {
        cur.saturating_sub(1).max(head)
    };
}
