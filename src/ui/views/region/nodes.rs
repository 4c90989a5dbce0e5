//! The nodes tab: each node's readiness, instance type, zone and capacity.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::tab::Tab;
use crate::app::state::RegionTab;
use crate::model::query;
use crate::sanitize::clean;

const TITLES: [&str; 6] = ["node", "ready", "type", "zone", "cpu", "memory"];

const WIDTHS: [Constraint; 6] = [
    Constraint::Min(20),
    Constraint::Length(5),
    Constraint::Length(12),
    Constraint::Length(14),
    Constraint::Length(5),
    Constraint::Length(8),
];

/// A field the node may not report, or "-".
fn opt(v: &Option<String>) -> String {
    clean(v.as_deref().unwrap_or("-")).into_owned()
}

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let look = tab.look;
    let total = tab.app.derived.tab_count(RegionTab::Nodes);
    tab.table(frame, area, &TITLES, &WIDTHS, total, |start, n| {
        query::nodes(tab.data(), tab.filter())
            .skip(start)
            .take(n)
            .map(|(ctx, node)| {
                Row::new(vec![
                    Cell::from(Span::styled(
                        clean(&node.name).into_owned(),
                        tab.stale_or(ctx, look.text()),
                    )),
                    Cell::from(Span::styled(
                        if node.ready { "yes" } else { "NO" },
                        if node.ready {
                            look.ok()
                        } else {
                            look.critical()
                        },
                    )),
                    Cell::from(opt(&node.instance_type)),
                    Cell::from(opt(&node.zone)),
                    Cell::from(opt(&node.cpu)),
                    Cell::from(opt(&node.memory)),
                ])
            })
            .collect()
    });
}
