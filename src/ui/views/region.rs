//! The region view: a summary of its clusters, then one tab at a time of
//! pods (windowed: only the visible rows are built, however many there
//! are), deployments, nodes, recent events, HPAs and clusters. Each tab
//! draws itself in its own module over the table of [`tab`].

mod clusters;
mod deployments;
mod events;
mod hpas;
mod nodes;
mod pods;
mod summary;
mod tab;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

use crate::app::state::{AppState, RegionTab};
use crate::model::query;
use crate::ui::style::Look;
use crate::ui::views::alerts::tabs_line;
use tab::Tab;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, region: &str, look: &Look) {
    let [summary, tabs, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    let tab = Tab {
        app,
        region,
        view: app.snapshot.regions.iter().find(|r| r.name == region),
        look,
    };
    let clusters = query::region_clusters(&app.region_specs, tab.data(), region);
    summary::draw(frame, summary, &tab, &clusters);

    let labels: Vec<String> = RegionTab::ALL
        .iter()
        .map(|t| match t {
            RegionTab::Pods if *t == app.sel.region_tab => {
                format!("Pods {}", app.derived.tab_count(*t))
            }
            _ => t.label().to_string(),
        })
        .collect();
    let active = RegionTab::ALL
        .iter()
        .position(|t| *t == app.sel.region_tab)
        .unwrap_or(0);
    frame.render_widget(Paragraph::new(tabs_line(&labels, active, look)), tabs);

    match app.sel.region_tab {
        RegionTab::Pods => pods::draw(frame, body, &tab),
        RegionTab::Deployments => deployments::draw(frame, body, &tab),
        RegionTab::Nodes => nodes::draw(frame, body, &tab),
        RegionTab::Events => events::draw(frame, body, &tab),
        RegionTab::Hpas => hpas::draw(frame, body, &tab),
        RegionTab::Clusters => clusters::draw(frame, body, &tab, &clusters),
    }
}
