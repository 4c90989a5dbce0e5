//! The HPAs tab: each autoscaler's target and bounds, its current replica
//! count highlighted once it reaches the maximum.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::tab::Tab;
use crate::app::state::RegionTab;
use crate::model::query;
use crate::sanitize::clean;

const TITLES: [&str; 7] = [
    "hpa",
    "namespace",
    "target",
    "min",
    "max",
    "current",
    "desired",
];

const WIDTHS: [Constraint; 7] = [
    Constraint::Min(16),
    Constraint::Length(9),
    Constraint::Length(22),
    Constraint::Length(4),
    Constraint::Length(4),
    Constraint::Length(7),
    Constraint::Length(7),
];

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let look = tab.look;
    let total = tab.app.derived.tab_count(RegionTab::Hpas);
    tab.table(frame, area, &TITLES, &WIDTHS, total, |start, n| {
        query::hpas(tab.data(), tab.filter())
            .skip(start)
            .take(n)
            .map(|(_, h)| {
                let at_max = h.current >= h.max;
                Row::new(vec![
                    Cell::from(clean(&h.name).into_owned()),
                    Cell::from(clean(&h.namespace).into_owned()),
                    Cell::from(clean(&h.target).into_owned()),
                    Cell::from(h.min.to_string()),
                    Cell::from(h.max.to_string()),
                    Cell::from(Span::styled(
                        h.current.to_string(),
                        if at_max { look.warn() } else { look.text() },
                    )),
                    Cell::from(h.desired.to_string()),
                ])
            })
            .collect()
    });
}
