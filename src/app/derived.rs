//! What a frame draws that takes computing — the fleet rows, the order of
//! alerts and silences, each region tab's count, the cost groups with their
//! anomalies, the palette's matches — made in `update()` after every
//! message and kept in the state, so drawing a frame only reads.

use super::costs::{self, CostRow, Summary};
use super::lists::{self, FleetRow};
use super::palette::{self, Entry};
use super::state::{AppState, CostGroup, Overlay, RegionTab, View};

/// The costs view's figures (computed only while a view shows them).
#[derive(Debug, Clone, Default)]
pub struct CostFrame {
    pub summary: Option<Summary>,
    /// The selected grouping's rows, biggest first, after the filter.
    pub rows: Vec<CostRow>,
    pub total: Option<CostRow>,
    /// Rows by service, for the service view.
    pub by_service: Vec<CostRow>,
}

#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub fleet_rows: Vec<FleetRow>,
    /// The filter `fleet_rows` were made with.
    pub fleet_filter: String,
    /// Indices into `fleet.alerts`, grouped by severity, region, service.
    pub alerts: Vec<usize>,
    /// Indices into `fleet.silences`: active, pending, expired.
    pub silences: Vec<usize>,
    /// Rows per tab of the region on screen (empty elsewhere).
    pub tab_counts: Vec<(RegionTab, usize)>,
    pub costs: CostFrame,
    /// The open palette's matches, best first.
    pub palette: Vec<Entry>,
}

impl Derived {
    /// Rows of `tab` of the region on screen.
    pub fn tab_count(&self, tab: RegionTab) -> usize {
        self.tab_counts
            .iter()
            .find(|(t, _)| *t == tab)
            .map_or(0, |(_, n)| *n)
    }
}

/// Recomputes everything in [`Derived`] from the state.
pub fn refresh(app: &mut AppState) {
    // The fleet list sorts by health: the selection follows its row when
    // the order moves under it (a new filter starts from the top instead,
    // and the top row stays selected: it is the worst).
    let selected = app
        .derived
        .fleet_rows
        .get(app.sel.fleet)
        .copied()
        .filter(|_| app.sel.fleet > 0 && app.derived.fleet_filter == app.filter.text);
    let mut d = Derived {
        fleet_rows: lists::fleet_rows(app),
        fleet_filter: app.filter.text.clone(),
        alerts: lists::alert_order(app),
        silences: lists::silence_order(app),
        ..Derived::default()
    };
    match app.view() {
        View::Region(r) => {
            d.tab_counts = RegionTab::ALL
                .iter()
                .map(|t| (*t, lists::region_count(app, r, *t)))
                .collect();
        }
        View::Costs => {
            d.costs = CostFrame {
                summary: costs::summary(app),
                rows: costs::groups(app, app.sel.cost_group),
                total: Some(costs::fleet_total(app)),
                by_service: Vec::new(),
            };
        }
        View::Service(_) => d.costs.by_service = costs::groups(app, CostGroup::Service),
        _ => {}
    }
    if let Some(Overlay::Palette(p)) = &app.overlay {
        d.palette = palette::matches(app, &p.input);
    }
    if let Some(i) = selected.and_then(|s| d.fleet_rows.iter().position(|r| *r == s)) {
        app.sel.fleet = i;
    }
    app.derived = d;
}

impl AppState {
    /// The alerts the alerts list shows, in its order.
    pub fn shown_alerts(&self) -> Vec<&crate::model::Alert> {
        self.derived
            .alerts
            .iter()
            .filter_map(|i| self.fleet.alerts.get(*i))
            .collect()
    }

    /// The silences the silences list shows, in its order.
    pub fn shown_silences(&self) -> Vec<&crate::model::Silence> {
        self.derived
            .silences
            .iter()
            .filter_map(|i| self.fleet.silences.get(*i))
            .collect()
    }
}
