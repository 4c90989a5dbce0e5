//! The events tab: recent events, warnings highlighted, repeats counted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::tab::Tab;
use crate::app::state::RegionTab;
use crate::model::query;
use crate::sanitize::clean;

const TITLES: [&str; 5] = ["age", "type", "reason", "object", "message"];

const WIDTHS: [Constraint; 5] = [
    Constraint::Length(4),
    Constraint::Length(7),
    Constraint::Length(16),
    Constraint::Length(24),
    Constraint::Min(20),
];

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let look = tab.look;
    let total = tab.app.derived.tab_count(RegionTab::Events);
    tab.table(frame, area, &TITLES, &WIDTHS, total, |start, n| {
        query::events(tab.data(), tab.filter())
            .into_iter()
            .skip(start)
            .take(n)
            .map(|(_, e)| {
                let style = if e.kind == "Warning" {
                    look.warn()
                } else {
                    look.muted()
                };
                let count = if e.count > 1 {
                    format!(" (x{})", e.count)
                } else {
                    String::new()
                };
                Row::new(vec![
                    Cell::from(tab.age(e.time)),
                    Cell::from(Span::styled(clean(&e.kind).into_owned(), style)),
                    Cell::from(clean(&e.reason).into_owned()),
                    Cell::from(clean(&e.object).into_owned()),
                    Cell::from(format!("{}{count}", clean(&e.message))),
                ])
            })
            .collect()
    });
}
