//! The deployments tab: each deployment's ready count coloured by its
//! health, its rollout counters, condition and images.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::tab::Tab;
use crate::app::state::RegionTab;
use crate::model::DeploymentRow;
use crate::model::query;
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;

const TITLES: [&str; 8] = [
    "deployment",
    "namespace",
    "ready",
    "upd",
    "avail",
    "rev",
    "condition",
    "image",
];

const WIDTHS: [Constraint; 8] = [
    Constraint::Length(16),
    Constraint::Length(9),
    Constraint::Length(6),
    Constraint::Length(4),
    Constraint::Length(5),
    Constraint::Length(4),
    Constraint::Length(24),
    Constraint::Min(10),
];

/// Critical when stuck or nothing is ready, a warning while short of
/// ready replicas or rolling, ok otherwise.
fn health(d: &DeploymentRow, look: &Look) -> Style {
    if d.deadline_exceeded() || (d.desired > 0 && d.ready == 0) {
        look.critical()
    } else if d.ready < d.desired || d.rolling() {
        look.warn()
    } else {
        look.ok()
    }
}

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let look = tab.look;
    let total = tab.app.derived.tab_count(RegionTab::Deployments);
    tab.table(frame, area, &TITLES, &WIDTHS, total, |start, n| {
        query::deployments(tab.data(), tab.filter())
            .skip(start)
            .take(n)
            .map(|(ctx, d)| {
                Row::new(vec![
                    Cell::from(Span::styled(
                        clean(&d.name).into_owned(),
                        tab.stale_or(ctx, look.text()),
                    )),
                    Cell::from(clean(&d.namespace).into_owned()),
                    Cell::from(Span::styled(
                        format!("{}/{}", d.ready, d.desired),
                        tab.stale_or(ctx, health(d, look)),
                    )),
                    Cell::from(d.updated.to_string()),
                    Cell::from(d.available.to_string()),
                    Cell::from(format::opt(d.revision, |r| r.to_string())),
                    Cell::from(clean(d.progressing.as_deref().unwrap_or("-")).into_owned()),
                    Cell::from(clean(&d.images.join(",")).into_owned()),
                ])
            })
            .collect()
    });
}
